"""The set-based upsert: idempotent, applies changes, keeps the rollup exact."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.records import NormalizedTransaction
from psp_dashboard.sync.upsert import upsert_transactions

BASE = datetime(2026, 1, 31, 23, 10, tzinfo=UTC)

ROLLUP_VS_TRUTH = text(
    """
    WITH truth AS (
        SELECT date_bin('30 minutes', created_at, TIMESTAMPTZ '2000-01-01Z') AS bucket,
               source, COALESCE(project, '') AS project, status,
               COALESCE(original_status, '') AS original_status,
               COALESCE(payment_method, '') AS payment_method,
               COALESCE(merchant_id, '') AS merchant_id, currency,
               COUNT(*) AS count, SUM(amount) AS amount, SUM(COALESCE(fee, 0)) AS fee,
               COUNT(counterpart_of) AS counterpart_count,
               COALESCE(SUM(amount) FILTER (WHERE counterpart_of IS NOT NULL), 0)
                   AS counterpart_amount
        FROM transactions GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ),
    rolled AS (SELECT * FROM transaction_rollup WHERE count <> 0 OR amount <> 0 OR fee <> 0)
    SELECT COUNT(*) FROM (
        (SELECT * FROM truth EXCEPT SELECT * FROM rolled)
        UNION ALL
        (SELECT * FROM rolled EXCEPT SELECT * FROM truth)
    ) diff
    """
)


def make(i: int, **changes: object) -> NormalizedTransaction:
    row = NormalizedTransaction(
        source="vima",
        source_id=f"op-{i}",
        created_at=BASE + timedelta(minutes=7 * i),
        amount=Decimal("100.25") + i,
        status="pending" if i % 3 else "success",
        original_status="in_process" if i % 3 else "success",
        project="91game" if i % 2 else "monetix",
        fee=Decimal("0.0125") * i if i % 4 else None,
        payment_method="apm",
        raw_data={"operation_id": f"op-{i}", "n": i},
    )
    return replace(row, **changes)  # type: ignore[arg-type]


async def test_insert_then_rerun_changes_nothing(clean_db: Runtime) -> None:
    rows = [make(i) for i in range(40)]
    async with clean_db.engine.begin() as conn:
        first = await upsert_transactions(conn, rows)
    async with clean_db.engine.begin() as conn:
        second = await upsert_transactions(conn, rows)
        mismatches = (await conn.execute(ROLLUP_VS_TRUTH)).scalar_one()
    assert (first.inserted, first.updated, first.unchanged) == (40, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 40)
    assert mismatches == 0


async def test_status_change_updates_row_and_moves_rollup(clean_db: Runtime) -> None:
    rows = [make(i) for i in range(12)]
    async with clean_db.engine.begin() as conn:
        await upsert_transactions(conn, rows)
    later = BASE + timedelta(days=1)
    changed = [
        replace(
            r,
            status="failed",
            original_status="fail",
            updated_at=later,
            raw_data={**r.raw_data, "status": "fail"},
        )
        for r in rows[:5]
    ]
    async with clean_db.engine.begin() as conn:
        result = await upsert_transactions(conn, changed + rows[5:])
        mismatches = (await conn.execute(ROLLUP_VS_TRUTH)).scalar_one()
        failed = (
            await conn.execute(
                text("SELECT SUM(count) FROM transaction_rollup WHERE status = 'failed'")
            )
        ).scalar_one()
        stored = (
            await conn.execute(
                text("SELECT status, updated_at FROM transactions WHERE source_id = 'op-0'")
            )
        ).one()
    assert (result.inserted, result.updated, result.unchanged) == (0, 5, 7)
    assert mismatches == 0
    assert failed == 5
    assert stored == ("failed", later)


async def test_duplicate_keys_in_one_batch_keep_the_last(clean_db: Runtime) -> None:
    first = make(1)
    second = replace(first, status="success", raw_data={**first.raw_data, "v": 2})
    async with clean_db.engine.begin() as conn:
        result = await upsert_transactions(conn, [first, second])
        status = (
            await conn.execute(text("SELECT status FROM transactions WHERE source_id = 'op-1'"))
        ).scalar_one()
    assert result.inserted == 1
    assert status == "success"


async def test_amounts_are_stored_exactly(clean_db: Runtime) -> None:
    row = make(2, amount=Decimal("12345678901234.5678"), fee=Decimal("0.0001"))
    async with clean_db.engine.begin() as conn:
        await upsert_transactions(conn, [row])
        amount, fee = (await conn.execute(text("SELECT amount, fee FROM transactions"))).one()
    assert amount == Decimal("12345678901234.5678")
    assert fee == Decimal("0.0001")


async def test_concurrent_insert_of_the_same_key_falls_back_to_the_upsert(
    clean_db: Runtime,
) -> None:
    import asyncio

    row = make(5)
    changed = replace(row, status="failed", raw_data={**row.raw_data, "v": "later"})
    first = await clean_db.engine.connect()
    second = await clean_db.engine.connect()
    try:
        await first.begin()
        await upsert_transactions(first, [row])  # holds the new key, uncommitted
        await second.begin()
        pid = (await second.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        # The second writer looks up before the first commits, so it sees the key as new;
        # its COPY then waits on the unique index until the first commits.
        racing = asyncio.create_task(upsert_transactions(second, [changed]))
        async with clean_db.engine.connect() as probe, asyncio.timeout(30):
            while not (
                await probe.execute(
                    text("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :p"),
                    {"p": pid},
                )
            ).scalar_one():
                await probe.rollback()  # fresh snapshot of pg_stat_activity
        await first.commit()
        result = await racing
        await second.commit()
    finally:
        await first.close()
        await second.close()
    assert (result.inserted, result.updated) == (0, 1)
    async with clean_db.engine.connect() as conn:
        status = (await conn.execute(text("SELECT status FROM transactions"))).scalar_one()
        mismatches = (await conn.execute(ROLLUP_VS_TRUTH)).scalar_one()
    assert status == "failed"
    assert mismatches == 0
