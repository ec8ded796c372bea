"""The daily rollup level against the 30-minute rollup it sums."""

from __future__ import annotations

from sqlalchemy import text

from psp_dashboard.runtime import Runtime

DAILY_VS_ROLLUP = text(
    """
    WITH want AS (
        SELECT (bucket AT TIME ZONE 'UTC')::date AS day, source, project, status, currency,
               SUM(count) AS count, SUM(amount) AS amount,
               SUM(counterpart_count) AS counterpart_count,
               SUM(counterpart_amount) AS counterpart_amount
        FROM transaction_rollup GROUP BY 1, 2, 3, 4, 5
    ),
    got AS (
        SELECT day, source, project, status, currency, count, amount,
               counterpart_count, counterpart_amount
        FROM transaction_rollup_daily
    )
    SELECT COUNT(*) FROM (
        (SELECT * FROM want WHERE count <> 0 OR amount <> 0
         EXCEPT SELECT * FROM got WHERE count <> 0 OR amount <> 0)
        UNION ALL
        (SELECT * FROM got WHERE count <> 0 OR amount <> 0
         EXCEPT SELECT * FROM want WHERE count <> 0 OR amount <> 0)
    ) diff
    """
)


async def mismatches(runtime: Runtime) -> int:
    """Rows where the daily level and the rollup summed per UTC day disagree."""
    async with runtime.engine.connect() as conn:
        return int((await conn.execute(DAILY_VS_ROLLUP)).scalar_one())


async def days(runtime: Runtime) -> int:
    """Daily rows with a non-zero count."""
    async with runtime.engine.connect() as conn:
        found = await conn.execute(
            text("SELECT count(*) FROM transaction_rollup_daily WHERE count <> 0")
        )
        return int(found.scalar_one())
