"""Both HTTP connectors against the real sandboxes over HTTP (psp_dashboard.sandbox).

A walk is judged by the sandbox's own truth: every good record normalized exactly as
truth states it, every bad record rejected, nothing else. Faults (429, 5xx, truncated
bodies), token expiry and encrypted payloads are switched on through the sandbox's knobs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from psp_dashboard.sandbox import truth
from psp_dashboard.sandbox.config import SandboxConfig, WorldConfig
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sandbox.truth_records import BadRecord, TruthRecord
from psp_dashboard.sync.connectors.base import Connector, RawPage
from psp_dashboard.sync.connectors.http import RetryPolicy
from psp_dashboard.sync.connectors.payshack.api import (
    InMemoryTokenStore,
    PayShackApiTransport,
    PayShackEncryptedError,
)
from psp_dashboard.sync.connectors.vima.client import CREATE_CURSOR, VimaConnector
from psp_dashboard.sync.errors import UpstreamAuthError
from psp_dashboard.sync.records import NormalizedTransaction, RecordRejected
from tests.connectors.payshack_fake import utc_days

# Tiny waits: the sandbox sends Retry-After: 1, which the cap turns into 10 ms.
FAST = RetryPolicy(max_attempts=8, backoff_base=0.001, backoff_cap=0.01, retry_after_cap=0.01)


@pytest.fixture
def sb() -> Iterator[SandboxHandle]:
    world = WorldConfig(days=1, per_day=500, bad_record_rate=0.02, unknown_status_rate=0.02)
    with sandbox_thread(SandboxConfig(world=world)) as handle:
        yield handle


def vima(sb: SandboxHandle, **options: Any) -> VimaConnector:
    return VimaConnector(sb.vima_base_url, sb.credentials.vima_apikey, retry=FAST, **options)


class CountingStore(InMemoryTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self.logins = 0

    async def set(self, value: str, ttl_seconds: int) -> None:
        self.logins += 1
        await super().set(value, ttl_seconds)


def payshack(sb: SandboxHandle, **options: Any) -> PayShackApiTransport:
    options.setdefault("token_store", CountingStore())
    options.setdefault("late_change_days", 0)  # windows only: the sweep is tested elsewhere
    return PayShackApiTransport(
        sb.payshack_base_url,
        sb.credentials.payshack_email,
        sb.credentials.payshack_pass,
        pause_seconds=0,
        retry=FAST,
        now=lambda: sb.world.clock,  # the world's own time, not the wall clock
        **options,
    )


@dataclass
class Loaded:
    """What a pipeline would hold after upserting pages: last version wins."""

    locator_field: str
    rows: dict[str, NormalizedTransaction] = field(default_factory=dict)
    rejected: set[str] = field(default_factory=set)  # locators of quarantined records
    state: dict[str, str] = field(default_factory=dict)

    def load(self, conn: Connector, pages: Iterable[RawPage]) -> None:
        for page in pages:
            for raw in page.records:
                try:
                    txn = conn.normalize(raw)
                except RecordRejected:
                    self.rejected.add(str(raw[self.locator_field]))
                else:
                    self.rows[txn.source_id] = txn
            self.state.update(page.checkpoint)


async def sync(conn: Connector, loaded: Loaded) -> list[RawPage]:
    pages = [page async for page in conn.pages(dict(loaded.state))]
    loaded.load(conn, pages)
    return pages


def assert_matches_truth(
    loaded: Loaded, records: Iterable[TruthRecord | BadRecord], since: datetime | None = None
) -> None:
    expected = list(records)
    good = {r.source_id: r for r in expected if isinstance(r, TruthRecord)}
    assert set(loaded.rows) == set(good)
    assert loaded.rejected == {r.locator for r in expected if isinstance(r, BadRecord)}
    for source_id, want in good.items():
        if since is not None and want.created_at < since:
            continue  # outside the re-read window: its later status changes are not seen
        got = loaded.rows[source_id]
        assert (got.client_operation_id, got.project, got.created_at, got.amount) == (
            want.key, want.project, want.created_at, want.amount,
        ), source_id  # fmt: skip
        assert (got.status, got.original_status) == (want.status, want.original_status)


async def test_vima_full_cursor_walk_equals_the_world(sb: SandboxHandle) -> None:
    loaded = Loaded("operation_create_id")
    pages = await sync(vima(sb), loaded)
    assert {p.stream for p in pages} == {"update"}  # the first sync is one walk
    assert_matches_truth(loaded, truth.vima_records(sb.world))
    assert loaded.rejected, "the world has bad records; some must be rejected"


async def test_vima_next_run_picks_up_new_and_settled_operations(sb: SandboxHandle) -> None:
    loaded = Loaded("operation_create_id")
    await sync(vima(sb), loaded)
    first_cursor = int(loaded.state[CREATE_CURSOR])
    sb.world.advance(new=40, settle=30)
    pages = await sync(vima(sb), loaded)
    assert int(loaded.state[CREATE_CURSOR]) > first_cursor
    assert len(pages) <= 4  # only what changed, not the whole history again
    assert_matches_truth(loaded, truth.vima_records(sb.world))


async def test_vima_walk_survives_429_5xx_and_truncated_bodies(sb: SandboxHandle) -> None:
    sb.faults.vima.update(every_nth_429=4, every_nth_5xx=7, truncate_next=3)
    loaded = Loaded("operation_create_id")
    await sync(vima(sb, page_size=50), loaded)
    injected = sb.faults.vima.injected
    assert injected["429"] and injected["5xx"] and injected["truncate"] == 3
    assert_matches_truth(loaded, truth.vima_records(sb.world))


async def test_vima_wrong_key_is_an_auth_error(sb: SandboxHandle) -> None:
    conn = VimaConnector(sb.vima_base_url, "master-" + "0" * 32, retry=FAST)
    with pytest.raises(UpstreamAuthError):
        await sync(conn, Loaded("operation_create_id"))


def newest_payin(sb: SandboxHandle) -> datetime:
    world = sb.world
    return datetime.fromtimestamp(world.ps_time_ms(world.ps_order[-1]) / 1000, UTC)


async def test_payshack_first_sync_reads_the_whole_history(sb: SandboxHandle) -> None:
    loaded = Loaded("_id")
    pages = await sync(payshack(sb), loaded)
    assert loaded.state["watermark"] == newest_payin(sb).isoformat()  # the data's time
    assert all("watermark" not in p.checkpoint for p in pages[:-1])
    assert_matches_truth(loaded, truth.payshack_records(sb.world))


async def test_payshack_incremental_sync_reads_the_overlap_window(sb: SandboxHandle) -> None:
    loaded = Loaded("_id")
    conn = payshack(sb)
    await sync(conn, loaded)
    watermark = datetime.fromisoformat(loaded.state["watermark"])
    sb.world.advance(new=40, settle=5)
    pages = await sync(conn, loaded)
    assert sum(len(p.records) for p in pages) < len(loaded.rows) / 2  # a window, not history
    assert loaded.state["watermark"] == newest_payin(sb).isoformat()
    assert_matches_truth(loaded, truth.payshack_records(sb.world), since=watermark - conn.overlap)


async def test_payshack_token_is_reused_and_renewed_after_expiry(sb: SandboxHandle) -> None:
    store = CountingStore()
    await sync(payshack(sb, token_store=store), Loaded("_id"))
    await sync(payshack(sb, token_store=store), Loaded("_id"))
    assert store.logins == 1
    sb.sandbox.auth.expire_all()  # the provider forgets every token
    loaded = Loaded("_id")
    await sync(payshack(sb, token_store=store), loaded)
    assert store.logins == 2
    assert_matches_truth(loaded, truth.payshack_records(sb.world))


async def test_payshack_token_expiring_mid_walk_is_renewed(sb: SandboxHandle) -> None:
    sb.faults.payshack.update(expire_after_requests=2)
    store = CountingStore()
    loaded = Loaded("_id")
    await sync(payshack(sb, token_store=store, page_size=25), loaded)
    assert store.logins > 2
    assert_matches_truth(loaded, truth.payshack_records(sb.world))


async def test_payshack_survives_429_5xx_and_truncated_bodies(sb: SandboxHandle) -> None:
    sb.faults.payshack.update(every_nth_429=4, every_nth_5xx=7, truncate_next=2)
    loaded = Loaded("_id")
    await sync(payshack(sb, page_size=50), loaded)
    assert sb.faults.payshack.injected["truncate"] == 2
    assert_matches_truth(loaded, truth.payshack_records(sb.world))


async def test_payshack_encrypted_mode_raises_a_clear_error(sb: SandboxHandle) -> None:
    sb.sandbox.encrypted = True
    with pytest.raises(PayShackEncryptedError, match="PAYSHACK_TRANSPORT=browser"):
        await sync(payshack(sb), Loaded("_id"))


async def test_payshack_backfill_windows_cover_the_world(sb: SandboxHandle) -> None:
    loaded = Loaded("_id")
    async with payshack(sb) as conn:
        start = sb.world.config.start - timedelta(days=1)
        for window in utc_days(start, sb.world.clock.date()):
            pages = [page async for page in conn.window_pages(*window)]
            assert all(p.checkpoint == {} for p in pages)  # backfill never moves the watermark
            loaded.load(conn, pages)
    assert_matches_truth(loaded, truth.payshack_records(sb.world))


async def test_payshack_fetch_clients(sb: SandboxHandle) -> None:
    clients = await payshack(sb).fetch_clients()
    assert {c["name"] for c in clients} >= {"91G_TECH_PVT_LTD", "MNCL_M5_Pvt_Ltd"}


async def test_payshack_sync_start_limits_the_first_sync(sb: SandboxHandle) -> None:
    loaded = Loaded("_id")
    later_day: date = sb.world.config.start + timedelta(days=1)
    await sync(payshack(sb, sync_start=later_day), loaded)
    assert len(loaded.rows) < len(
        [r for r in truth.payshack_records(sb.world) if isinstance(r, TruthRecord)]
    )
