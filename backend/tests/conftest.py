"""Shared fixtures: a fresh PostgreSQL database and a Redis key space per test session.

Tests talk to real servers (TEST_DATABASE_URL / TEST_REDIS_URL, defaulting to the
machine's PostgreSQL and Redis on 127.0.0.1). Each session gets its own database and a
unique Redis key prefix, so parallel sessions never see each other.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from psp_dashboard import migrate
from psp_dashboard.config import Settings, load_settings, to_asyncpg_url
from psp_dashboard.main import create_app
from psp_dashboard.models import metadata
from psp_dashboard.partitions import forget_known_partitions
from psp_dashboard.runtime import Runtime, open_runtime

ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

# Tables the migrations seed with rows the code expects to find; every other table is
# data a test may leave behind, so `clean_db` empties all of them (a table added later
# is covered without anyone remembering to list it).
SEEDED_TABLES = frozenset({"sync_state", "payshack_reference_state"})
DATA_TABLES = tuple(t.name for t in metadata.sorted_tables if t.name not in SEEDED_TABLES)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_database(name: str) -> str:
    conn = await asyncpg.connect(_dsn(ADMIN_URL))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return to_asyncpg_url(str(make_url(ADMIN_URL).set(database=name).render_as_string(False)))


async def drop_database(name: str) -> None:
    conn = await asyncpg.connect(_dsn(ADMIN_URL))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def session_tag() -> str:
    return uuid.uuid4().hex[:10]


@pytest.fixture(scope="session")
async def database_url(session_tag: str) -> AsyncIterator[str]:
    name = f"psp_test_{session_tag}"
    url = await create_database(name)
    await asyncio.to_thread(migrate.upgrade, url)
    yield url
    await drop_database(name)


@pytest.fixture(scope="session")
def test_settings(session_tag: str) -> Settings:
    return load_settings(
        redis_key_prefix=f"test:{session_tag}:",
        database_url=None,
        redis_url=None,
        _env_file=None,
    )


@pytest.fixture(scope="session")
async def runtime(test_settings: Settings, database_url: str) -> AsyncIterator[Runtime]:
    rt = await open_runtime(test_settings, database_url=database_url, redis_url=TEST_REDIS_URL)
    yield rt
    await rt.cache.delete_pattern("*")
    await rt.close()


async def settle(runtime: Runtime) -> None:
    """Let work a test left running (a detached manual sync, a backfill) end, or cancel
    it: it must not write into the next test's data."""
    pending = runtime.tasks.pending()
    if not pending:
        return
    _, late = await asyncio.wait(pending, timeout=60)
    for task in late:
        task.cancel()
    await asyncio.gather(*late, return_exceptions=True)


@pytest.fixture
async def clean_db(runtime: Runtime, test_settings: Settings) -> AsyncIterator[Runtime]:
    """Empty data tables (and reset sync state) before the test; no work of the test
    outlives it."""
    await settle(runtime)
    async with runtime.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(DATA_TABLES)} CASCADE"))
        await conn.execute(
            text(
                "UPDATE sync_state SET last_create_cursor = NULL, last_update_cursor = NULL, "
                "last_sync_at = NULL, last_successful_sync = NULL, sync_status = 'idle', "
                "error_message = NULL, records_synced = 0, watermark = NULL, "
                "checkpoint = '{}'::jsonb, next_sync_at = NULL"
            )
        )
        await conn.execute(text("DELETE FROM payshack_reference_state"))
        await conn.execute(text("INSERT INTO payshack_reference_state (id) VALUES (1)"))
    await runtime.cache.delete_pattern("*")
    yield runtime
    await settle(runtime)
    # What a test changed on the shared runtime and did not put back stays its own.
    runtime.settings, runtime.endpoints, runtime.login_limits = test_settings, None, None


@pytest.fixture
async def client(runtime: Runtime) -> AsyncIterator[AsyncClient]:
    app = create_app(runtime.settings, runtime=runtime)
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture(autouse=True)
def _fresh_partition_cache() -> Iterator[None]:
    forget_known_partitions()
    yield
