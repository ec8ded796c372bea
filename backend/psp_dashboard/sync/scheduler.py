"""The worker's clock: each source on its interval, manual triggers, graceful stop.

Runs inside `psp worker` and inside the demo process. The PostgreSQL advisory lock in
the pipeline — not this scheduler — guarantees one run per source across processes;
the scheduler only avoids piling up runs in its own process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger
from redis.exceptions import RedisError

from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.service import endpoints_of, sync_source
from psp_dashboard.sync.sources import SOURCES

log = logging.getLogger(__name__)

TRIGGER_CHANNEL = "sync:trigger"
ExtraJob = Callable[[Runtime], Awaitable[object]]


def trigger_channel(runtime: Runtime) -> str:
    return f"{runtime.cache.prefix}{TRIGGER_CHANNEL}"


class SyncScheduler:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.stop_event = asyncio.Event()
        self.running: dict[str, asyncio.Task[object]] = {}
        self._listener: asyncio.Task[None] | None = None

    def interval_minutes(self, source: str) -> int:
        settings = self.runtime.settings
        return (
            settings.vima_sync_interval_minutes
            if source == "vima"
            else settings.payshack_sync_interval_minutes
        )

    def start(self, extra_jobs: dict[str, tuple[object, ExtraJob]] | None = None) -> None:
        endpoints = endpoints_of(self.runtime)
        now = datetime.now(UTC)
        for source in SOURCES:
            if not endpoints.configured(source):
                log.info("source not configured; not scheduled", extra={"source": source})
                continue
            self.scheduler.add_job(
                self._scheduled,
                IntervalTrigger(minutes=self.interval_minutes(source)),
                args=[source],
                id=f"sync:{source}",
                next_run_time=now,
                max_instances=1,
                coalesce=True,
                misfire_grace_time=None,
            )
        for job_id, (trigger, job) in (extra_jobs or {}).items():
            self.scheduler.add_job(
                self._extra, trigger, args=[job_id, job], id=job_id, max_instances=1, coalesce=True
            )
        self.scheduler.start()
        self._listener = asyncio.create_task(self._listen_for_triggers())

    async def _extra(self, job_id: str, job: ExtraJob) -> None:
        try:
            await job(self.runtime)
        except Exception:
            log.exception("scheduled job failed", extra={"job": job_id})

    def next_run(self, source: str) -> datetime | None:
        job = self.scheduler.get_job(f"sync:{source}")
        return job.next_run_time if job is not None else None

    async def _scheduled(self, source: str) -> None:
        await self.run_now(source, trigger="schedule")

    async def run_now(self, source: str, *, trigger: str = "manual") -> object:
        """Run a source now in this process, or join the run already going on here."""
        if self.stop_event.is_set():
            return None
        current = self.running.get(source)
        if current is not None and not current.done():
            return await asyncio.shield(current)
        next_at = datetime.now(UTC) + timedelta(minutes=self.interval_minutes(source))
        task: asyncio.Task[object] = asyncio.create_task(
            sync_source(
                self.runtime, source, trigger=trigger, stop=self.stop_event, next_sync_at=next_at
            )
        )
        self.running[source] = task
        try:
            return await asyncio.shield(task)
        finally:
            if self.running.get(source) is task and task.done():
                self.running.pop(source, None)

    def trigger(self, source: str) -> None:
        """Fire-and-forget manual run in this process."""
        asyncio.get_running_loop().create_task(self.run_now(source, trigger="manual"))

    async def _listen_for_triggers(self) -> None:
        """Manual triggers from API processes arrive over Redis pub/sub."""
        while not self.stop_event.is_set():
            pubsub = self.runtime.cache.redis.pubsub()
            try:
                await pubsub.subscribe(trigger_channel(self.runtime))
                async for message in pubsub.listen():
                    if message.get("type") != "message":
                        continue
                    try:
                        sources = json.loads(message["data"]).get("sources", [])
                    except (ValueError, AttributeError):
                        continue
                    for source in sources:
                        if source in SOURCES:
                            self.trigger(source)
            except (RedisError, OSError):
                log.warning("trigger listener lost redis; retrying in 5 s")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.stop_event.wait(), timeout=5)
            finally:
                # A subscription left open would keep counting as a listening worker,
                # and API triggers would be sent to nobody.
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def shutdown(self) -> None:
        """Stop scheduling; let running syncs finish their current batch and stop."""
        self.stop_event.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
        pending = [t for t in self.running.values() if not t.done()]
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


async def publish_trigger(runtime: Runtime, sources: list[str]) -> bool:
    """Ask whichever worker listens to run `sources`; False when nobody could be told."""
    try:
        receivers = await runtime.cache.redis.publish(
            trigger_channel(runtime), json.dumps({"sources": sources})
        )
    except (RedisError, OSError):
        return False
    return int(receivers) > 0
