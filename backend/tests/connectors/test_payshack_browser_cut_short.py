"""Browser walks cut short: the provider drops the last pages, the session dies and the
page comes back at page 1, the totals grow during the walk. Each ends `incomplete` with
the numbers, or complete with every row — never complete with rows missing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import aclosing
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from psp_dashboard.sandbox.config import SandboxConfig, WorldConfig
from psp_dashboard.sandbox.dashboard_variants import NAMED_VARIANTS
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sync.connectors.payshack.listing import WATERMARK
from tests.connectors.test_payshack_browser import (
    api,
    assert_same_records,
    browser,
    collect,
    no_chromium_left,  # noqa: F401 - autouse fixture: no Chromium outlives a test here either
    split,
)

WORLD = WorldConfig(seed=12, start=date(2026, 3, 1), days=1, per_day=700)


@pytest.fixture
def sb() -> Iterator[SandboxHandle]:
    with sandbox_thread(SandboxConfig(world=WORLD)) as handle:
        handle.sandbox.variant = replace(NAMED_VARIANTS["classic"], page_size=25)
        yield handle


async def test_dropped_last_pages_end_incomplete_with_the_numbers(
    sb: SandboxHandle, tmp_path: Path
) -> None:
    sb.faults.payshack.update(drop_last_pages=2)
    pages = await collect(browser(sb, tmp_path))
    (report,) = [p.report for p in pages if p.report is not None]
    assert not report.complete and report.attempts == 2 and report.ending == "empty-page"
    assert report.count.expected is not None
    assert report.count.expected - report.count.accounted > 100  # two pages of 100
    assert WATERMARK not in pages[-1].checkpoint


async def test_a_session_that_dies_and_comes_back_at_page_one_still_reads_everything(
    sb: SandboxHandle, tmp_path: Path
) -> None:
    # No page state in the URL: after the new login the page shows page 1 again.
    sb.sandbox.variant = replace(NAMED_VARIANTS["classic"], url_state=False)
    conn = browser(sb, tmp_path)
    pages = []
    async with aclosing(conn.pages({})) as walk:
        async for page in walk:
            pages.append(page)
            if len(pages) == 2:
                sb.sandbox.auth.expire_all()  # the provider ends every session mid-walk
    assert conn.last_walk is not None and conn.last_walk.relogins >= 1
    assert conn.last_walk.replays >= 1  # the page came back at page 1: replayed up to there
    reports = [p.report for p in pages if p.report is not None]
    assert [r.complete for r in reports] == [True]
    from_api, _ = split(api(sb), await collect(api(sb)))
    assert_same_records(split(conn, pages)[0], from_api)


async def test_totals_growing_during_the_walk_are_neither_lost_nor_a_shortfall(
    sb: SandboxHandle, tmp_path: Path
) -> None:
    before, _ = split(api(sb), await collect(api(sb)))
    sb.faults.payshack.update(grow_per_request=3)
    conn = browser(sb, tmp_path)
    pages = await collect(conn)
    (report,) = [p.report for p in pages if p.report is not None]
    assert report.complete and report.attempts == 1
    scraped, _ = split(conn, pages)
    assert set(before) <= set(scraped)  # every row that existed when the walk began
