"""The worker: runs of a job in one process, shutdown, the domains' jobs, `psp worker`."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from psp_dashboard.jobs import build_worker
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.scheduler import trigger_channel
from psp_dashboard.worker import Worker

BACKEND = Path(__file__).resolve().parents[2]
HOURLY = IntervalTrigger(hours=1)


class Gate:
    """A job that runs until let through (or until the worker stops, if it listens)."""

    def __init__(self, stop: asyncio.Event | None = None) -> None:
        self.stop = stop
        self.calls: list[str] = []
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, why: str) -> str:
        self.calls.append(why)
        self.started.set()
        waits = [asyncio.ensure_future(self.release.wait())]
        if self.stop is not None:
            waits.append(asyncio.ensure_future(self.stop.wait()))
        _, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for waiting in pending:
            waiting.cancel()
        return "stopped" if self.stop is not None and self.stop.is_set() else "done"


async def test_a_second_run_now_joins_the_run_going_on(runtime: Runtime) -> None:
    worker = Worker(runtime)
    gate = Gate()
    worker.add_job("gate", HOURLY, gate)
    first = worker.run_now("gate")
    second = worker.run_now("gate")
    assert first is not None and first is second
    gate.release.set()
    assert await first == "done"
    assert gate.calls == ["manual"]
    third = worker.run_now("gate")
    assert third is not None and third is not first
    await third
    await worker.shutdown()


async def test_shutdown_stops_the_runs_and_waits_for_them(runtime: Runtime) -> None:
    worker = Worker(runtime)
    gate = Gate(worker.stop)
    worker.add_job("gate", HOURLY, gate, first_run_now=True)
    listening = asyncio.Event()
    cancelled = asyncio.Event()

    async def listener() -> None:
        listening.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    worker.add_service(listener)
    runtime.worker = worker
    try:
        worker.start()
        async with asyncio.timeout(30):
            await gate.started.wait()
            await listening.wait()
        run = worker.run_now("gate")  # the scheduled run, joined
        assert run is not None and gate.calls == ["schedule"]
        await worker.shutdown()
    finally:
        runtime.worker = None
    assert run.done() and run.result() == "stopped"
    assert cancelled.is_set() and not worker.scheduler.running
    assert worker.run_now("gate") is None  # stopped: nothing new starts


async def test_shutdown_hands_triggers_back_to_the_api(runtime: Runtime) -> None:
    worker = Worker(runtime)
    runtime.worker = worker
    try:
        await worker.shutdown()
        assert runtime.worker is None
    finally:
        runtime.worker = None


async def test_a_failing_job_is_logged_not_raised(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(_: str) -> None:
        raise RuntimeError("boom")

    worker = Worker(runtime)
    worker.add_job("broken", HOURLY, broken)
    run = worker.run_now("broken")
    assert run is not None and await run is None
    assert "scheduled job failed" in caplog.text
    assert worker.run_now("no-such-job") is None
    await worker.shutdown()


def test_each_domain_registers_its_jobs(runtime: Runtime) -> None:
    """Sources without endpoints get no sync job; the rest is there."""
    jobs = build_worker(runtime).job_ids()
    assert set(jobs) == {
        "payshack:clients",
        "payshack:reread",
        "recon:daily",
        "alerts:evaluate",
        "alerts:deliver",
        "reports:tick",
    }


def test_daily_jobs_run_late_rather_than_skip_a_day(runtime: Runtime) -> None:
    """APScheduler drops a run that starts more than its grace after its time; a busy
    event loop at 02:00 must not skip that day's reconciliation or re-read."""
    worker = build_worker(runtime)
    for job_id in ("recon:daily", "payshack:reread"):
        job = worker.scheduler.get_job(job_id)
        assert job is not None and job.misfire_grace_time is None, job_id


async def test_psp_worker_listens_then_stops_on_sigterm(
    clean_db: Runtime, database_url: str, tmp_path: Path
) -> None:
    # On empty tables: what an earlier test left would give the new worker's first jobs
    # work of a size this test is not about.
    runtime = clean_db
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VIMA_", "PAYSHACK_", "DATABASE_", "REDIS_"))
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": runtime.redis_url,
            "REDIS_KEY_PREFIX": runtime.settings.redis_key_prefix,
        }
    )
    # Its log goes to a file: an unread pipe fills up and blocks the worker's writes,
    # which would hold up the very shutdown this test waits for.
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log_file:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "psp_dashboard.cli",
            "worker",
            cwd=BACKEND,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log_file,
            start_new_session=True,
        )
    channel = trigger_channel(runtime)

    async def listeners() -> int:
        counts = await runtime.cache.redis.pubsub_numsub(channel)
        return int(counts[0][1])

    def log_tail() -> str:
        return log_path.read_text(errors="replace")[-4000:]

    try:
        async with asyncio.timeout(120):
            while await listeners() == 0:
                assert proc.returncode is None, log_tail()
                await asyncio.sleep(0.1)  # nothing announces the subscription
        proc.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(60):
                returncode = await proc.wait()
        except TimeoutError:
            pytest.fail(f"psp worker did not exit within 60 s of SIGTERM:\n{log_tail()}")
    finally:
        if proc.returncode is None:
            os.killpg(proc.pid, signal.SIGKILL)
            await proc.wait()
    assert returncode == 0, log_tail()
    assert await listeners() == 0
    assert '"worker stopping"' in log_tail()
