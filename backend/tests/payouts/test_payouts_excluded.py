"""Pay-outs stay out of what is about pay-ins: reconciliation, payment links, rollups."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.records import PAYOUT_ID_PREFIX
from tests.reconciliation.support import at, insert, mark_synced, payshack, results, run, vima

DAY = date(2026, 2, 10)


def payout_like(key: str) -> object:
    """A pay-out that would pass for the pay-in of `key` if direction were ignored: same
    project, same key in both key columns, same time and amount."""
    row = payshack(key, at(DAY, 10, 0, 5), "250.00").normalized()
    return replace(
        row, source_id=PAYOUT_ID_PREFIX + "PO-1", direction="payout", original_status="SUCCESS"
    )


async def test_reconciliation_and_links_ignore_a_payout_with_a_payin_key(
    clean_db: Runtime,
) -> None:
    rt = clean_db
    await insert(
        rt,
        [
            vima("K-1", at(DAY, 10), "250.00"),
            payshack("K-1", at(DAY, 10, 0, 5), "250.00"),
            payout_like("K-1"),  # type: ignore[list-item]
        ],
    )
    await mark_synced(rt, at(DAY, 23, 59), at(DAY, 23, 59))
    outcome = await run(rt, DAY)
    rows = await results(rt, outcome.run_id)
    async with rt.engine.connect() as conn:
        payout_id, linked = (
            await conn.execute(
                text("SELECT id, counterpart_of FROM transactions WHERE direction = 'payout'")
            )
        ).one()
        payin_linked = (
            await conn.execute(
                text(
                    "SELECT counterpart_of IS NOT NULL FROM transactions "
                    "WHERE source = 'payshack' AND direction = 'payin'"
                )
            )
        ).scalar_one()
    # A clean match (stored runs keep discrepancies only): no duplicate_payshack, no
    # amount or status discrepancy, nothing naming the pay-out.
    assert [(r["match_status"], r["discrepancy_type"]) for r in rows] == []
    assert all(r["payshack_txn_id"] != payout_id for r in rows)
    assert linked is None and payin_linked is True


async def test_payouts_never_enter_the_rollups(clean_db: Runtime) -> None:
    rt = clean_db
    await insert(rt, [payout_like("K-2")])  # type: ignore[list-item]
    async with rt.engine.connect() as conn:
        rollup = (await conn.execute(text("SELECT COUNT(*) FROM transaction_rollup"))).scalar_one()
    assert rollup == 0
    # An update of the pay-out (a changed amount) does not reach them either.
    changed = replace(payout_like("K-2"), amount=Decimal("260.00"), raw_data={"v": 2})  # type: ignore[type-var]
    await insert(rt, [changed])
    async with rt.engine.connect() as conn:
        rollup = (await conn.execute(text("SELECT COUNT(*) FROM transaction_rollup"))).scalar_one()
        amount = (
            await conn.execute(text("SELECT amount FROM transactions WHERE direction='payout'"))
        ).scalar_one()
    assert (rollup, amount) == (0, Decimal("260.00"))
