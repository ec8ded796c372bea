import asyncio

import asyncpg
from sqlalchemy.engine import make_url

from psp_dashboard import migrate
from tests.conftest import create_database, drop_database


async def _tables(url: str) -> set[str]:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "UNION SELECT relname FROM pg_class WHERE relkind = 'p'"
        )
        return {r[0] for r in rows}
    finally:
        await conn.close()


async def test_migrations_up_down_up_on_empty_database(session_tag: str) -> None:
    name = f"psp_test_{session_tag}_mig"
    url = await create_database(name)
    try:
        await asyncio.to_thread(migrate.upgrade, url)
        first = await _tables(url)
        assert {
            "transactions",
            "sync_state",
            "reconciliation_results",
            "reconciliation_runs",
            "users",
            "sync_runs",
            "quarantine",
        } <= first
        await asyncio.to_thread(migrate.downgrade, url)
        assert await _tables(url) <= {"alembic_version"}
        await asyncio.to_thread(migrate.upgrade, url)
        assert await _tables(url) == first
    finally:
        await drop_database(name)


async def test_sync_state_is_seeded_with_both_sources(database_url: str) -> None:
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(False)
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch("SELECT source, sync_status FROM sync_state ORDER BY source")
    finally:
        await conn.close()
    assert [(r["source"], r["sync_status"]) for r in rows] == [
        ("payshack", "idle"),
        ("payshack_payouts", "idle"),  # PayShack's pay-out stream (0013)
        ("vima", "idle"),
    ]
