"""Migration 0016 backfills one history entry per existing transaction: its current
status, seen when the row was last ingested (else updated, else created)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
from sqlalchemy.engine import make_url

from psp_dashboard import migrate
from tests.conftest import create_database, drop_database

CREATED = datetime(2026, 5, 3, 9, 15, tzinfo=UTC)
INGESTED = datetime(2026, 5, 3, 9, 20, tzinfo=UTC)
UPDATED = datetime(2026, 5, 3, 10, 0, tzinfo=UTC)


async def test_existing_rows_get_their_current_status(session_tag: str) -> None:
    name = f"psp_test_{session_tag}_upi"
    url = await create_database(name)
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(migrate.upgrade, url, "0015")
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(
                "CREATE TABLE transactions_probe PARTITION OF transactions "
                "FOR VALUES FROM ('2026-05-01') TO ('2026-06-01')"
            )
            await conn.execute(
                "INSERT INTO transactions (source, source_id, amount, status, original_status, "
                "created_at, updated_at, ingested_at) VALUES "
                "('payshack', 'a', 1.5, 'refunded', 'Refunded', $1, $2, $3), "
                "('vima', 'b', 2.5, 'pending', 'in_process', $1, $2, NULL)",
                CREATED, UPDATED, INGESTED,
            )  # fmt: skip
        finally:
            await conn.close()
        await asyncio.to_thread(migrate.upgrade, url, "0016")
        conn = await asyncpg.connect(dsn)
        try:
            rows = await conn.fetch(
                "SELECT source, source_id, created_at, status, original_status, seen_at, "
                "sync_run_id FROM transaction_status_history ORDER BY source"
            )
        finally:
            await conn.close()
        assert [tuple(r) for r in rows] == [
            ("payshack", "a", CREATED, "refunded", "Refunded", INGESTED, None),
            ("vima", "b", CREATED, "pending", "in_process", UPDATED, None),
        ]
        await asyncio.to_thread(migrate.downgrade, url, "0015")
        conn = await asyncpg.connect(dsn)
        try:
            gone = await conn.fetchval("SELECT to_regclass('transaction_status_history')")
        finally:
            await conn.close()
        assert gone is None
    finally:
        await drop_database(name)
