"""Ad-hoc breakdown (5 dimensions, 90 days): ClickHouse (chdb) vs PostgreSQL GROUP BY.

Seeds N transactions over 90 days into a PostgreSQL bench database (api_seed's SQL
generator, the real migrations), copies them into an embedded chdb mirror with the
mirror's own DDL (every value coded in analytics_codes as the feed does, then ClickHouse
reads a view of the rows with their codes directly: `postgresql()` table function,
version 0 as a first feed would send), then times the same breakdown — project, source,
status, method, amount band over the whole 90 days — on each engine, median of 3 after
one warm-up: PostgreSQL's SQL from analytics/breakdown.py, ClickHouse through the
product's own path (`groups_from_clickhouse`: the query, then the codes named).

chdb is timed twice: straight after the bulk copy (each month in several parts, which
every FINAL read merges itself), and in the steady state the worker keeps, after the
compaction job (analytics/compact.py) merged each month into one part. The figure is
the steady state; the other is printed beside it. Prints one JSON line:

{"bench":"analytics_breakdown","value":<chdb s>,"unit":"s","baseline":<pg s>,
 "ratio":<pg/chdb>,"target":">= 20", "uncompacted_s": …, "uncompacted_ratio": …}

Usage: cd backend && .venv/bin/python ../bench/analytics.py --rows 2000000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
from sqlalchemy.ext.asyncio import AsyncEngine

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_seed import seed

from psp_dashboard import migrate
from psp_dashboard.analytics.breakdown import BreakdownSpec, breakdown_sql
from psp_dashboard.analytics.compact import compact
from psp_dashboard.analytics.feed import coded_select, register_codes
from psp_dashboard.analytics.schema import CODE_COLUMNS, CODED, SOURCE_COLUMNS, TABLE
from psp_dashboard.analytics.service import groups_from_clickhouse
from psp_dashboard.analytics.store import AnalyticsStore, EmbeddedStore, prepare
from psp_dashboard.config import to_asyncpg_url
from psp_dashboard.db import make_engine

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = "psp_bench_analytics"
DAYS = 90
DIMENSIONS = ("project", "source", "status", "method", "amount_band")


def log(message: str) -> None:
    print(f"[analytics {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


async def time_pg(dsn: str, sql: str) -> tuple[float, int]:
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(sql)  # warm-up (and the answer's size)
        times = []
        for _ in range(3):
            started = time.perf_counter()
            await conn.fetch(sql)
            times.append(time.perf_counter() - started)
    finally:
        await conn.close()
    return statistics.median(times), len(rows)


async def time_ch(
    store: AnalyticsStore, spec: BreakdownSpec, engine: AsyncEngine
) -> tuple[float, int]:
    """The product's ClickHouse path: the query, then the codes named from PostgreSQL."""
    groups = await groups_from_clickhouse(store, spec, engine)
    times = []
    for _ in range(3):
        started = time.perf_counter()
        await groups_from_clickhouse(store, spec, engine)
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(groups)


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    args = parser.parse_args()
    dsn = f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"
    last = datetime.now(UTC).date()
    started = time.perf_counter()
    if not args.reuse:
        await seed(ADMIN_DSN, dsn, DB_NAME, args.rows, DAYS, last)
    else:  # a database seeded before the latest migrations
        await asyncio.to_thread(migrate.upgrade, to_asyncpg_url(dsn))
    seeded = time.perf_counter() - started

    # The codes and rows a feed would send: every value coded, then one view to copy.
    engine = make_engine(to_asyncpg_url(dsn))
    async with engine.begin() as conn:
        found = await conn.exec_driver_sql(
            f"SELECT DISTINCT {', '.join(f'{c}::text' for c in CODED)} FROM transactions"
        )
        pairs = sorted(
            {(c, v) for row in found for c, v in zip(CODED, row, strict=True) if v is not None}
        )
        await register_codes(conn, pairs)
        await conn.exec_driver_sql(
            f"CREATE OR REPLACE VIEW bench_mirror_rows AS {coded_select(SOURCE_COLUMNS)}"
        )
    log(f"{len(pairs)} values coded")

    workdir = Path(tempfile.mkdtemp(prefix="psp-bench-chdb-"))
    store = await prepare(EmbeddedStore(workdir))
    try:
        copy_started = time.perf_counter()
        columns = ", ".join([*SOURCE_COLUMNS, *(name for name, _ in CODE_COLUMNS)])
        await store.command(
            f"INSERT INTO {store.database}.{TABLE} ({columns}, version, is_deleted) "
            f"SELECT {columns}, 0, 0 FROM postgresql('127.0.0.1:5432', '{DB_NAME}', "
            "'bench_mirror_rows', 'postgres', '')"
        )
        copied = time.perf_counter() - copy_started
        log(f"copied into chdb in {copied:.0f} s")
        first = last - timedelta(days=DAYS - 1)
        tz = ZoneInfo("UTC")
        spec = BreakdownSpec(
            start=datetime.combine(first, datetime.min.time(), UTC),
            end=datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC),
            tz=tz,
            dimensions=DIMENSIONS,
        )
        loose_s, loose_groups = await time_ch(store, spec, engine)
        log(f"chdb straight after the copy: {loose_s:.3f} s, {loose_groups} groups")
        compacted = await compact(store)
        log(f"compacted months {', '.join(compacted.partitions)} in {compacted.seconds:.0f} s")
        ch_s, ch_groups = await time_ch(store, spec, engine)
        log(f"chdb compacted: {ch_s:.3f} s, {ch_groups} groups")
        pg_s, pg_groups = await time_pg(dsn, breakdown_sql("postgresql", spec))
        log(f"postgresql: {pg_s:.3f} s, {pg_groups} groups")
        assert ch_groups == pg_groups == loose_groups, (ch_groups, pg_groups, loose_groups)
    finally:
        await store.close()
        await engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)
    log(f"rows {args.rows:,}; seed {seeded:.0f} s, chdb copy {copied:.0f} s")
    print(
        json.dumps(
            {
                "bench": "analytics_breakdown",
                "value": round(ch_s, 4),
                "unit": "s",
                "baseline": round(pg_s, 4),
                "ratio": round(pg_s / ch_s, 1),
                "target": ">= 20",
                "rows": args.rows,
                "uncompacted_s": round(loose_s, 4),
                "uncompacted_ratio": round(pg_s / loose_s, 1),
            }
        )
    )


if __name__ == "__main__":
    asyncio.run(main())
