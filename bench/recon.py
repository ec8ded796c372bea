"""Reconciliation bench (issues #6, #21): a day of N Vima and ~N PayShack rows, 1-3 % of
each kind of discrepancy; the engine's whole run (classify + persist + summary) against
the bare SQL `FULL OUTER JOIN` of the two sides on the key, in the same run.

    cd backend && uv run python ../bench/recon.py                  # one day, 1M rows
    cd backend && uv run python ../bench/recon.py --rows 200000 --repeat 5
    cd backend && uv run python ../bench/recon.py --sweep          # 20k .. 2M rows a day

A database `psp_bench_recon` is created (dropped first if it exists) on
BENCH_ADMIN_DSN's server, migrated, filled with generate_series into a bare table that
is then attached as the month's partition (its indexes are built once, in bulk), and
vacuumed. `--sweep` puts each size on its own day of that month (keys never shared
between days) and measures every day. Baseline and engine runs alternate (`--repeat`
times each, after one warm-up of each, the warm-up being the "previous run" a re-run
carries resolutions from); the figures are medians. The database is dropped at the end
(`--keep` keeps it). Ends with one JSON line: {"bench", "value", "unit", "baseline",
"ratio", "target"}, ratio = baseline / ours (with --sweep: at the worst size).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

BACKEND = Path(__file__).resolve().parent.parent / "backend"
sys.path[:0] = [str(BACKEND)]

import asyncpg  # noqa: E402

from psp_dashboard import migrate  # noqa: E402
from psp_dashboard.auth.deps import SYSTEM  # noqa: E402
from psp_dashboard.config import load_settings, to_asyncpg_url  # noqa: E402
from psp_dashboard.reconciliation import service  # noqa: E402
from psp_dashboard.reconciliation.runs import run_day  # noqa: E402
from psp_dashboard.runtime import Runtime, open_runtime  # noqa: E402

ADMIN_DSN = os.environ.get("BENCH_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
DB_NAME = "psp_bench_recon"
DAY = date(2026, 1, 15)
# --sweep: rows per side of each day (issue #21's table, and 2M).
SWEEP = (20_000, 100_000, 150_000, 200_000, 300_000, 400_000, 500_000, 1_000_000, 2_000_000)
SWEEP_FIRST_DAY = date(2026, 1, 2)

# Kinds by b = (i * 7919) % 1000 (a permutation of 0..999, so kinds spread over the day):
#   [0, 15) missing PayShack   [15, 30) status   [30, 45) amount   [45, 60) time (+45 min)
#   [60, 70) duplicate Vima    [70, 80) duplicate PayShack          [80, 90) Vima without
#   key (its pay-in becomes missing_vima); plus 1.5 % pay-ins no operation has.
_ROWS = """
    SELECT i, (i * 7919) % 1000 AS b,
           timestamptz '{day} 00:00:00+00' + (i - {lo}) * (interval '86400 seconds' / {n}) AS t,
           (((i * 37) % 50000) + 100)::numeric + ((i % 4) * 0.25) AS amount,
           CASE WHEN i % 100 < 8 THEN 'failed' WHEN i % 100 < 10 THEN 'pending'
                ELSE 'success' END AS status
    FROM generate_series({lo}::bigint, {lo} + {n} - 1) i
"""
_COMMON = """
    amount, 'INR', round(amount * 0.02, 4), status, '{orig}', 'user' || (i % 90000),
    'user' || (i % 90000) || '@example.com', '98' || lpad((i % 100000000)::text, 8, '0'),
    'Payer ' || (i % 90000), 'IN', {utr}, 'upi', 'UPI', {t}, {t} + interval '40 s',
    {t} + interval '30 s', {cursor}, md5({sid}),
    jsonb_build_object('id', {sid}, 'amount', amount, 'status', status, 'created', {t},
        'payer', jsonb_build_object('email', 'user' || (i % 90000) || '@example.com',
        'phone', '98' || lpad((i % 100000000)::text, 8, '0'), 'name', 'Payer ' || (i % 90000)),
        'method', 'upi', 'product', 'UPI', 'country', 'IN', 'merchant', '123hub')
"""
_COLUMNS = """(id, source, source_id, reference_id, client_operation_id, order_id, project,
    merchant_id, amount, currency, fee, status, original_status, user_id, user_email,
    user_phone, user_name, country, utr, payment_method, payment_product, created_at,
    updated_at, completed_at, source_create_cursor, data_hash, raw_data)"""


def _vima(n: int, day: date, lo: int) -> str:
    common = _COMMON.format(
        orig="success", utr="NULL", t="t", cursor="(1000000000 + i)::text", sid="'v' || i"
    )
    dup = _COMMON.format(
        orig="success", utr="NULL", t="(t + interval '30 s')", cursor="(3000000000 + i)::text",
        sid="'vd' || i",
    )  # fmt: skip
    rows = _ROWS.format(day=day, n=n, lo=lo)
    return f"""
    INSERT INTO bench_day {_COLUMNS}
    SELECT gen_random_uuid(), 'vima', 'v' || i, 'ref' || i,
           CASE WHEN b >= 80 AND b < 90 THEN NULL ELSE 'op-' || i END, NULL, '91game',
           '123hub', {common}
    FROM ({rows}) s
    UNION ALL
    SELECT gen_random_uuid(), 'vima', 'vd' || i, 'refd' || i, 'op-' || i, NULL, '91game',
           '123hub', {dup}
    FROM ({rows}) s WHERE b >= 60 AND b < 70
    """


def _payshack(n: int, day: date, lo: int) -> str:
    t = "(t + CASE WHEN b >= 45 AND b < 60 THEN interval '45 min' ELSE interval '12 s' END)"
    common = (
        _COMMON.format(orig="Success", utr="'utr' || i", t=t, cursor="NULL", sid="'p' || i")
        .replace(
            "amount, 'INR'",
            "amount + CASE WHEN b >= 30 AND b < 45 THEN (CASE WHEN b % 2 = 0 THEN 0.37 "
            "ELSE -125 END) ELSE 0 END, 'INR'",
            1,
        )
        .replace(
            "status, 'Success'",
            "CASE WHEN b >= 15 AND b < 30 THEN (CASE WHEN status = 'success' THEN 'failed' "
            "ELSE 'success' END) ELSE status END, 'Success'",
            1,
        )
    )
    dup = _COMMON.format(
        orig="Success", utr="'utrd' || i", t="(t + interval '20 s')", cursor="NULL",
        sid="'pd' || i",
    )  # fmt: skip
    lone = _COMMON.format(orig="Success", utr="'utrm' || i", t="t", cursor="NULL", sid="'pm' || i")
    rows = _ROWS.format(day=day, n=n, lo=lo)
    return f"""
    INSERT INTO bench_day {_COLUMNS}
    SELECT gen_random_uuid(), 'payshack', 'p' || i, 'sp' || i, 'op-' || i, 'op-' || i,
           '91game', '91G_TECH_PVT_LTD', {common}
    FROM ({rows}) s WHERE NOT (b < 15)
    UNION ALL
    SELECT gen_random_uuid(), 'payshack', 'pd' || i, 'spd' || i, 'op-' || i, 'op-' || i,
           '91game', '91G_TECH_PVT_LTD', {dup}
    FROM ({rows}) s WHERE b >= 70 AND b < 80
    UNION ALL
    SELECT gen_random_uuid(), 'payshack', 'pm' || i, 'spm' || i, 'ps-' || i, 'ps-' || i,
           '91game', '91G_TECH_PVT_LTD', {lone}
    FROM ({rows}) s WHERE (i * 31) % 1000 < 15
    """


BASELINE = """
SELECT count(*) FROM
  (SELECT client_operation_id AS k FROM transactions
   WHERE source = 'vima' AND project = ANY($1) AND created_at >= $2 AND created_at < $3) v
FULL OUTER JOIN
  (SELECT order_id AS k FROM transactions
   WHERE source = 'payshack' AND project = ANY($1) AND created_at >= $2 AND created_at < $3) p
ON v.k = p.k
"""


def db_dsn() -> str:
    return ADMIN_DSN.rsplit("/", 1)[0] + f"/{DB_NAME}"


async def recreate_database() -> None:
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    finally:
        await conn.close()


async def drop_database() -> None:
    conn = await asyncpg.connect(ADMIN_DSN)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
    finally:
        await conn.close()


async def seed(days: list[tuple[date, int]]) -> dict[str, int]:
    """`days`: (day, Vima operations) pairs, all in one month."""
    conn = await asyncpg.connect(db_dsn())
    try:
        month = days[0][0].replace(day=1)
        upper = (month + timedelta(days=32)).replace(day=1)
        # Constraints too: ATTACH PARTITION wants the parent's CHECKs (direction, 0013).
        await conn.execute(
            "CREATE TABLE bench_day (LIKE transactions INCLUDING DEFAULTS INCLUDING CONSTRAINTS)"
        )
        clock = time.perf_counter()
        lo = 1
        for day, n in days:
            await conn.execute(_vima(n, day, lo))
            await conn.execute(_payshack(n, day, lo))
            lo += n
        print(f"  rows generated in {time.perf_counter() - clock:.1f} s", flush=True)
        clock = time.perf_counter()
        await conn.execute(f"ALTER TABLE bench_day RENAME TO transactions_{month:%Y_%m}")
        await conn.execute(
            f"ALTER TABLE transactions ATTACH PARTITION transactions_{month:%Y_%m} "
            f"FOR VALUES FROM ('{month}') TO ('{upper}')"
        )
        print(f"  attached (indexes built) in {time.perf_counter() - clock:.1f} s", flush=True)
        clock = time.perf_counter()
        # Hint bits and visibility map set once, so no timed run pays for them.
        await conn.execute(f"VACUUM (ANALYZE) transactions_{month:%Y_%m}")
        print(f"  vacuumed in {time.perf_counter() - clock:.1f} s", flush=True)
        # Both sources synced well past the days: coverage complete, as in production.
        last = max(day for day, _ in days)
        synced = datetime.combine(last + timedelta(days=2), datetime.min.time(), UTC)
        await conn.execute(
            "INSERT INTO sync_runs (source, kind, status, started_at, pages) "
            "VALUES ('vima', 'incremental', 'success', $1, 1)",
            synced,
        )
        await conn.execute("UPDATE sync_state SET watermark = $1 WHERE source = 'payshack'", synced)
        counts = await conn.fetch("SELECT source, count(*) FROM transactions GROUP BY source")
        return {r[0]: int(r[1]) for r in counts}
    finally:
        await conn.close()


async def existing_counts() -> dict[str, int]:
    conn = await asyncpg.connect(db_dsn())
    try:
        rows = await conn.fetch("SELECT source, count(*) FROM transactions GROUP BY source")
        return {r[0]: int(r[1]) for r in rows}
    finally:
        await conn.close()


async def baseline(runtime: Runtime, day: date) -> float:
    start = datetime.combine(day, datetime.min.time(), UTC)
    async with runtime.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        clock = time.perf_counter()
        await driver.fetchval(BASELINE, ["91game"], start, start + timedelta(days=1))
        return time.perf_counter() - clock


async def engine_run(runtime: Runtime, day: date) -> tuple[float, dict[str, object]]:
    clock = time.perf_counter()
    outcome = await run_day(runtime, day, SYSTEM, trigger="bench")
    assert outcome.status == "completed", outcome.message
    async with runtime.engine.connect() as conn:
        summary = await service.build_summary(conn, day)
    return time.perf_counter() - clock, summary


@dataclass(frozen=True)
class Measure:
    rows: int
    join: float  # median seconds
    engine: float
    summary: dict[str, object]

    @property
    def times_join(self) -> float:
        return self.engine / self.join

    @property
    def micros_per_row(self) -> float:
        return self.engine / self.rows * 1e6


async def measure(runtime: Runtime, day: date, rows: int, repeat: int) -> Measure:
    await baseline(runtime, day)  # warm-ups: caches, plans, and the run re-runs supersede
    await engine_run(runtime, day)
    bases: list[float] = []
    ours: list[float] = []
    summary: dict[str, object] = {}
    for i in range(repeat):
        bases.append(await baseline(runtime, day))
        seconds, summary = await engine_run(runtime, day)
        ours.append(seconds)
        print(
            f"  {rows:>9,} rows, round {i + 1}: bare join {bases[-1]:.2f} s, "
            f"engine {ours[-1]:.2f} s",
            flush=True,
        )
    return Measure(rows, statistics.median(bases), statistics.median(ours), summary)


def report_one(m: Measure, repeat: int) -> None:
    summary = m.summary
    shares = {k: summary[k]["count"] for k in ("matched", "discrepancies", "missing")}  # type: ignore[index]
    print(f"result: {summary['total_transactions']:,} keys: {shares}")
    print(f"bare FULL OUTER JOIN + count(*): {m.join:.2f} s (median of {repeat})")
    print(f"engine run (classify + persist + summary): {m.engine:.2f} s (median of {repeat})")
    print(f"engine / bare join: {m.times_join:.2f}x")
    print(
        json.dumps(
            {
                "bench": "recon",
                "value": round(m.engine, 3),
                "unit": "s",
                "baseline": round(m.join, 3),
                "ratio": round(m.join / m.engine, 3),
                "target": "≤3× bare join and <20 s",
            },
            ensure_ascii=False,
        )
    )


def report_sweep(measures: list[Measure]) -> None:
    print("| rows per side | bare join | engine run | engine ÷ join | µs per row |")
    print("|---|---|---|---|---|")
    for m in measures:
        print(
            f"| {m.rows:,} | {m.join:.2f} s | {m.engine:.2f} s | {m.times_join:.2f} × "
            f"| {m.micros_per_row:.1f} |"
        )
    worst = max(measures, key=lambda m: m.times_join)
    per_row = [m.micros_per_row for m in measures]
    spread = max(per_row) / min(per_row)
    print(f"worst: {worst.times_join:.2f}× the bare join at {worst.rows:,} rows")
    print(f"time per row, worst size ÷ best: {spread:.2f}")
    print(
        json.dumps(
            {
                "bench": "recon_sweep",
                "value": round(worst.engine, 3),
                "unit": "s",
                "baseline": round(worst.join, 3),
                "ratio": round(worst.join / worst.engine, 3),
                "target": "≥ 0.333 (engine ≤ 3× bare join at every size, 20k–2M rows); "
                "time per row worst ÷ best ≤ 2",
                "worst_rows": worst.rows,
                "per_row_spread": round(spread, 2),
            },
            ensure_ascii=False,
        )
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="Vima operations")
    parser.add_argument("--sweep", action="store_true", help="every size of " + str(SWEEP))
    parser.add_argument(
        "--sizes", help="with --sweep: comma-separated rows per day instead of the default"
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", action="store_true", help="reuse a kept database instead of seeding"
    )
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")] if args.sizes else list(SWEEP)
    days = (
        [(SWEEP_FIRST_DAY + timedelta(days=i), n) for i, n in enumerate(sizes)]
        if args.sweep
        else [(DAY, args.rows)]
    )

    url = to_asyncpg_url(db_dsn())
    if args.reuse:
        counts = await existing_counts()
    else:
        print(f"creating {DB_NAME} with {[n for _, n in days]} Vima operations", flush=True)
        await recreate_database()
        await asyncio.to_thread(migrate.upgrade, url)
        counts = await seed(days)
    print(f"  transactions: {counts}", flush=True)
    settings = load_settings(
        database_url=url, redis_url=REDIS_URL, redis_key_prefix="bench_recon:", _env_file=None
    )
    runtime = await open_runtime(settings, database_url=url, redis_url=REDIS_URL)
    print(f"  engine shards (RECON_WORKERS): {settings.recon_workers}", flush=True)
    try:
        measures = [await measure(runtime, day, n, args.repeat) for day, n in days]
    finally:
        await runtime.cache.delete_pattern("*")
        await runtime.close()
        if not args.keep:
            await drop_database()
    if args.sweep:
        report_sweep(measures)
    else:
        report_one(measures[0], args.repeat)


if __name__ == "__main__":
    asyncio.run(main())
