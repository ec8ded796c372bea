"""Bench: one alert evaluation tick (every default rule) for 50 projects × 2 sources,
against the same traffic checks written as plain queries on `transactions`.

The tick reads only the 30-minute rollup, sync and reconciliation records
(psp_dashboard/alerts/signals.py); the baseline computes the three traffic checks
(success rate of the window, usual hourly traffic of the last four weeks and the recent
count, failed count now and four weeks back) with GROUP BY over `transactions`. The
baseline leaves out the five non-traffic rules and the state machine the tick includes.

    uv run python ../bench/alerts.py [--rows 10000000] [--days 35] [--iterations 20]

The database `psp_bench_alerts` is kept and reused while it holds --rows rows
(--reseed rebuilds it). The last line is the figure as JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent / "backend"
sys.path[:0] = [str(BACKEND)]

import asyncpg  # noqa: E402
from api_seed import drop_transaction_indexes, rebuild_transaction_indexes  # noqa: E402

from psp_dashboard import migrate  # noqa: E402
from psp_dashboard.alerts.evaluate import evaluate  # noqa: E402
from psp_dashboard.alerts.service import ensure_defaults  # noqa: E402
from psp_dashboard.config import load_settings, to_asyncpg_url  # noqa: E402
from psp_dashboard.db import make_engine  # noqa: E402
from psp_dashboard.models.rollup import BUCKET, bucket_sql, bucket_start  # noqa: E402
from psp_dashboard.partitions import ensure_partitions  # noqa: E402

ADMIN_DSN = os.environ.get("BENCH_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
DB_NAME = "psp_bench_alerts"
CHUNK = 1_000_000
PROJECTS = 50

INSERT = """
INSERT INTO transactions (source, source_id, project, amount, currency, status, created_at)
SELECT CASE WHEN r1 < 0.5 THEN 'vima' ELSE 'payshack' END, 'b-' || g,
       'project_' || lpad((g % $5)::text, 2, '0'),
       round((10 + r2 * 5000)::numeric, 2), 'INR',
       CASE WHEN r3 < 0.85 THEN 'success' WHEN r3 < 0.95 THEN 'failed'
            WHEN r3 < 0.99 THEN 'pending' ELSE 'refunded' END,
       $1::timestamptz + (g - 1) * $2::interval + r4 * $2::interval
FROM (SELECT g, random() r1, random() r2, random() r3, random() r4
      FROM generate_series($3::bigint, $4::bigint) g) s
"""
ROLLUP = f"""
INSERT INTO transaction_rollup (bucket, source, project, status, original_status,
    payment_method, merchant_id, currency, count, amount, fee)
SELECT {bucket_sql("created_at")}, source, coalesce(project, ''), status, '', '', '',
       currency, count(*), sum(amount), 0
FROM transactions GROUP BY 1, 2, 3, 4, 8
"""

# The same three traffic checks, on the raw rows (what a naive implementation would run).
PLAIN_SUCCESS = """SELECT source, project, count(*) FILTER (WHERE status = 'success') AS ok,
    count(*) FILTER (WHERE status IN ('success', 'failed')) AS final
FROM transactions WHERE created_at >= $1 AND created_at <= $2 AND project <> ''
GROUP BY source, project"""
PLAIN_USUAL = """SELECT source, project,
    count(*) FILTER (WHERE created_at >= $5) AS recent,
    count(*) FILTER (WHERE created_at < $5) AS usual
FROM transactions WHERE ((created_at >= $1 AND created_at < $2) OR (created_at >= $3
    AND created_at < $4) OR (created_at >= $6 AND created_at < $7)
    OR (created_at >= $8 AND created_at < $9) OR created_at >= $5) AND project <> ''
GROUP BY source, project"""
PLAIN_FAILED = """SELECT source, project,
    count(*) FILTER (WHERE created_at >= $1) AS now_n,
    count(*) FILTER (WHERE created_at < $1) AS past_n
FROM transactions WHERE status = 'failed' AND project <> '' AND (created_at >= $1
    OR (created_at >= $2 AND created_at < $3) OR (created_at >= $4 AND created_at < $5)
    OR (created_at >= $6 AND created_at < $7) OR (created_at >= $8 AND created_at < $9))
GROUP BY source, project"""


def log(message: str) -> None:
    print(f"[alerts bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def dsn() -> str:
    return ADMIN_DSN.rsplit("/", 1)[0] + f"/{DB_NAME}"


async def seeded_rows() -> int | None:
    try:
        conn = await asyncpg.connect(dsn())
    except (OSError, asyncpg.PostgresError):
        return None
    try:
        return int(await conn.fetchval("SELECT coalesce(sum(count), 0) FROM transaction_rollup"))
    except asyncpg.PostgresError:
        return None
    finally:
        await conn.close()


async def seed(rows: int, days: int, end: datetime) -> None:
    started = time.perf_counter()
    admin = await asyncpg.connect(ADMIN_DSN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{DB_NAME}"')
    finally:
        await admin.close()
    await asyncio.to_thread(migrate.upgrade, to_asyncpg_url(dsn()))
    start = end - timedelta(days=days)
    engine = make_engine(to_asyncpg_url(dsn()))
    async with engine.begin() as sa_conn:
        await ensure_partitions(sa_conn, [start + timedelta(days=d) for d in range(days + 1)])
    await engine.dispose()
    conn = await asyncpg.connect(dsn())
    try:
        indexes = await drop_transaction_indexes(conn)
        step = timedelta(days=days) / rows
        await conn.execute("SELECT setseed(0.16)")
        for low in range(1, rows + 1, CHUNK):
            high = min(rows, low + CHUNK - 1)
            await conn.execute(INSERT, start, step, low, high, PROJECTS)
            log(f"inserted {high:,} / {rows:,}")
        await conn.execute("SET maintenance_work_mem = '512MB'")
        await rebuild_transaction_indexes(conn, indexes)
        await conn.execute(ROLLUP)
        await conn.execute("VACUUM (ANALYZE) transactions")
        await conn.execute("VACUUM (ANALYZE) transaction_rollup")
    finally:
        await conn.close()
    log(f"seeded {rows:,} rows over {days} days in {time.perf_counter() - started:.0f} s")


def _weeks(start: datetime, end: datetime) -> list[datetime]:
    out = []
    for w in range(1, 5):
        out += [start - timedelta(weeks=w), end - timedelta(weeks=w)]
    return out


async def plain_tick(conn: asyncpg.Connection, now: datetime) -> None:
    current = bucket_start(now)
    await conn.fetch(PLAIN_SUCCESS, now - timedelta(minutes=60), now)
    usual = _weeks(current - timedelta(hours=1), current)
    await conn.fetch(
        PLAIN_USUAL, usual[0], usual[1], usual[2], usual[3], now - timedelta(minutes=60),
        *usual[4:],
    )  # fmt: skip
    start = current - timedelta(hours=1)
    await conn.fetch(PLAIN_FAILED, start, *_weeks(start, current + BUCKET))


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=35)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    if args.reseed or await seeded_rows() != args.rows:
        await seed(args.rows, args.days, datetime.now(UTC).replace(microsecond=0))
    else:
        log(f"reusing {DB_NAME} ({args.rows:,} rows)")
    settings = load_settings(_env_file=None, alerts_encryption_key="bench")
    engine = make_engine(to_asyncpg_url(dsn()))
    conn = await asyncpg.connect(dsn())
    try:
        now = await conn.fetchval("SELECT max(created_at) FROM transactions")
        async with engine.begin() as sa_conn:
            await ensure_defaults(sa_conn)
        await evaluate(engine, settings, now)  # warm: caches, prepared plans
        await plain_tick(conn, now)
        log(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        ticks, plain = [], []
        for _ in range(args.iterations):
            began = time.perf_counter()
            tally = await evaluate(engine, settings, now)
            ticks.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            await plain_tick(conn, now)
            plain.append((time.perf_counter() - began) * 1000)
        pairs = await conn.fetchval(
            "SELECT count(DISTINCT (source, project)) FROM transaction_rollup WHERE bucket >= $1",
            now - timedelta(days=1),
        )
    finally:
        await conn.close()
        await engine.dispose()
    value, baseline = statistics.median(ticks), statistics.median(plain)
    log(
        f"{args.rows:,} rows, {pairs} (source, project) pairs, {tally.evaluated} rules: "
        f"tick median {value:.1f} ms (p90 {sorted(ticks)[int(len(ticks) * 0.9)]:.1f}), "
        f"plain traffic queries median {baseline:.1f} ms"
    )
    print(
        json.dumps(
            {
                "bench": "alerts_tick",
                "value": round(value, 2),
                "unit": "ms",
                "baseline": round(baseline, 2),
                "ratio": round(baseline / value, 2),
                "target": "<= 200 ms per tick on 10M rows",
                "rows": args.rows,
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
