"""The sync jobs on a worker: immediate first run, triggers over Redis, graceful stop."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import text

from psp_dashboard.events import channel
from psp_dashboard.jobs import build_worker, start_worker
from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.testing import SandboxHandle
from psp_dashboard.sync.scheduler import job_id, publish_trigger, trigger_channel
from psp_dashboard.sync.service import sync_source
from tests.sync.conftest import assert_matches_truth


async def _runs(runtime: Runtime, source: str) -> list[tuple[str, str]]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT status, params->>'trigger' FROM sync_runs WHERE source = :s "
                "ORDER BY started_at"
            ),
            {"s": source},
        )
        return [(r[0], r[1]) for r in rows]


async def _until(predicate: Callable[[], Awaitable[bool]], limit_s: float = 60) -> None:
    """Wait for a database condition nothing announces (bounded polling)."""
    async with asyncio.timeout(limit_s):
        while not await predicate():
            await asyncio.sleep(0.05)


async def _events(runtime: Runtime, count: int) -> list[dict[str, Any]]:
    """The next `count` sync.finished events (subscribe before causing them)."""
    received: list[dict[str, Any]] = []
    pubsub = runtime.cache.redis.pubsub()
    await pubsub.subscribe(channel(runtime.cache))
    ready.set()
    async with asyncio.timeout(60):
        while len(received) < count:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
            if message is not None:
                received.append(json.loads(message["data"]))
    await pubsub.aclose()
    return received


ready = asyncio.Event()


async def test_first_run_at_start_then_manual_trigger_over_redis(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    # Day-long intervals: a scheduled tick falling inside the test would take the
    # trigger's place (a trigger joins the run going on) and make a third run.
    wired.settings = wired.settings.model_copy(
        update={
            "payshack_page_pause_ms": 0,
            "vima_sync_interval_minutes": 1440,
            "payshack_sync_interval_minutes": 1440,
        }
    )
    worker = start_worker(wired)
    try:

        async def first_runs_done() -> bool:
            runs = await _runs(wired, "vima") + await _runs(wired, "payshack")
            return len(runs) == 2 and all(status == "success" for status, _ in runs)

        await _until(first_runs_done)
        listening = await wired.cache.redis.pubsub_numsub(trigger_channel(wired))
        assert int(listening[0][1]) == 1, "a worker of an earlier test still listens"
        await _until(lambda: publish_trigger(wired, ["vima"]))

        async def triggered_done() -> bool:
            return (await _runs(wired, "vima"))[-1:] == [("success", "manual")]

        await _until(triggered_done)
    finally:
        await worker.shutdown()
    assert wired.worker is None
    assert [t for _, t in await _runs(wired, "vima")] == ["schedule", "manual"]
    await assert_matches_truth(wired, sandbox, "vima")


async def test_shutdown_lets_the_current_batch_commit_then_stops(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    wired.settings = wired.settings.model_copy(update={"sync_batch_rows": 200})
    sandbox.faults.vima.update(delay_ms=40)
    worker = build_worker(wired)
    runner = worker.run_now(job_id("vima"))
    assert runner is not None

    async def one_batch_committed() -> bool:
        async with wired.engine.connect() as conn:
            return bool(
                (
                    await conn.execute(
                        text(
                            "SELECT COALESCE(MAX(pages), 0) > 0 FROM sync_runs WHERE source='vima'"
                        )
                    )
                ).scalar_one()
            )

    await _until(one_batch_committed)
    await worker.shutdown()
    assert runner.done()
    runs = await _runs(wired, "vima")
    assert runs[-1][0] == "stopped"
    async with wired.engine.connect() as conn:
        stored, cursor = (
            await conn.execute(
                text(
                    "SELECT (SELECT COUNT(*) FROM transactions WHERE source = 'vima'), "
                    # the first sync walks the update stream: its cursor moved
                    "(SELECT last_update_cursor FROM sync_state WHERE source = 'vima')"
                )
            )
        ).one()
    assert stored > 0 and cursor is not None
    sandbox.faults.vima.update(delay_ms=0)
    resumed = await sync_source(wired, "vima")
    assert resumed.status == "success"
    await assert_matches_truth(wired, sandbox, "vima")
