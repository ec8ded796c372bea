"""The same feed and breakdowns against a ClickHouse server (clickhouse-connect): runs
when TEST_CLICKHOUSE_URL is set (http://user:pass@host:8123), skipped otherwise."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from datetime import date

import pytest

from psp_dashboard.analytics.breakdown import ordered
from psp_dashboard.analytics.feed import Feeder
from psp_dashboard.analytics.service import groups_from_clickhouse, groups_from_postgresql
from psp_dashboard.analytics.store import AnalyticsStore, ServerStore, prepare
from psp_dashboard.runtime import Runtime
from tests.analytics.conftest import empty_mirror
from tests.analytics.test_breakdown import COMBOS, spec
from tests.analytics.test_feed import assert_equal
from tests.api.factory import load, random_dataset

URL = os.environ.get("TEST_CLICKHOUSE_URL")
pytestmark = pytest.mark.skipif(not URL, reason="TEST_CLICKHOUSE_URL is not set")


@pytest.fixture
async def server_mirror(clean_db: Runtime) -> AsyncIterator[AnalyticsStore]:
    assert URL is not None
    store = await prepare(ServerStore(URL, database=f"psp_test_{uuid.uuid4().hex[:8]}"))
    await empty_mirror(clean_db, store)
    yield store
    await store.command(f"DROP DATABASE IF EXISTS {store.database}")
    await store.close()


async def test_a_server_mirror_equals_postgresql_and_answers_alike(
    server_mirror: AnalyticsStore, clean_db: Runtime
) -> None:
    await load(clean_db, random_dataset(7, date(2026, 3, 25), 14, 400))
    await Feeder(clean_db.engine, server_mirror, batch_rows=90).run()
    await assert_equal(clean_db, server_mirror)
    for dimensions in COMBOS:
        query = spec(dimensions)
        on_pg = ordered(await groups_from_postgresql(clean_db.engine, query))
        assert ordered(await groups_from_clickhouse(server_mirror, query, clean_db.engine)) == on_pg
