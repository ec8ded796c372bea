"""PayShackBrowserTransport driving a real Chromium against the sandbox over HTTP.

A walk is judged twice: by the sandbox's truth (every good record, exact Decimal sums
per status, every bad record rejected) and against the api transport on the same world,
field by field over the fields both transports have. The table shows times to the
second, so the API's millisecond times are compared truncated to whole seconds.
After every test no Chromium (nor Playwright driver) process of ours may be left.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import aclosing
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import psutil
import pytest

from psp_dashboard.sandbox import truth
from psp_dashboard.sandbox.config import SandboxConfig, WorldConfig
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sandbox.truth_records import TruthRecord
from psp_dashboard.sync.connectors.base import Connector, RawPage
from psp_dashboard.sync.connectors.http import RetryPolicy
from psp_dashboard.sync.connectors.payshack.api import (
    WATERMARK,
    PayShackApiTransport,
    PayShackEncryptedError,
)
from psp_dashboard.sync.connectors.payshack.browser import (
    InMemoryStateStore,
    PayShackBrowserLaunchError,
    PayShackBrowserTransport,
    PayShackColumnMissingError,
    PayShackLoginRejectedError,
)
from psp_dashboard.sync.records import NormalizedTransaction, RecordRejected

FAST = RetryPolicy(max_attempts=8, backoff_base=0.001, backoff_cap=0.01, retry_after_cap=0.01)
# Fields present in both a table row and an API row (see docs/payshack-browser.md).
COMMON = ("source_id", "order_id", "client_operation_id", "amount", "status",
          "original_status", "merchant_id", "project", "utr", "currency", "country",
          "unknown_status")  # fmt: skip
TIMES = ("created_at", "updated_at")


async def no_pause(_: float) -> None:
    return None


def chromium_processes() -> list[psutil.Process]:
    """Chromium and Playwright driver processes descending from this test process."""
    found = []
    for proc in psutil.Process().children(recursive=True):
        try:
            if "chrom" in proc.name().lower() or "playwright" in " ".join(proc.cmdline()):
                found.append(proc)
        except psutil.Error:
            continue  # exited meanwhile
    return found


@pytest.fixture(autouse=True)
def no_chromium_left() -> Iterator[None]:
    yield
    _gone, alive = psutil.wait_procs(chromium_processes(), timeout=10)
    assert not alive, f"browser processes outlived the run: {[p.pid for p in alive]}"


@pytest.fixture
def sb() -> Iterator[SandboxHandle]:
    world = WorldConfig(days=1, per_day=400, bad_record_rate=0.02, unknown_status_rate=0.02)
    with sandbox_thread(SandboxConfig(world=world)) as handle:
        yield handle


def browser(sb: SandboxHandle, tmp_path: Path, **options: Any) -> PayShackBrowserTransport:
    options.setdefault("state_store", InMemoryStateStore())
    options.setdefault("password", sb.credentials.payshack_pass)
    options.setdefault("payin_path", sb.sandbox.payin_path)
    options.setdefault("late_change_days", 0)  # windows here; the sweep is tested elsewhere
    options.setdefault("timeout_seconds", 20)
    return PayShackBrowserTransport(
        sb.payshack_base_url,
        sb.credentials.payshack_email,
        diagnostics_dir=tmp_path / "diagnostics",
        sleep=no_pause,
        now=lambda: sb.world.clock,  # the world's own time, as the api tests do
        **options,
    )


def api(sb: SandboxHandle) -> PayShackApiTransport:
    return PayShackApiTransport(
        sb.payshack_base_url,
        sb.credentials.payshack_email,
        sb.credentials.payshack_pass,
        pause_seconds=0,
        retry=FAST,
        now=lambda: sb.world.clock,
        late_change_days=0,
    )


def split(conn: Connector, pages: Iterable[RawPage]) -> tuple[dict[str, Any], Counter[str]]:
    good: dict[str, NormalizedTransaction] = {}
    reasons: Counter[str] = Counter()
    for page in pages:
        for raw in page.records:
            try:
                txn = conn.normalize(raw)
            except RecordRejected as exc:
                reasons[exc.reason] += 1
            else:
                good[txn.source_id] = txn
    return good, reasons


def newest_payin(sb: SandboxHandle) -> str:
    """The watermark a complete walk leaves: the newest createdAt, to the second (the
    table shows no milliseconds)."""
    world = sb.world
    newest = datetime.fromtimestamp(world.ps_time_ms(world.ps_order[-1]) // 1000, UTC)
    return newest.isoformat()


def second(value: datetime | None) -> datetime | None:
    return None if value is None else value.replace(microsecond=0)


def comparable(txn: Any, fields: Iterable[str] = (*COMMON, *TIMES)) -> tuple[Any, ...]:
    """The fields both transports have; times to the second (what the table shows)."""
    return tuple(second(getattr(txn, f)) if f in TIMES else getattr(txn, f) for f in fields)


def assert_same_records(scraped: dict[str, Any], from_api: dict[str, Any]) -> None:
    assert set(scraped) == set(from_api)
    for source_id, txn in from_api.items():
        assert comparable(scraped[source_id]) == comparable(txn), source_id


def totals(amounts: Iterable[tuple[str, Decimal]]) -> dict[str, tuple[int, Decimal]]:
    groups: dict[str, list[Decimal]] = defaultdict(list)
    for status, amount in amounts:
        groups[status].append(amount)
    return {s: (len(a), sum(a, Decimal(0))) for s, a in groups.items()}


def assert_matches_truth(scraped: dict[str, Any], sb: SandboxHandle) -> None:
    expected = [r for r in truth.payshack_records(sb.world) if isinstance(r, TruthRecord)]
    assert set(scraped) == {r.source_id for r in expected}
    assert totals((t.status, t.amount) for t in scraped.values()) == totals(
        (r.status, r.amount) for r in expected
    )
    for r in expected:
        assert scraped[r.source_id].created_at == second(r.created_at), r.source_id


async def collect(conn: Connector, state: dict[str, str] | None = None) -> list[RawPage]:
    return [page async for page in conn.pages(state or {})]


async def test_first_sync_equals_the_api_transport_and_the_truth(
    sb: SandboxHandle, tmp_path: Path
) -> None:
    # A re-skinned table: columns in another order (found by header text all the same).
    sb.sandbox.payin_column_order = ["Created At", "Status", "Payer", "Paid Amount", "UTR",
        "Transaction ID", "Modified At", "Client", "Amount", "Order ID"]  # fmt: skip
    conn = browser(sb, tmp_path)
    pages = await collect(conn)
    assert len(pages) >= 3  # 100 rows per page: the page-size select was set to its maximum
    assert pages[-1].checkpoint == {WATERMARK: newest_payin(sb)}
    assert pages[-1].report is not None and pages[-1].report.complete
    assert all(p.checkpoint == {} for p in pages[:-1])  # the watermark rides on the last page
    scraped, reasons = split(conn, pages)
    from_api, api_reasons = split(api(sb), await collect(api(sb)))
    assert_same_records(scraped, from_api)
    assert reasons == api_reasons and sum(reasons.values()) == len(
        truth.bad_records(sb.world, "payshack")
    )
    assert_matches_truth(scraped, sb)
    assert any(t.unknown_status for t in scraped.values())


async def test_incremental_sync_reuses_the_saved_login_and_reads_the_window_like_the_api(
    sb: SandboxHandle, tmp_path: Path
) -> None:
    store = InMemoryStateStore()  # what Redis holds between runs in production
    first_conn = browser(sb, tmp_path, state_store=store)
    state = dict((await collect(first_conn))[-1].checkpoint)
    sb.world.advance(new=40, settle=10)
    conn, other = browser(sb, tmp_path, state_store=store), api(sb)
    pages = await collect(conn, state)
    assert conn.last_walk is not None and conn.last_walk.session.logins == 0
    scraped, _ = split(conn, pages)
    from_api, _ = split(other, await collect(other, state))
    assert_same_records(scraped, from_api)
    assert pages[-1].checkpoint == {WATERMARK: newest_payin(sb)}
    window_start = datetime.fromisoformat(state[WATERMARK]) - conn.overlap
    assert scraped and all(t.created_at >= second(window_start) for t in scraped.values())


async def test_encrypted_mode_is_read_by_the_browser_only(
    sb: SandboxHandle, tmp_path: Path
) -> None:
    sb.sandbox.encrypted = True
    with pytest.raises(PayShackEncryptedError, match="PAYSHACK_TRANSPORT=browser"):
        await collect(api(sb))
    # No PAYSHACK_PAYIN_PATH here: the page is reached through the "Pay-In" nav link.
    conn = browser(sb, tmp_path, payin_path=None)
    scraped, _ = split(conn, await collect(conn))
    assert_matches_truth(scraped, sb)


async def test_session_expiring_mid_walk_logs_in_again_and_completes(
    sb: SandboxHandle, tmp_path: Path
) -> None:
    sb.faults.payshack.update(expire_after_requests=5)
    conn = browser(sb, tmp_path)
    scraped, _ = split(conn, await collect(conn))
    assert conn.last_walk is not None and conn.last_walk.relogins >= 1
    assert_matches_truth(scraped, sb)


async def test_failed_page_loads_are_retried(sb: SandboxHandle, tmp_path: Path) -> None:
    sb.faults.payshack.update(every_nth_5xx=3, every_nth_429=5)
    conn = browser(sb, tmp_path)
    scraped, _ = split(conn, await collect(conn))
    assert sb.faults.payshack.injected["5xx"] and sb.faults.payshack.injected["429"]
    assert_matches_truth(scraped, sb)


async def test_a_renamed_column_is_named_and_diagnosed(sb: SandboxHandle, tmp_path: Path) -> None:
    sb.sandbox.payin_header_renames = {"Transaction ID": "Reference Key"}
    with pytest.raises(
        PayShackColumnMissingError, match="required column 'Transaction ID'"
    ) as caught:
        await collect(browser(sb, tmp_path))
    error = caught.value
    assert error.screenshot is not None and error.screenshot.stat().st_size > 0
    assert error.html is not None and "Reference Key" in error.html.read_text()
    assert str(error.screenshot) in str(error) and str(error.html) in str(error)
    saved = error.html.read_text()
    assert sb.credentials.payshack_email not in saved
    assert sb.credentials.payshack_pass not in saved


async def test_a_rejected_login_is_named_without_the_password(
    sb: SandboxHandle, tmp_path: Path
) -> None:
    with pytest.raises(PayShackLoginRejectedError, match="Invalid email or password") as caught:
        await collect(browser(sb, tmp_path, password="wrong-Pa55word"))
    assert "wrong-Pa55word" not in str(caught.value)
    assert caught.value.screenshot is not None and caught.value.screenshot.exists()
    assert caught.value.html is not None
    assert "wrong-Pa55word" not in caught.value.html.read_text()


async def test_a_run_cancelled_mid_walk_closes_chromium(tmp_path: Path) -> None:
    with sandbox_thread(SandboxConfig(world=WorldConfig(days=1, per_day=1500))) as sb:
        await cancel_mid_walk(sb, tmp_path)


async def cancel_mid_walk(sb: SandboxHandle, tmp_path: Path) -> None:
    first_page = asyncio.Event()

    async def run() -> None:  # consumes pages the way run_sync does
        async with aclosing(browser(sb, tmp_path).pages({})) as pages:
            async for _page in pages:
                first_page.set()
                sb.faults.payshack.update(delay_ms=2000)  # the next page hangs…

    task = asyncio.create_task(run())
    await asyncio.wait_for(first_page.wait(), 30)
    await asyncio.sleep(0.3)  # …so the walk is waiting on the browser when cancelled
    assert chromium_processes(), "the walk should be running a Chromium now"
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    _gone, alive = await asyncio.to_thread(psutil.wait_procs, chromium_processes(), 10)
    assert not alive


async def test_a_missing_chromium_is_a_launch_error(sb: SandboxHandle, tmp_path: Path) -> None:
    missing = tmp_path / "no-chromium-here"
    with pytest.raises(PayShackBrowserLaunchError, match="PLAYWRIGHT_CHROMIUM_PATH") as caught:
        await collect(browser(sb, tmp_path, chromium_path=missing))
    assert str(missing) in str(caught.value)
