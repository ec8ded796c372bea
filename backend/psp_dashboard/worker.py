"""The worker: owns a process's scheduled jobs, their runs, its listeners and shutdown.

`psp worker` runs one alone and `psp run` one beside the API; `psp serve` has none (a
sync triggered there goes to a worker over Redis, see sync/scheduler.py). Each domain
registers its own jobs on it (`register_jobs(worker)`, listed in jobs.py), so this
module knows no domain.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime, time
from functools import partial
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from psp_dashboard.background import BackgroundTasks
from psp_dashboard.runtime import Runtime

log = logging.getLogger(__name__)

Job = Callable[[str], Awaitable[object]]
"""One run of a job, told why it runs: "schedule" (its trigger fired) or "manual"."""
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
        loop was busy) still happens; otherwise APScheduler skips it after a second."""
        self._jobs[job_id] = job
        options: dict[str, Any] = {"misfire_grace_time": None if run_late else 1}
        if first_run_now:
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

    def start(self) -> None:
        self.scheduler.start()
        loop = asyncio.get_running_loop()
        self._service_tasks = [loop.create_task(service()) for service in self._services]

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
            return None

    async def _scheduled(self, job_id: str) -> None:
        task = self.run_now(job_id, "schedule")
        if task is not None:
            # APScheduler cancels its job tasks at shutdown; the run itself should
            # reach its next safe point instead, and shutdown waits for it.
            await asyncio.shield(task)

    async def shutdown(self) -> None:
        """Stop scheduling and listening; let running jobs finish their current batch."""
        self.stop.set()
        if self.runtime.worker is self:
            self.runtime.worker = None
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        for task in self._service_tasks:
            task.cancel()
        await asyncio.gather(*self._service_tasks, return_exceptions=True)
        await self.tasks.close()

    async def run_until_stopped(self) -> None:
        await self.stop.wait()
        await self.shutdown()
