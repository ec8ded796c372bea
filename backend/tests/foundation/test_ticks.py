"""Job ticks: each fire of a job claimed once across workers; dead workers' claims taken
over (ticks.py, the Worker's use of it). Several Worker objects on one database stand
for several processes here; tests/scale/test_many_processes.py runs real ones."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from httpx import AsyncClient
from sqlalchemy import text

from psp_dashboard import ticks
from psp_dashboard.runtime import Runtime
from psp_dashboard.ticks import Tick
from psp_dashboard.worker import Worker
from tests.support.auth import sign_in

HOURLY = IntervalTrigger(hours=1)
LEASE = timedelta(seconds=15)


def at(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def test_fires_seconds_apart_name_the_same_tick() -> None:
    every_30s = ticks.on_grid(IntervalTrigger(seconds=30))
    assert ticks.tick_of(every_30s, at("2026-12-06 12:00:00.2")) == at("2026-12-06 12:00:00")
    assert ticks.tick_of(every_30s, at("2026-12-06 12:00:29.9")) == at("2026-12-06 12:00:00")
    assert ticks.tick_of(every_30s, at("2026-12-06 12:00:30")) == at("2026-12-06 12:00:30")
    daily = CronTrigger(hour=2, minute=0, timezone="Asia/Kolkata")
    fired = datetime(2026, 12, 6, 2, 0, tzinfo=daily.timezone)
    assert ticks.tick_of(daily, fired) == at("2026-12-05 20:30:00")


def test_an_interval_fires_on_its_grid_whenever_it_started() -> None:
    grid = ticks.on_grid(IntervalTrigger(seconds=30))
    now = at("2026-12-06 12:00:07.5")
    assert grid.get_next_fire_time(None, now) == at("2026-12-06 12:00:30")


async def test_a_tick_is_claimed_once(clean_db: Runtime) -> None:
    tick = Tick("job", at("2026-12-06 12:00:00"))
    assert await ticks.claim(clean_db.engine, tick, "a")
    assert not await ticks.claim(clean_db.engine, tick, "b")
    assert not await ticks.finish(clean_db.engine, tick, "b", "done")  # not b's
    assert await ticks.finish(clean_db.engine, tick, "a", "done")


async def _age(runtime: Runtime, tick: Tick, by: timedelta) -> None:
    async with runtime.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE job_ticks SET heartbeat_at = now() - CAST(:by AS interval) "
                "WHERE job_id = :j"
            ),
            {"by": by, "j": tick.job_id},
        )


async def test_a_stale_claim_is_taken_over_once(clean_db: Runtime) -> None:
    engine = clean_db.engine
    tick = Tick("job", at("2026-12-06 12:00:00"))
    await ticks.claim(engine, tick, "dead")
    assert await ticks.take_over(engine, "b", ["job"], LEASE) == []  # still fresh
    await _age(clean_db, tick, LEASE * 2)
    assert await ticks.take_over(engine, "b", ["other-job"], LEASE) == []  # not b's job
    taken, again = await asyncio.gather(
        ticks.take_over(engine, "b", ["job"], LEASE), ticks.take_over(engine, "c", ["job"], LEASE)
    )
    assert sorted([taken, again], key=len) == [[], [(tick, False)]]
    assert not await ticks.finish(engine, tick, "dead", "done")  # the dead lost it


async def test_a_stale_claim_with_a_later_tick_is_superseded(clean_db: Runtime) -> None:
    engine = clean_db.engine
    old, new = Tick("job", at("2026-12-06 12:00:00")), Tick("job", at("2026-12-06 12:00:30"))
    await ticks.claim(engine, old, "dead")
    await _age(clean_db, old, LEASE * 2)
    await ticks.claim(engine, new, "alive")
    assert await ticks.take_over(engine, "b", ["job"], LEASE) == [(old, True)]


class Counter:
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def __call__(self, why: str) -> None:
        self.calls.append(why)


async def test_two_workers_firing_together_run_the_job_once(clean_db: Runtime) -> None:
    counter = Counter()
    workers = [Worker(clean_db), Worker(clean_db)]
    for worker in workers:
        worker.add_job("job", HOURLY, counter)
    await asyncio.gather(*(worker._scheduled("job") for worker in workers))
    assert counter.calls == ["schedule"]
    async with clean_db.engine.connect() as conn:
        rows = list(await conn.execute(text("SELECT claimed_by, outcome FROM job_ticks")))
    assert len(rows) == 1 and rows[0][1] == "done"
    assert rows[0][0] in {w.worker_id for w in workers}
    for worker in workers:
        await worker.shutdown()


async def test_a_worker_runs_a_dead_workers_tick_and_closes_it(clean_db: Runtime) -> None:
    counter = Counter()
    worker = Worker(clean_db)
    worker.add_job("job", HOURLY, counter)
    tick = Tick("job", at("2026-12-06 12:00:00"))
    await ticks.claim(clean_db.engine, tick, "host:1:dead")
    await _age(clean_db, tick, worker.lease * 2)
    await worker._beat()
    await worker.tasks.join()
    assert counter.calls == ["takeover"]
    async with clean_db.engine.connect() as conn:
        row = (
            await conn.execute(text("SELECT claimed_by, outcome, takeovers FROM job_ticks"))
        ).one()
    assert tuple(row) == (worker.worker_id, "done", 1)
    live = await ticks.live_workers(clean_db.cache)
    assert [w["id"] for w in live] == [worker.worker_id]
    await worker.shutdown()
    assert await ticks.live_workers(clean_db.cache) == []


async def test_a_stopping_worker_hands_its_running_tick_on(clean_db: Runtime) -> None:
    worker = Worker(clean_db)
    started = asyncio.Event()

    async def long_job(_: str) -> None:
        started.set()
        await worker.stop.wait()  # ends at its next safe point when the worker stops

    worker.add_job("job", HOURLY, long_job)
    run = asyncio.ensure_future(worker._scheduled("job"))
    async with asyncio.timeout(30):
        await started.wait()
    await worker.shutdown()
    await run
    async with clean_db.engine.connect() as conn:
        finished, released = (
            await conn.execute(
                text("SELECT finished_at, heartbeat_at = '-infinity' FROM job_ticks")
            )
        ).one()
    # Released: unfinished and stale at once, for the next worker to take over.
    assert finished is None and released


async def test_the_api_lists_live_workers_to_admins(clean_db: Runtime, client: AsyncClient) -> None:
    worker = Worker(clean_db)
    worker.add_job("job", HOURLY, Counter())
    await worker._beat()
    try:
        reply = await client.get("/api/v1/sync/workers", headers=await sign_in(client, clean_db))
        assert reply.status_code == 200, reply.text
        (listed,) = reply.json()["data"]
        assert listed["id"] == worker.worker_id and listed["jobs"] == ["job"]
        assert listed["holding"] == [] and listed["running"] == []
        viewer = await sign_in(client, clean_db, "viewer")
        assert (await client.get("/api/v1/sync/workers", headers=viewer)).status_code == 403
    finally:
        await worker.shutdown()
