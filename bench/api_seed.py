"""Seed the read-API bench database: N transactions over D days, generated in SQL.

Value distributions follow the sandbox and the normalizers: Vima carries projects
91game/monetix/caroussel, payment method `apm` (a few `card`), one provider account per
project; PayShack mostly the 91game pair plus a few other clients, UPI intent/collect.
That gives ~60-90 dimension combinations per 30-minute rollup bucket.

Used by bench/api.py. The schema comes from the real migrations (plus the read API's
index migration), partitions from the app's own `ensure_partitions`, and the rollup
is computed the way the pipeline maintains it (one GROUP BY with the same 30-minute
`date_bin`). Indexes are dropped during the load and rebuilt after it: building a
B-tree once is several times faster than maintaining it row by row.
"""

from __future__ import annotations

import asyncio
import importlib.util
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType

import asyncpg

from psp_dashboard import migrate
from psp_dashboard.config import to_asyncpg_url
from psp_dashboard.db import make_engine
from psp_dashboard.models.rollup import bucket_sql
from psp_dashboard.partitions import ensure_partitions

BACKEND = Path(__file__).resolve().parent.parent / "backend"
INDEX_MIGRATION = "20261126_0005_api_indexes.py"
CHUNK = 1_000_000

INSERT = """
INSERT INTO transactions (
    source, source_id, reference_id, client_operation_id, order_id, project, merchant_id,
    amount, currency, fee, status, original_status, user_id, user_email, user_phone,
    user_name, country, utr, payment_method, payment_product, created_at, updated_at,
    completed_at, raw_data, data_hash)
SELECT source, source || '-' || g, 'ref-' || g, 'cop-' || g,
       CASE WHEN source = 'payshack' THEN 'ORD' || g END,
       project,
       CASE WHEN source = 'payshack' THEN coalesce(upper(project), 'OTHER') || '_PVT_LTD'
            ELSE 'vima-' || coalesce(project, 'none') END,
       amount, 'INR', round(amount * 0.018, 4), status,
       CASE WHEN source = 'payshack' THEN
            CASE status WHEN 'success' THEN CASE WHEN r3 < 0.5 THEN 'Success' ELSE 'SUCCESS' END
                        WHEN 'failed' THEN CASE WHEN r3 < 0.7 THEN 'Failed' ELSE 'Tampered' END
                        WHEN 'pending' THEN CASE WHEN r3 < 0.5 THEN 'INITIATED' ELSE 'Pending' END
                        ELSE 'Refunded' END
       ELSE CASE status WHEN 'success' THEN 'success' WHEN 'failed' THEN 'fail'
                        WHEN 'pending' THEN CASE WHEN r3 < 0.6 THEN 'in_process'
                                                 ELSE 'user_input_required' END
                        ELSE 'refund' END END,
       'user-' || (g % 2000003), 'user' || (g % 2000003) || '@example.com',
       '9' || lpad(((g * 7919) % 999999999)::text, 9, '0'), 'Payer ' || (g % 100003), 'IN',
       CASE WHEN source = 'payshack' THEN 'UTR' || lpad(g::text, 12, '0') END,
       CASE WHEN source = 'payshack'
            THEN CASE WHEN r5 < 0.85 THEN 'UPI_INTENT' ELSE 'UPI_COLLECT' END
            ELSE CASE WHEN r5 < 0.95 THEN 'apm' ELSE 'card' END END,
       'upi', created_at, created_at + (r3 * interval '30 minutes'),
       CASE WHEN status = 'success' THEN created_at + interval '2 minutes' END,
       jsonb_build_object('id', source || '-' || g, 'amount', amount::text, 'n', g),
       md5(g::text)
FROM (
    SELECT g, r3, r5,
           CASE WHEN r1 < 0.35 THEN 'payshack' ELSE 'vima' END AS source,
           CASE WHEN r2 < 0.88 THEN 'success' WHEN r2 < 0.95 THEN 'failed'
                WHEN r2 < 0.99 THEN 'pending' ELSE 'refunded' END AS status,
           CASE WHEN r1 < 0.35 THEN  -- PayShack: mostly the 91game pair, a few other clients
                CASE WHEN r4 < 0.85 THEN '91game' WHEN r4 < 0.93 THEN 'mncl_m5'
                     WHEN r4 < 0.97 THEN 'indigate_payout' WHEN r4 < 0.995 THEN 'mncl_three' END
           ELSE CASE WHEN r4 < 0.6 THEN '91game' WHEN r4 < 0.85 THEN 'monetix'
                     ELSE 'caroussel' END END AS project,
           round((10 + r6 * r6 * 50000)::numeric, 2) AS amount,
           $1::timestamptz + (g - 1) * $2::interval + r7 * $2::interval AS created_at
    FROM (SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5,
                 random() r6, random() r7
          FROM generate_series($3::bigint, $4::bigint) g) s
) x
"""

ROLLUP = f"""
INSERT INTO transaction_rollup
SELECT {bucket_sql("created_at")}, source,
       COALESCE(project, ''), status, COALESCE(original_status, ''),
       COALESCE(payment_method, ''), COALESCE(merchant_id, ''), currency,
       COUNT(*), SUM(amount), SUM(COALESCE(fee, 0))
FROM transactions GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
"""


def index_migration() -> ModuleType:
    path = BACKEND / "migrations" / "versions" / INDEX_MIGRATION
    if not path.exists():
        raise SystemExit(f"{INDEX_MIGRATION} not found")
    spec = importlib.util.spec_from_file_location("api_indexes", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def log(message: str) -> None:
    print(f"[seed {time.strftime('%H:%M:%S')}] {message}", flush=True)


async def ensure_daily(conn: asyncpg.Connection) -> None:
    """The daily rollup level of migration 0005 (trigger + backfill), if not there yet."""
    if await conn.fetchval("SELECT to_regclass('transaction_rollup_daily')") is None:
        async with conn.transaction():
            for statement in index_migration().DAILY_UP:
                await conn.execute(statement)
        log(f"daily: {await conn.fetchval('SELECT count(*) FROM transaction_rollup_daily'):,} rows")


async def drop_transaction_indexes(conn: asyncpg.Connection) -> list[asyncpg.Record]:
    """Drop every index and index-backed constraint of `transactions` before a bulk load
    (building them once afterwards is several times faster); returns what to rebuild."""
    indexes = await conn.fetch(
        "SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS ddl, "
        "con.conname AS constraint_name, pg_get_constraintdef(con.oid) AS condef "
        "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid "
        "WHERE i.indrelid = 'transactions'::regclass"
    )
    for index in indexes:
        if index["constraint_name"]:
            await conn.execute(
                f'ALTER TABLE transactions DROP CONSTRAINT "{index["constraint_name"]}"'
            )
        else:
            await conn.execute(f'DROP INDEX "{index["name"]}"')
    return list(indexes)


async def rebuild_transaction_indexes(
    conn: asyncpg.Connection, indexes: list[asyncpg.Record]
) -> None:
    for index in indexes:
        if index["constraint_name"]:
            await conn.execute(
                f'ALTER TABLE transactions ADD CONSTRAINT "{index["constraint_name"]}" '
                f"{index['condef']}"
            )
        else:
            # pg_get_indexdef names the parent `ON ONLY`, which would skip partitions.
            await conn.execute(index["ddl"].replace(" ON ONLY ", " ON "))
        log(f"built {index['name']}")


async def create_database(admin_dsn: str, name: str) -> None:
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def seeded_rows(dsn: str) -> int | None:
    try:
        conn = await asyncpg.connect(dsn)
    except (OSError, asyncpg.PostgresError):
        return None
    try:
        return int(await conn.fetchval("SELECT coalesce(sum(count), 0) FROM transaction_rollup"))
    except asyncpg.PostgresError:
        return None
    finally:
        await conn.close()


async def seed(admin_dsn: str, dsn: str, name: str, rows: int, days: int, last: date) -> None:
    started = time.perf_counter()
    await create_database(admin_dsn, name)
    await asyncio.to_thread(migrate.upgrade, to_asyncpg_url(dsn))
    first = last - timedelta(days=days - 1)
    start = datetime.combine(first, datetime.min.time(), UTC)
    engine = make_engine(to_asyncpg_url(dsn))
    async with engine.begin() as sa_conn:
        months = [start + timedelta(days=d) for d in range(days)]
        await ensure_partitions(sa_conn, months)
    await engine.dispose()

    conn = await asyncpg.connect(dsn)
    try:
        for name_, definition in index_migration().INDEXES:
            await conn.execute(f"CREATE INDEX IF NOT EXISTS {name_} ON {definition}")
        indexes = await drop_transaction_indexes(conn)
        step = timedelta(days=days) / rows
        await conn.execute("SELECT setseed(0.42)")
        for low in range(1, rows + 1, CHUNK):
            high = min(rows, low + CHUNK - 1)
            await conn.execute(INSERT, start, step, low, high)
            log(f"inserted {high:,} / {rows:,}")
        await conn.execute("SET maintenance_work_mem = '1GB'")
        await conn.execute("SET max_parallel_maintenance_workers = 2")
        await rebuild_transaction_indexes(conn, indexes)
        await conn.execute(ROLLUP)
        log(f"rollup: {await conn.fetchval('SELECT count(*) FROM transaction_rollup'):,} rows")
        await ensure_daily(conn)
        await conn.execute("VACUUM (ANALYZE) transactions")
        await conn.execute("VACUUM (ANALYZE) transaction_rollup")
        # Filled through the trigger, one update per rollup row: compact it, as
        # autovacuum would on a server where it is on (it is off on some machines).
        await conn.execute("VACUUM (FULL, ANALYZE) transaction_rollup_daily")
    finally:
        await conn.close()
    log(f"seeded {rows:,} rows over {days} days in {time.perf_counter() - started:.0f} s")
