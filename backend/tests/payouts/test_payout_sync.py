"""Pay-outs through the real pipeline, against the sandbox over HTTP."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.testing import SandboxHandle
from psp_dashboard.sync.backfill import create_backfill, run_backfill
from psp_dashboard.sync.service import sync_source
from tests.payouts.conftest import stored_payouts, truth_rows


async def test_incremental_sync_stores_exactly_the_sandbox_payouts(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    result = await sync_source(wired, "payshack_payouts")
    assert result.status == "success", result.error
    truth = truth_rows(sandbox)
    assert len(truth) >= 80
    assert await stored_payouts(wired) == truth
    assert {r[4] for r in truth} == {"success", "failed"}
    async with wired.engine.connect() as conn:
        run = (
            await conn.execute(
                text("SELECT source, status, rows_expected, rows_read FROM sync_runs")
            )
        ).one()
        watermark = (
            await conn.execute(
                text("SELECT watermark FROM sync_state WHERE source = 'payshack_payouts'")
            )
        ).scalar_one()
        payins = (
            await conn.execute(text("SELECT COUNT(*) FROM transactions WHERE direction='payin'"))
        ).scalar_one()
    assert tuple(run) == ("payshack_payouts", "success", len(truth), len(truth))
    assert watermark is not None
    assert payins == 0  # the pay-out stream reads pay-outs only


async def test_resync_is_idempotent_and_new_payouts_arrive(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    await sync_source(wired, "payshack_payouts")
    again = await sync_source(wired, "payshack_payouts")
    assert again.status == "success", again.error
    assert (again.counts.inserted, again.counts.updated) == (0, 0)
    # Statuses are final: the window only, no late-change sweep of the last days.
    assert [r.window.split()[0] for r in again.counts.reports] == ["window"]
    with sandbox.world.lock:
        sandbox.world.payouts.add(5, sandbox.world.clock_ms, status="FAILED")
    third = await sync_source(wired, "payshack_payouts")
    assert third.status == "success", third.error
    assert third.counts.inserted == 5
    assert await stored_payouts(wired) == truth_rows(sandbox)


async def test_backfill_of_the_world_days_equals_truth(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    backfill_id = await create_backfill(
        wired, "payshack_payouts", date(2026, 1, 14), date(2026, 1, 15), "test@example.com"
    )
    await run_backfill(wired, backfill_id)
    async with wired.engine.connect() as conn:
        status = (
            await conn.execute(
                text("SELECT status FROM sync_backfills WHERE id = :i"), {"i": backfill_id}
            )
        ).scalar_one()
    assert status == "done"
    assert await stored_payouts(wired) == truth_rows(sandbox)
    # Then the incremental run finds nothing new: one row per pay-out, whoever wrote it.
    result = await sync_source(wired, "payshack_payouts")
    assert result.status == "success", result.error
    assert result.counts.inserted == 0
    assert await stored_payouts(wired) == truth_rows(sandbox)


async def test_a_payout_sharing_a_payin_txn_id_and_time_is_its_own_row(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    await sync_source(wired, "payshack")
    async with wired.engine.connect() as conn:
        txn_id, created = (
            await conn.execute(
                text(
                    "SELECT source_id, created_at FROM transactions "
                    "WHERE source = 'payshack' ORDER BY created_at DESC LIMIT 1"
                )
            )
        ).one()
    with sandbox.world.lock:
        at_ms = int(created.timestamp() * 1000)
        sandbox.world.payouts.add(1, at_ms, txn_id=txn_id, amount_minor=12_345)
    result = await sync_source(wired, "payshack_payouts")
    assert result.status == "success", result.error
    async with wired.engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT direction, source_id FROM transactions WHERE source = 'payshack' "
                    "AND created_at = :t AND source_id IN (:a, :b) ORDER BY direction"
                ),
                {"t": created, "a": txn_id, "b": "payout:" + txn_id},
            )
        ).all()
    assert [tuple(r) for r in rows] == [("payin", txn_id), ("payout", "payout:" + txn_id)]
