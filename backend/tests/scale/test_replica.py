"""Reads from a real streaming standby (replica.py), and back to the primary when it lags.

A throwaway primary and standby (replica_cluster.py) run from the machine's PostgreSQL
binaries; the app's runtime points DATABASE_URL at the primary and
DATABASE_REPLICA_URL at the standby. Pausing WAL replay on the standby makes it lag.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import random
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text

from psp_dashboard import migrate
from psp_dashboard.config import load_settings
from psp_dashboard.db import make_engine
from psp_dashboard.main import create_app
from psp_dashboard.replica import ReplicaReads, measure_lag
from psp_dashboard.runtime import Runtime, open_runtime
from tests.api.factory import load, make_transaction
from tests.conftest import TEST_REDIS_URL
from tests.scale.replica_cluster import Cluster, free_port, postgres_bindir, replica_cluster
from tests.support.auth import sign_in

API = "/api/v1"
CATCH_UP_SECONDS = 20


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    bindir = postgres_bindir()
    if bindir is None or not (bindir / "initdb").exists():
        pytest.skip("no PostgreSQL server binaries on this machine")
    with replica_cluster(bindir) as made:
        # Alembic runs its own event loop: on a thread of its own.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(migrate.upgrade, made.url(made.primary_port)).result()
        yield made


@pytest.fixture(scope="module")
async def replicated(cluster: Cluster) -> AsyncIterator[Runtime]:
    settings = load_settings(
        redis_key_prefix=f"test:replica:{uuid.uuid4().hex[:8]}:",
        database_url=None,
        redis_url=None,
        database_replica_url=cluster.url(cluster.standby_port).replace("+asyncpg", ""),
        replica_max_lag_seconds=30,
        replica_check_seconds=0,  # measure on every read: the test changes the lag at will
        _env_file=None,
    )
    runtime = await open_runtime(
        settings, database_url=cluster.url(cluster.primary_port), redis_url=TEST_REDIS_URL
    )
    yield runtime
    await runtime.cache.delete_pattern("*")
    await runtime.close()


@pytest.fixture
async def http(replicated: Runtime) -> AsyncIterator[AsyncClient]:
    app = create_app(replicated.settings, runtime=replicated)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client


async def insert_on_primary(runtime: Runtime, index: int) -> str:
    """One transaction through the pipeline's upsert (rollups included); its id."""
    row = make_transaction(random.Random(index), index, datetime.now(UTC))
    await load(runtime, [row])
    async with runtime.engine.connect() as conn:
        found = await conn.execute(
            text("SELECT id FROM transactions WHERE source = :s AND source_id = :i"),
            {"s": row.source, "i": row.source_id},
        )
        return str(found.scalar_one())


async def on_standby(runtime: Runtime, sql: str) -> Any:
    assert runtime.replica is not None
    async with runtime.replica.replica.connect() as conn:
        return (await conn.execute(text(sql))).scalar()


async def caught_up(runtime: Runtime) -> None:
    """Poll the standby until it has replayed everything the primary wrote."""
    assert runtime.replica is not None
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while (await measure_lag(runtime.engine, runtime.replica.replica)).seconds > 0:
        assert time.monotonic() < deadline, "the standby did not catch up"
        await asyncio.sleep(0.05)


async def listed_ids(http: AsyncClient, headers: dict[str, str]) -> tuple[str, set[str]]:
    response = await http.get(f"{API}/transactions", params={"limit": 100}, headers=headers)
    assert response.status_code == 200, response.text
    return response.headers["x-data-source"], {row["id"] for row in response.json()["data"]}


async def test_reads_come_from_the_standby_and_fall_back_while_it_lags(
    replicated: Runtime, http: AsyncClient
) -> None:
    assert replicated.replica is not None
    assert await on_standby(replicated, "SELECT pg_is_in_recovery()") is True
    headers = await sign_in(http, replicated, "analyst")  # a write: on the primary
    first = await insert_on_primary(replicated, 1)
    await caught_up(replicated)

    source, ids = await listed_ids(http, headers)
    assert (source, first in ids) == ("replica", True)

    await on_standby(replicated, "SELECT pg_wal_replay_pause()")
    try:
        second = await insert_on_primary(replicated, 2)
        lag = await measure_lag(replicated.engine, replicated.replica.replica)
        assert lag.seconds > 0
        # Within REPLICA_MAX_LAG_SECONDS the standby still answers, without the new row:
        # the proof that the read really went to the standby.
        source, ids = await listed_ids(http, headers)
        assert (source, first in ids, second in ids) == ("replica", True, False)
        detail = await http.get(f"{API}/transactions/{second}", headers=headers)
        assert detail.status_code == 404
        assert detail.headers["x-data-source"] == "replica"

        # Lagging beyond the allowance: the primary answers, with the new row.
        replicated.replica.max_lag_seconds = 0
        source, ids = await listed_ids(http, headers)
        assert (source, second in ids) == ("primary", True)
        detail = await http.get(f"{API}/transactions/{second}", headers=headers)
        assert (detail.status_code, detail.headers["x-data-source"]) == (200, "primary")
        status = (await http.get(f"{API}/sync/status", headers=headers)).json()["data"]["reads"]
        assert status["source"] == "primary" and status["replica_configured"] is True
        assert status["lag_seconds"] > 0
    finally:
        await on_standby(replicated, "SELECT pg_wal_replay_resume()")

    # Caught up again: back to the standby, which now has the row.
    await caught_up(replicated)
    source, ids = await listed_ids(http, headers)
    assert (source, second in ids) == ("replica", True)
    overview = await http.get(f"{API}/metrics/overview", headers=headers)
    assert overview.status_code == 200, overview.text
    assert overview.headers["x-data-source"] == "replica"
    datetime.fromisoformat(overview.headers["x-data-as-of"])
    status = (await http.get(f"{API}/sync/status", headers=headers)).json()["data"]["reads"]
    assert (status["source"], status["lag_seconds"]) == ("replica", 0)
    replicated.replica.max_lag_seconds = 30


async def test_an_unreachable_standby_sends_reads_to_the_primary(replicated: Runtime) -> None:
    nowhere = make_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/postgres")
    reads = ReplicaReads(replicated.engine, nowhere, max_lag_seconds=30, check_seconds=60)
    try:
        source = await reads.choose()
        assert (source.name, source.engine, source.lag_seconds) == (
            "primary",
            replicated.engine,
            None,
        )
    finally:
        await reads.close()


async def test_without_a_replica_everything_reads_the_primary(runtime: Runtime) -> None:
    assert runtime.replica is None
    source = await runtime.reads()
    assert (source.name, source.engine) == ("primary", runtime.engine)
    assert source.headers()["X-Data-Source"] == "primary"
