"""PayShack incremental syncs against a world fixed in the past that moves on through
the sandbox's admin API: new pay-ins, late settlements and refunds after each step
must be in our database after one run — the provider's clock is not ours.

The runs go through `sync_source` (the real pipeline, PostgreSQL, the sandbox over
HTTP); the truth is the sandbox's own per-day totals.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox import truth
from psp_dashboard.sandbox.config import SandboxConfig, WorldConfig
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sandbox.truth_records import TruthRecord
from psp_dashboard.sync.jobs import reread_payshack
from psp_dashboard.sync.service import sync_source
from tests.support.runtime import runtime_with
from tests.sync.conftest import assert_matches_truth, db_totals, endpoints_for, truth_totals

PAST_WORLD = WorldConfig(seed=31, start=date(2026, 3, 1), days=3, per_day=900, end_at=None)


@pytest.fixture
def past(clean_db: Runtime) -> Iterator[SandboxHandle]:
    with (
        sandbox_thread(SandboxConfig(world=PAST_WORLD)) as handle,
        runtime_with(
            clean_db, endpoints=endpoints_for(handle), settings={"payshack_page_pause_ms": 0}
        ),
    ):
        yield handle


def advance(handle: SandboxHandle, **body: Any) -> dict[str, Any]:
    """The sandbox's admin API, as an operator (or another test harness) drives it."""
    response = httpx.post(f"{handle.payshack_base_url}/_sandbox/advance", json=body)
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def truth_ids(handle: SandboxHandle) -> set[str]:
    return {r.source_id for r in truth.payshack_records(handle.world) if isinstance(r, TruthRecord)}


async def stored_statuses(runtime: Runtime) -> dict[str, str]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT source_id, original_status FROM transactions WHERE source='payshack'")
        )
        return {r[0]: r[1] for r in rows}


@pytest.mark.parametrize("transport", ["api", "browser"])
async def test_incremental_runs_follow_a_world_on_a_fixed_date(
    clean_db: Runtime, past: SandboxHandle, transport: str
) -> None:
    first = await sync_source(clean_db, "payshack", transport=transport)
    assert first.status == "success", first.error
    await assert_matches_truth(clean_db, past, "payshack")
    # Each step moves the world's clock (months behind ours) and changes pay-ins of a
    # given age: pendings settled and successes refunded 1 h, 5 h and 2 days after
    # they were created.
    settled = 0
    for minutes, age, spread in ((60, 60, 30), (240, 5 * 60, 60), (30, 2 * 24 * 60, 240)):
        step = advance(
            past, new=40, minutes=minutes, settle_aged=4, refund_aged=2,
            min_age_minutes=age - spread, max_age_minutes=age + spread,
        )  # fmt: skip
        assert step["created"] == 40 and step["refunded_aged"] == 2
        settled += step["settled_aged"]
        result = await sync_source(clean_db, "payshack", transport=transport)
        assert result.status == "success", result.error
        assert result.counts.inserted > 0 and result.counts.updated > 0
        await assert_matches_truth(clean_db, past, "payshack")
    assert settled >= 3


@pytest.mark.parametrize("transport", ["api", "browser"])
async def test_a_refund_ten_days_later_waits_for_the_daily_reread(
    clean_db: Runtime, past: SandboxHandle, transport: str
) -> None:
    with runtime_with(clean_db, settings={"payshack_transport": transport}):
        assert (await sync_source(clean_db, "payshack")).status == "success"
        step = advance(past, new=20, minutes=10 * 24 * 60, refund_aged=3,
                       min_age_minutes=10 * 24 * 60, max_age_minutes=12 * 24 * 60)  # fmt: skip
        assert step["refunded_aged"] == 3
        assert (await sync_source(clean_db, "payshack")).status == "success"
        async with clean_db.engine.connect() as conn:
            stale = await db_totals(conn, "payshack")
        assert stale != truth_totals(past, "payshack")  # beyond the 3-day horizon: not yet
        result = await reread_payshack(clean_db)
        assert result is not None and result.status == "success", result
        await assert_matches_truth(clean_db, past, "payshack")


async def test_a_provider_that_drops_the_last_pages_ends_incomplete(
    clean_db: Runtime, past: SandboxHandle
) -> None:
    past.faults.payshack.update(drop_last_pages=2)
    result = await sync_source(clean_db, "payshack")
    assert result.status == "incomplete"
    assert result.error is not None and "states" in result.error
    async with clean_db.engine.connect() as conn:
        run = (
            await conn.execute(
                text("SELECT status, rows_expected, rows_read FROM sync_runs WHERE id = :i"),
                {"i": result.run_id},
            )
        ).one()
        state = (
            await conn.execute(
                text("SELECT sync_status, watermark, last_successful_sync FROM sync_state "
                     "WHERE source = 'payshack'")
            )
        ).one()  # fmt: skip
    total = sum(t[3] for t in truth_totals(past, "payshack"))  # quarantined ones aside
    assert run.status == "incomplete" and run.rows_expected > run.rows_read
    assert run.rows_expected >= total
    assert (state.sync_status, state.watermark, state.last_successful_sync) == (
        "incomplete", None, None,
    )  # fmt: skip
    past.faults.payshack.update(drop_last_pages=0)
    again = await sync_source(clean_db, "payshack")
    assert again.status == "success", again.error
    await assert_matches_truth(clean_db, past, "payshack")


async def test_a_listing_that_grows_during_the_walk_is_read_whole(
    clean_db: Runtime, past: SandboxHandle
) -> None:
    existing = truth_ids(past)  # every good pay-in there is when the walk begins
    past.faults.payshack.update(grow_per_request=7)  # 7 arrive before each answer
    result = await sync_source(clean_db, "payshack")
    assert result.status == "success", result.error
    stored = await stored_statuses(clean_db)
    assert existing <= set(stored)  # none was pushed out of reach by the arrivals
    assert len(truth_ids(past)) > len(existing)  # the listing did grow meanwhile
    past.faults.payshack.update(grow_per_request=0)
    again = await sync_source(clean_db, "payshack")  # the newest arrivals follow
    assert again.status == "success", again.error
    await assert_matches_truth(clean_db, past, "payshack")
