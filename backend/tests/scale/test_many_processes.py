"""Many processes, one truth: three `psp worker`s and two `psp serve`s on one database.

Real processes against the session's PostgreSQL and Redis and the sandboxes over HTTP.
Over several sync intervals: no source is synced twice at once, each fire of a job is
claimed once (job_ticks), the daily jobs run once; a worker killed (SIGKILL) while it
holds a sync is taken over by another within one interval; the data equals the
sandbox's truth; a session made through one API process works on the other.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from psp_dashboard.cache import Cache
from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.config import SandboxConfig
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.ticks import live_workers
from tests.support.auth import TEST_PASSWORD, ensure_test_user, role_email
from tests.sync.conftest import SMALL_WORLD, assert_matches_truth, truth_totals

BACKEND = Path(__file__).resolve().parents[2]
INTERVAL = 5  # SYNC_INTERVAL_SECONDS
HEARTBEAT = 1.0  # JOB_HEARTBEAT_SECONDS: a claim is stale after 3 s
# Process start-up and scheduling on a busy 2-CPU machine, on top of the interval.
SLACK = 2.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Proc:
    name: str
    process: asyncio.subprocess.Process
    log: Path

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:]


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    with sandbox_thread(SandboxConfig(world=SMALL_WORLD)) as handle:
        yield handle


def daily_time() -> datetime:
    """The first whole minute at least 25 s away: the daily jobs' fire time in this
    test (cron fires on minutes; the processes need a few seconds to start)."""
    soonest = datetime.now(UTC) + timedelta(seconds=25)
    minute = soonest.replace(second=0, microsecond=0)
    return minute if minute == soonest else minute + timedelta(minutes=1)


def environment(
    database_url: str, runtime: Runtime, prefix: str, sandbox: SandboxHandle, daily: datetime
) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("VIMA_", "PAYSHACK_", "DATABASE_", "REDIS_", "RECON_", "SYNC_"))
    }
    creds = sandbox.credentials
    at = daily.strftime("%H:%M")
    env.update(
        {
            "DATABASE_URL": database_url,
            "REDIS_URL": runtime.redis_url,
            "REDIS_KEY_PREFIX": prefix,
            "VIMA_BASE_URL": sandbox.vima_base_url,
            "VIMA_API_KEY": creds.vima_apikey,
            "PAYSHACK_BASE_URL": sandbox.payshack_base_url,
            "PAYSHACK_API_URL": sandbox.payshack_base_url,
            "PAYSHACK_EMAIL": creds.payshack_email,
            "PAYSHACK_PASSWORD": creds.payshack_pass,
            "PAYSHACK_PAGE_PAUSE_MS": "0",
            # Small batches: the killed sync has committed some, the next one resumes.
            "SYNC_BATCH_ROWS": "200",
            "SYNC_INTERVAL_SECONDS": str(INTERVAL),
            "JOB_HEARTBEAT_SECONDS": str(HEARTBEAT),
            "RECON_TIMEZONE": "UTC",
            "RECON_SCHEDULE": at,
            "PAYSHACK_REREAD_SCHEDULE": at,
            "LOG_LEVEL": "INFO",
        }
    )
    return env


@pytest.fixture
async def processes(tmp_path: Path) -> AsyncIterator[list[Proc]]:
    """Processes the test starts; each in a session of its own, all gone afterwards."""
    started: list[Proc] = []
    yield started
    for proc in started:
        if proc.process.returncode is None:
            os.killpg(proc.process.pid, signal.SIGTERM)
    for proc in started:
        try:
            async with asyncio.timeout(30):
                await proc.process.wait()
        except TimeoutError:
            os.killpg(proc.process.pid, signal.SIGKILL)
            await proc.process.wait()


async def start(
    started: list[Proc], tmp_path: Path, name: str, args: list[str], env: dict[str, str]
) -> Proc:
    log = tmp_path / f"{name}.log"
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "psp_dashboard.cli",
            *args,
            cwd=BACKEND,
            env=env,
            stdout=sink,
            stderr=sink,
            start_new_session=True,
        )
    proc = Proc(name, process, log)
    started.append(proc)
    return proc


async def until(
    predicate: Callable[[], Awaitable[Any]], limit_s: float, why: str, procs: list[Proc]
) -> Any:
    """Poll a condition nothing announces (a database row, a port), with a deadline."""
    try:
        async with asyncio.timeout(limit_s):
            while not (value := await predicate()):
                await asyncio.sleep(0.1)
            return value
    except TimeoutError:
        logs = "\n".join(f"--- {p.name}\n{p.tail()}" for p in procs)
        raise AssertionError(f"timed out waiting for {why}\n{logs}") from None


async def rows(runtime: Runtime, sql: str, **params: Any) -> list[Any]:
    async with runtime.engine.connect() as conn:
        return list(await conn.execute(text(sql), params))


async def payin_totals(runtime: Runtime) -> list[Any]:
    """PayShack's stored pay-ins as the truth counts them (its pay-outs, stored under
    the same source with ids `payout:…`, are another stream), and no duplicates."""
    found = await rows(
        runtime,
        "SELECT (created_at AT TIME ZONE 'UTC')::date, project, status, COUNT(*), SUM(amount), "
        "COUNT(*) - COUNT(DISTINCT source_id) FROM transactions "
        "WHERE source = 'payshack' AND source_id NOT LIKE 'payout:%' "
        "GROUP BY 1, 2, 3 ORDER BY 1, COALESCE(project, ''), 3",
    )
    assert all(r[5] == 0 for r in found)
    return [(r[0], r[1], r[2], int(r[3]), Decimal(r[4])) for r in found]


async def healthy(url: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as http:
            return (await http.get(f"{url}/api/v1/health")).status_code == 200
    except httpx.HTTPError:
        return False


async def test_three_workers_two_apis_one_truth(
    clean_db: Runtime,
    database_url: str,
    sandbox: SandboxHandle,
    processes: list[Proc],
    tmp_path: Path,
) -> None:
    runtime = clean_db
    prefix = f"{runtime.settings.redis_key_prefix}scale:{uuid.uuid4().hex[:6]}:"
    daily = daily_time()
    env = environment(database_url, runtime, prefix, sandbox, daily)
    # Slow Vima down so its first sync is still running when a worker is killed.
    sandbox.faults.vima.update(delay_ms=400)

    workers = [await start(processes, tmp_path, f"worker{i}", ["worker"], env) for i in (1, 2, 3)]
    api_ports = free_port(), free_port()
    apis = [
        await start(
            processes,
            tmp_path,
            "api-multi",
            ["serve", "--no-migrate", "--port", str(api_ports[0]), "--workers", "2"],
            env,
        ),
        await start(
            processes,
            tmp_path,
            "api-single",
            ["serve", "--no-migrate", "--port", str(api_ports[1])],
            env,
        ),
    ]
    urls = [f"http://127.0.0.1:{port}" for port in api_ports]

    # --- kill -9 the worker holding the running Vima sync
    async def vima_holder() -> str | None:
        found = await rows(
            runtime,
            "SELECT t.claimed_by FROM job_ticks t WHERE t.job_id = 'sync:vima' "
            "AND t.finished_at IS NULL AND EXISTS (SELECT 1 FROM sync_runs r "
            "WHERE r.source = 'vima' AND r.status = 'running') "
            # a batch of it is in: the run that takes over resumes, not restarts
            "AND EXISTS (SELECT 1 FROM transactions WHERE source = 'vima') "
            "ORDER BY t.tick_at LIMIT 1",
        )
        return str(found[0][0]) if found else None

    holder = await until(vima_holder, 60, "a worker running the Vima sync", processes)
    holder_pid = int(holder.split(":")[1])
    victim = next(w for w in workers if w.process.pid == holder_pid)
    killed_tick = (
        await rows(
            runtime,
            "SELECT tick_at FROM job_ticks WHERE job_id = 'sync:vima' AND claimed_by = :w "
            "AND finished_at IS NULL",
            w=holder,
        )
    )[0][0]
    os.kill(holder_pid, signal.SIGKILL)
    killed_at = datetime.now(UTC)
    await victim.process.wait()
    sandbox.faults.vima.update(delay_ms=0)

    async def vima_resumed() -> Any:
        found = await rows(
            runtime,
            "SELECT started_at, finished_at FROM sync_runs WHERE source = 'vima' "
            "AND kind = 'incremental' AND status = 'success' AND started_at > :k "
            "ORDER BY started_at LIMIT 1",
            k=killed_at,
        )
        return found[0] if found else None

    resumed_started, resumed_finished = await until(
        vima_resumed, 30, "another worker to finish the Vima sync", processes
    )
    # Another worker took it up within one interval (the next tick's run or the
    # takeover of the dead worker's claim, whichever came first).
    assert (resumed_started - killed_at).total_seconds() <= INTERVAL + SLACK
    assert (resumed_finished - killed_at).total_seconds() <= 2 * INTERVAL + SLACK

    async def killed_tick_closed() -> Any:
        found = await rows(
            runtime,
            "SELECT claimed_by, outcome, takeovers FROM job_ticks "
            "WHERE job_id = 'sync:vima' AND tick_at = :t AND finished_at IS NOT NULL",
            t=killed_tick,
        )
        return found[0] if found else None

    taker, outcome, takeovers = await until(
        killed_tick_closed, 3 * INTERVAL, "the dead worker's claim taken over", processes
    )
    assert taker != holder and takeovers == 1 and outcome in ("done", "superseded")

    # --- both API processes answer, and share a session
    for url in urls:
        await until(lambda url=url: healthy(url), 60, f"{url} to answer", processes)
    await ensure_test_user(runtime, "admin")
    async with httpx.AsyncClient(timeout=10) as http:
        login = await http.post(
            f"{urls[0]}/api/v1/auth/login",
            json={"email": role_email("admin"), "password": TEST_PASSWORD},
        )
        assert login.status_code == 200, login.text
        cookie = "; ".join(f"{k}={v}" for k, v in login.cookies.items())
        http.cookies.clear()
        me = await http.get(f"{urls[1]}/api/v1/auth/me", headers={"Cookie": cookie})
        assert me.status_code == 200, me.text
        assert me.json()["data"]["email"] == role_email("admin")
        anonymous = await http.get(f"{urls[1]}/api/v1/auth/me")
        assert anonymous.status_code == 401

    # --- the daily jobs fire (on every worker) and run once, then a few more ticks
    async def dailies_done() -> bool:
        found = await rows(
            runtime,
            "SELECT COUNT(*) FROM job_ticks WHERE job_id IN ('recon:daily', 'payshack:reread') "
            "AND finished_at IS NOT NULL",
        )
        return bool(found[0][0] == 2)

    limit = (daily - datetime.now(UTC)).total_seconds() + 30
    await until(dailies_done, limit, "the daily jobs", processes)
    ticks_then = (await rows(runtime, "SELECT COUNT(*) FROM job_ticks WHERE job_id = 'sync:vima'"))[
        0
    ][0]

    async def two_more_ticks() -> bool:
        found = await rows(runtime, "SELECT COUNT(*) FROM job_ticks WHERE job_id = 'sync:vima'")
        return bool(found[0][0] >= ticks_then + 2)

    await until(two_more_ticks, 3 * INTERVAL + SLACK, "two more sync ticks", processes)
    cache = Cache(runtime.cache.redis, prefix=prefix)
    live = await live_workers(cache)
    assert sorted(w["id"].split(":")[1] for w in live) == sorted(
        str(w.process.pid) for w in workers if w is not victim
    )

    for proc in [*workers, *apis]:
        if proc.process.returncode is None:
            os.killpg(proc.process.pid, signal.SIGTERM)
    for proc in [*workers, *apis]:
        async with asyncio.timeout(60):
            await proc.process.wait()

    # --- one truth
    # No source ever synced twice at once (all kinds share the source's lock).
    for source in ("vima", "payshack"):
        runs = await rows(
            runtime,
            "SELECT started_at, finished_at, status FROM sync_runs WHERE source = :s "
            "ORDER BY started_at",
            s=source,
        )
        assert len(runs) >= 2, source
        for earlier, later in pairwise(runs):
            assert earlier.finished_at is not None, (source, earlier)
            assert earlier.finished_at <= later.started_at, (source, earlier, later)
    # Each fire ran at most once: the scheduled runs fit in the claimed ticks, the
    # ticks sit on the interval's grid, and the daily jobs ran once.
    ticks = await rows(runtime, "SELECT tick_at FROM job_ticks WHERE job_id = 'sync:vima'")
    assert len(ticks) >= 6
    assert all(t.tick_at.timestamp() % INTERVAL == 0 for t in ticks)
    scheduled_runs = (
        await rows(
            runtime,
            "SELECT COUNT(*) FROM sync_runs WHERE source = 'vima' AND kind = 'incremental' "
            "AND params->>'trigger' IN ('schedule', 'takeover')",
        )
    )[0][0]
    assert 2 <= scheduled_runs <= len(ticks)
    dailies = await rows(
        runtime,
        "SELECT job_id, tick_at, outcome FROM job_ticks "
        "WHERE job_id IN ('recon:daily', 'payshack:reread') ORDER BY job_id",
    )
    assert [(d.job_id, d.tick_at, d.outcome) for d in dailies] == [
        ("payshack:reread", daily, "done"),
        ("recon:daily", daily, "done"),
    ]
    recon_runs = await rows(
        runtime,
        "SELECT COUNT(*) FROM reconciliation_runs WHERE settings->>'trigger' = 'schedule'",
    )
    rereads = await rows(runtime, "SELECT COUNT(*) FROM sync_runs WHERE kind = 'reread'")
    assert recon_runs[0][0] == 1 and rereads[0][0] == 1
    # Every claim was closed, or handed on by a worker stopping mid-run (released).
    held = await rows(
        runtime,
        "SELECT job_id, claimed_by FROM job_ticks "
        "WHERE finished_at IS NULL AND heartbeat_at > '-infinity'",
    )
    assert held == []
    await assert_matches_truth(runtime, sandbox, "vima")
    assert await payin_totals(runtime) == truth_totals(sandbox, "payshack")
