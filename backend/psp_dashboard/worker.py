"""The worker: owns a process's scheduled jobs, their runs, its listeners and shutdown.

`psp worker` runs one alone and `psp run` one beside the API; `psp serve` has none (a
sync triggered there goes to a worker over Redis, see sync/scheduler.py). Each domain
registers its own jobs on it (`register_jobs(worker)`, listed in jobs.py), so this
module knows no domain.

Any number of workers may run on one database: every scheduled fire is claimed as a
tick in `job_ticks` before it runs, so it runs once across all of them, and a claim
whose worker died is taken over by another (ticks.py). Manual runs are not claimed.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime, time, timedelta
from functools import partial
from typing import Any

from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from psp_dashboard import ticks
from psp_dashboard.background import BackgroundTasks
from psp_dashboard.runtime import Runtime
from psp_dashboard.ticks import Tick

log = logging.getLogger(__name__)

Job = Callable[[str], Awaitable[object]]
"""One run of a job, told why it runs: "schedule" (its trigger fired), "takeover" (the
worker that claimed this fire died) or "manual"."""
Service = Callable[[], Coroutine[Any, Any, None]]


def daily_at(at: time, timezone: str) -> CronTrigger:
    """Every day at the wall-clock time `at` in `timezone`."""
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=timezone)


def stop_on_signals(stop: asyncio.Event) -> None:
    """SIGTERM/SIGINT set `stop`: the current batch commits, then the process ends."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


class Worker:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.scheduler = AsyncIOScheduler(timezone=UTC)
        self.tasks = BackgroundTasks()
        self._jobs: dict[str, Job] = {}
        self._running: dict[str, asyncio.Task[object]] = {}
        self._services: list[Service] = []
        self._service_tasks: list[asyncio.Task[None]] = []
        self.worker_id = ticks.new_worker_id()
        self.started_at = datetime.now(UTC)
        self._triggers: dict[str, BaseTrigger] = {}
        # Each fire's scheduled time, from APScheduler's submission event (the job's
        # coroutine is not told it), read when the fire starts: the tick it claims.
        self._fired_at: dict[str, datetime] = {}
        self._held: set[Tick] = set()
        self._failed: weakref.WeakSet[asyncio.Task[object]] = weakref.WeakSet()
        self._keeper: asyncio.Task[None] | None = None
        # Interval jobs to fire once at start, off the scheduler: APScheduler would
        # count the interval on from that second instead of from the grid.
        self._first_runs: list[str] = []
        self.scheduler.add_listener(self._on_submitted, EVENT_JOB_SUBMITTED)

    @property
    def stop(self) -> asyncio.Event:
        """Set at shutdown; runs that take it end after their current batch."""
        return self.tasks.stop

    def add_job(
        self,
        job_id: str,
        trigger: BaseTrigger,
        job: Job,
        *,
        first_run_now: bool = False,
        run_late: bool = False,
    ) -> None:
        """Run `job` on `trigger`. `run_late`: a run that could not start on time (the
        loop was busy) still happens; otherwise APScheduler skips it after a second.
        An interval fires on its grid from the epoch, as on every other worker; its
        first run at start does not move that grid."""
        if isinstance(trigger, IntervalTrigger):
            trigger = ticks.on_grid(trigger)
        self._jobs[job_id] = job
        self._triggers[job_id] = trigger
        options: dict[str, Any] = {"misfire_grace_time": None if run_late else 1}
        if first_run_now and isinstance(trigger, IntervalTrigger):
            self._first_runs.append(job_id)
        elif first_run_now:
            options["next_run_time"] = datetime.now(UTC)
        self.scheduler.add_job(
            self._scheduled,
            trigger,
            args=[job_id],
            id=job_id,
            name=job_id,
            max_instances=1,
            coalesce=True,
            **options,
        )

    def add_service(self, service: Service) -> None:
        """Something that lasts as long as the worker (a listener); cancelled at shutdown."""
        self._services.append(service)

    def job_ids(self) -> list[str]:
        return list(self._jobs)

    @property
    def lease(self) -> timedelta:
        """How long a claim lives without a heartbeat before another worker takes it."""
        beat = self.runtime.settings.job_heartbeat_seconds
        return timedelta(seconds=beat * ticks.LEASE_HEARTBEATS)

    def start(self) -> None:
        self.scheduler.start()
        loop = asyncio.get_running_loop()
        self._service_tasks = [loop.create_task(service()) for service in self._services]
        self._keeper = loop.create_task(self._keep_claims(), name="job-claims")
        for job_id in self._first_runs:
            # The current grid cell's tick: skipped if another worker already ran it.
            self.tasks.spawn(self._scheduled(job_id), name=f"{job_id}:first")

    def next_run_time(self, job_id: str) -> datetime | None:
        job = self.scheduler.get_job(job_id)
        return job.next_run_time if job is not None else None

    def run_now(self, job_id: str, why: str = "manual") -> asyncio.Task[object] | None:
        """Run a job now in this process, or join its run already going on here (a job
        never runs twice at once in one process). None: stopping, or no such job."""
        if self.stop.is_set():
            return None
        current = self._running.get(job_id)
        if current is not None and not current.done():
            return current
        job = self._jobs.get(job_id)
        if job is None:
            log.info("no such job here; not run", extra={"job": job_id})
            return None
        task = self.tasks.spawn(self._run(job_id, job, why), name=job_id)
        self._running[job_id] = task
        task.add_done_callback(partial(self._finished, job_id))
        return task

    def _finished(self, job_id: str, task: asyncio.Task[object]) -> None:
        if self._running.get(job_id) is task:
            del self._running[job_id]

    async def _run(self, job_id: str, job: Job, why: str) -> object:
        try:
            return await job(why)
        except Exception:
            log.exception("scheduled job failed", extra={"job": job_id})
            current = asyncio.current_task()
            if current is not None:
                self._failed.add(current)
            return None

    def _on_submitted(self, event: JobSubmissionEvent) -> None:
        # Dispatched before the fire's coroutine first runs (same loop turn).
        self._fired_at[event.job_id] = event.scheduled_run_times[-1]

    async def _scheduled(self, job_id: str) -> None:
        fired = self._fired_at.pop(job_id, None) or datetime.now(UTC)
        tick = Tick(job_id, ticks.tick_of(self._triggers[job_id], fired))
        # APScheduler cancels its job tasks at shutdown; the claim and the run should
        # reach their next safe point instead (a claim made must be closed or handed
        # on), and shutdown waits for them.
        await asyncio.shield(self.tasks.spawn(self._claim_and_run(tick), name=job_id))

    async def _claim_and_run(self, tick: Tick) -> None:
        if self.stop.is_set():
            # A fire that raced shutdown: a claim now would only be handed on again.
            return
        try:
            won = await ticks.claim(self.runtime.engine, tick, self.worker_id)
        except Exception:
            log.exception("job tick not claimed (database?); not run", extra={"job": tick.job_id})
            return
        if not won:
            log.debug("tick run by another worker", extra={"job": tick.job_id, "tick": tick.at})
            return
        await self._claimed(tick, "schedule")

    def _run_claimed(self, tick: Tick, why: str) -> asyncio.Task[None]:
        return self.tasks.spawn(self._claimed(tick, why), name=f"{tick.job_id}@{tick.at}")

    async def _claimed(self, tick: Tick, why: str) -> None:
        """Run a claimed tick (or join the job's run going on here), then close the
        claim — or, when this worker is stopping, hand it to the next worker."""
        self._held.add(tick)
        try:
            task = self.run_now(tick.job_id, why)
            if task is not None:
                await asyncio.gather(task, return_exceptions=True)
        finally:
            self._held.discard(tick)
        engine = self.runtime.engine
        try:
            if task is None or self.stop.is_set():
                await ticks.release(engine, tick, self.worker_id)
            elif not await ticks.finish(
                engine, tick, self.worker_id, "failed" if task in self._failed else "done"
            ):
                log.warning("job tick was taken over while it ran", extra={"job": tick.job_id})
        except Exception:
            # Left open, the claim goes stale and another worker runs the tick again.
            log.exception("job tick not closed", extra={"job": tick.job_id})

    async def _keep_claims(self) -> None:
        """Every heartbeat: renew this worker's claims, take over stale ones of jobs it
        has, announce itself; hourly, prune old ticks. Ends when cancelled."""
        pruned_at: datetime | None = None
        while True:
            try:
                await self._beat()
                now = datetime.now(UTC)
                if pruned_at is None or now - pruned_at > timedelta(hours=1):
                    await ticks.prune(self.runtime.engine)
                    pruned_at = now
            except Exception:
                log.exception("job claims not kept this beat (database or redis?)")
            await asyncio.sleep(self.runtime.settings.job_heartbeat_seconds)

    async def _beat(self) -> None:
        engine, lease = self.runtime.engine, self.lease
        # Only ticks held before the renewal can have been lost: one claimed while it
        # ran is not in its answer yet.
        held = set(self._held)
        still_ours = await ticks.heartbeat(engine, self.worker_id)
        for lost in (held & self._held) - still_ours:
            log.warning("job tick taken over by another worker", extra={"job": lost.job_id})
        if not self.stop.is_set():
            for tick, superseded in await ticks.take_over(
                engine, self.worker_id, self.job_ids(), lease
            ):
                if superseded:
                    await ticks.finish(engine, tick, self.worker_id, "superseded")
                    continue
                log.warning(
                    "taking over a job tick whose worker stopped heartbeating",
                    extra={"job": tick.job_id, "tick": tick.at},
                )
                self._run_claimed(tick, "takeover")
        await ticks.announce(
            self.runtime.cache,
            self.worker_id,
            {
                "id": self.worker_id,
                "host": socket.gethostname(),
                "started_at": self.started_at,
                "jobs": self.job_ids(),
                "running": sorted(self._running),
                "holding": [
                    {"job": t.job_id, "tick": t.at}
                    for t in sorted(self._held, key=lambda t: (t.job_id, t.at))
                ],
            },
            lease,
        )

    async def shutdown(self) -> None:
        """Stop scheduling and listening; let running jobs finish their current batch."""
        self.stop.set()
        # A shutdown that takes long is explained by the jobs it waits for.
        log.info("worker stopping", extra={"waiting_for": sorted(self._running)})
        if self.runtime.worker is self:
            self.runtime.worker = None
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        for task in self._service_tasks:
            task.cancel()
        await asyncio.gather(*self._service_tasks, return_exceptions=True)
        await self.tasks.close()
        # Claims are renewed until the runs above have closed them.
        if self._keeper is not None:
            self._keeper.cancel()
            await asyncio.gather(self._keeper, return_exceptions=True)
        await ticks.retire(self.runtime.cache, self.worker_id)

    async def run_until_stopped(self) -> None:
        await self.stop.wait()
        await self.shutdown()
