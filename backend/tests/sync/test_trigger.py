"""Where a manual trigger runs: this process's worker, a listening worker, or the API."""

from __future__ import annotations

import asyncio
import json
import uuid

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.testing import SandboxHandle
from psp_dashboard.sync.scheduler import job_id, take_trigger, trigger_channel
from psp_dashboard.sync.service import trigger_sync
from psp_dashboard.worker import Worker
from tests.support.runtime import runtime_with


async def test_a_worker_in_this_process_runs_it(runtime: Runtime) -> None:
    worker = Worker(runtime)
    calls: list[str] = []

    async def job(why: str) -> None:
        calls.append(why)

    worker.add_job(job_id("vima"), IntervalTrigger(hours=1), job)
    with runtime_with(runtime, worker=worker):
        where = await trigger_sync(runtime, ["vima", "payshack"])  # payshack: no job here
        await worker.tasks.join()
    await worker.shutdown()
    assert where == "this process"
    assert calls == ["manual"]


async def test_else_a_listening_worker_is_told(runtime: Runtime) -> None:
    pubsub = runtime.cache.redis.pubsub()
    await pubsub.subscribe(trigger_channel(runtime))
    before = set(runtime.tasks.pending())
    try:
        where = await trigger_sync(runtime, ["payshack"])
        async with asyncio.timeout(10):
            message = None
            while message is None:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
    assert where == "the worker"
    assert json.loads(message["data"])["sources"] == ["payshack"]
    assert set(runtime.tasks.pending()) <= before  # nothing started here


async def test_else_the_api_process_runs_it_itself(wired: Runtime, sandbox: SandboxHandle) -> None:
    where = await trigger_sync(wired, ["vima"])
    assert where == "the API process (no worker is listening)"
    await wired.tasks.join()
    async with wired.engine.connect() as conn:
        runs = (
            await conn.execute(
                text("SELECT status, params->>'trigger' FROM sync_runs WHERE source = 'vima'")
            )
        ).all()
    assert [tuple(r) for r in runs] == [("success", "manual")]


async def test_every_worker_hears_a_trigger_and_one_takes_it(runtime: Runtime) -> None:
    """Several workers listen; the trigger's id (set by publish_trigger) goes to the
    first that claims it in Redis, so one manual trigger is one run."""
    trigger_id = uuid.uuid4().hex
    taken = await asyncio.gather(*(take_trigger(runtime, trigger_id) for _ in range(3)))
    assert sorted(taken) == [False, False, True]
    assert await take_trigger(runtime, None)  # from an older API process: run it
