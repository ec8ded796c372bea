"""Fixtures of the analytics tests: one chdb session per module (its start-up is the
cost), an empty mirror and feed state per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from httpx import AsyncClient
from sqlalchemy import text

from psp_dashboard.analytics.schema import TABLE
from psp_dashboard.analytics.store import AnalyticsStore, EmbeddedStore, prepare
from psp_dashboard.runtime import Runtime
from tests.api.conftest import Api


@pytest.fixture(scope="module")
async def chdb_store(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AnalyticsStore]:
    path: Path = tmp_path_factory.mktemp("clickhouse")
    store = await prepare(EmbeddedStore(path))
    yield store
    await store.close()


async def empty_mirror(runtime: Runtime, store: AnalyticsStore) -> None:
    await store.command(f"TRUNCATE TABLE {store.database}.{TABLE}")
    async with runtime.engine.begin() as conn:
        await conn.execute(text("DELETE FROM analytics_feed_state"))
        await conn.execute(text("TRUNCATE analytics_feed_deletions"))


@pytest.fixture
async def mirror(clean_db: Runtime, chdb_store: AnalyticsStore) -> AsyncIterator[AnalyticsStore]:
    """An empty mirror beside an empty database."""
    await empty_mirror(clean_db, chdb_store)
    yield chdb_store


@pytest.fixture
async def api(clean_db: Runtime, client: AsyncClient) -> AsyncIterator[Api]:
    yield Api(client, clean_db)
