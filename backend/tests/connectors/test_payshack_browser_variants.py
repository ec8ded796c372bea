"""The browser transport on dashboards it has not seen: every named layout variant of
the sandbox's Pay-In page and 20 random combinations. A full sync (no watermark) and a
windowed sync must equal the sandbox's truth row for row, and prove themselves complete
against the totals the page states (except on the one layout that states none).

One Chromium serves all cases; each case gets its own small world on a fixed date.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from psp_dashboard.sandbox import truth
from psp_dashboard.sandbox.config import SandboxConfig, WorldConfig
from psp_dashboard.sandbox.dashboard_variants import (
    NAMED_VARIANTS,
    DashboardVariant,
    random_variant,
)
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sandbox.truth_records import TruthRecord
from psp_dashboard.sync.connectors.base import RawPage
from psp_dashboard.sync.connectors.payshack.browser import PayShackBrowserTransport
from psp_dashboard.sync.connectors.payshack.listing import WATERMARK
from tests.connectors.test_payshack_browser import (
    api,
    assert_same_records,
    browser,
    collect,
    no_chromium_left,  # noqa: F401 - autouse fixture: no Chromium outlives a test here either
    split,
)

WORLD = WorldConfig(seed=5, start=date(2026, 3, 1), days=1, per_day=140, bad_record_rate=0.03)
# Seeds 11–20 run in test_payshack_browser_variants_more.py (a second file lets the two
# halves run on both test workers: most of the time here is the layouts' data-call delay).
CASES: list[tuple[str, DashboardVariant]] = [
    *NAMED_VARIANTS.items(),
    *((f"random-{seed}", random_variant(seed)) for seed in range(1, 11)),
]


@pytest.fixture(scope="module")
def sb() -> Iterator[SandboxHandle]:
    with sandbox_thread(SandboxConfig(world=WORLD)) as handle:
        yield handle


@pytest.fixture
async def shared(sb: SandboxHandle, tmp_path: Path) -> AsyncIterator[PayShackBrowserTransport]:
    conn = browser(sb, tmp_path, timeout_seconds=30)
    async with conn:  # one Chromium for the full and the windowed walk
        yield conn


def truth_ids(sb: SandboxHandle, since: datetime | None = None) -> set[str]:
    return {
        r.source_id
        for r in truth.payshack_records(sb.world)
        if isinstance(r, TruthRecord) and (since is None or r.created_at >= since)
    }


def completeness(pages: list[RawPage]) -> list[bool]:
    return [p.report.complete for p in pages if p.report is not None]


@pytest.mark.parametrize(("name", "variant"), CASES, ids=[name for name, _ in CASES])
async def test_full_and_windowed_syncs_equal_the_truth(
    sb: SandboxHandle, shared: PayShackBrowserTransport, name: str, variant: DashboardVariant
) -> None:
    await check_full_and_windowed(sb, shared, name, variant)


async def check_full_and_windowed(
    sb: SandboxHandle, shared: PayShackBrowserTransport, name: str, variant: DashboardVariant
) -> None:
    sb.sandbox.variant = variant
    from_api, api_reasons = split(api(sb), await collect(api(sb)))

    pages = await collect(shared)  # the whole history: no date filter
    scraped, reasons = split(shared, pages)
    assert_same_records(scraped, from_api)
    assert reasons == api_reasons
    stated = variant.totals != "none"
    assert completeness(pages) == [stated], name
    assert (WATERMARK in pages[-1].checkpoint) is stated

    # A window of the last six hours (a watermark 4 h back, the 2 h overlap), through
    # the page's own date filter.
    mark = max(t.created_at for t in from_api.values()) - timedelta(hours=4)
    start = mark - shared.overlap
    windowed = await collect(shared, {WATERMARK: mark.isoformat()})
    got, _ = split(shared, windowed)
    assert set(got) == truth_ids(sb, start.replace(microsecond=0))
    assert_same_records(got, {k: v for k, v in from_api.items() if k in got})
    assert completeness(windowed) == [stated], name


async def test_a_layout_without_a_size_control_is_walked_through_sixty_pages(
    tmp_path: Path,
) -> None:
    ten_per_page = replace(
        NAMED_VARIANTS["classic"], size_selector=False, page_size=10, next="numbered",
        totals="records", table="grid",
    )  # fmt: skip
    world = WorldConfig(seed=8, start=date(2026, 3, 1), days=1, per_day=1000)
    with sandbox_thread(SandboxConfig(world=world)) as sb:
        sb.sandbox.variant = ten_per_page
        conn = browser(sb, tmp_path)
        pages = await collect(conn)
        scraped, _ = split(conn, pages)
        from_api, _ = split(api(sb), await collect(api(sb)))
        assert_same_records(scraped, from_api)
        assert conn.last_walk is not None and conn.last_walk.clicks >= 60
        assert completeness(pages) == [True]


async def test_a_layout_that_states_no_totals_cannot_report_success(tmp_path: Path) -> None:
    world = WorldConfig(seed=9, start=date(2026, 3, 1), days=1, per_day=200)
    with sandbox_thread(SandboxConfig(world=world)) as sb:
        sb.sandbox.variant = NAMED_VARIANTS["no-totals"]
        conn = browser(sb, tmp_path)
        pages = await collect(conn)
        (report,) = [p.report for p in pages if p.report is not None]
        assert not report.complete and report.count.expected is None
        assert WATERMARK not in pages[-1].checkpoint
        from_api, _ = split(api(sb), await collect(api(sb)))
        assert_same_records(split(conn, pages)[0], from_api)  # read, but not proven
