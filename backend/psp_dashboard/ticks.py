"""Job ticks: each scheduled fire of a job runs once across every worker process.

Any number of `psp worker` processes schedule the same jobs. Each fire of a job has a
tick — for an interval job the fire time on the interval's grid from the epoch, for a
daily (cron) job its scheduled time — so every worker names the same fire alike
whatever second its own clock fired it. Before running, a worker claims (job, tick)
in `job_ticks` (migration 0018) with INSERT … ON CONFLICT DO NOTHING: only the
claimer runs it.

The claimer heartbeats its claims while they run. A claim not finished whose heartbeat
is older than the lease (its worker was killed, or lost the database) is stale: the
next worker to look takes it over and runs the job again — jobs are idempotent (a
sync resumes from its watermark; its advisory lock died with the killed session).

Each worker also announces itself in Redis (`workers:<id>`, expiring with the lease),
so operations can list the live workers and what they hold.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from psp_dashboard.cache import Cache

log = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# How long finished claims are kept (the history a person may look at); pruned hourly.
KEEP_TICKS = timedelta(days=7)
# A claim is stale after this many missed heartbeats.
LEASE_HEARTBEATS = 3
WORKERS_KEY = "workers:"

Outcome = Literal["done", "failed", "superseded"]


@dataclass(frozen=True)
class Tick:
    job_id: str
    at: datetime


def new_worker_id() -> str:
    """host:pid:random — unique even when a pid is reused after a restart."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def on_grid(trigger: IntervalTrigger) -> IntervalTrigger:
    """The same interval, firing on its grid from the epoch (12:00:00, 12:00:30, …)
    rather than from the second this process started: every worker fires together."""
    return IntervalTrigger(
        seconds=trigger.interval_length,
        start_date=EPOCH,
        end_date=trigger.end_date,
        timezone=UTC,
        jitter=trigger.jitter,
    )


def tick_of(trigger: BaseTrigger, fired: datetime) -> datetime:
    """The tick a fire at `fired` (its scheduled time) belongs to: the start of its
    grid cell for an interval trigger (a first run at start-up joins the current cell,
    which another worker may already have run), the scheduled second otherwise."""
    fired = fired.astimezone(UTC)
    if isinstance(trigger, IntervalTrigger):
        period = trigger.interval_length
        cell = math.floor((fired - EPOCH).total_seconds() / period)
        return EPOCH + timedelta(seconds=cell * period)
    return fired.replace(microsecond=0)


async def claim(engine: AsyncEngine, tick: Tick, worker_id: str) -> bool:
    """True when this worker won the tick; False when another already has it."""
    async with engine.begin() as conn:
        row = await conn.execute(
            text(
                "INSERT INTO job_ticks (job_id, tick_at, claimed_by) VALUES (:j, :t, :w) "
                "ON CONFLICT DO NOTHING RETURNING 1"
            ),
            {"j": tick.job_id, "t": tick.at, "w": worker_id},
        )
        return row.first() is not None


async def finish(engine: AsyncEngine, tick: Tick, worker_id: str, outcome: Outcome) -> bool:
    """Close the claim; False when it is no longer ours (taken over meanwhile)."""
    async with engine.begin() as conn:
        row = await conn.execute(
            text(
                "UPDATE job_ticks SET finished_at = now(), outcome = :o "
                "WHERE job_id = :j AND tick_at = :t AND claimed_by = :w "
                "AND finished_at IS NULL RETURNING 1"
            ),
            {"j": tick.job_id, "t": tick.at, "w": worker_id, "o": outcome},
        )
        return row.first() is not None


async def release(engine: AsyncEngine, tick: Tick, worker_id: str) -> None:
    """Give an unfinished claim up (this worker is stopping): stale at once, so the
    next worker to look takes it over without waiting for the lease."""
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE job_ticks SET heartbeat_at = '-infinity' "
                "WHERE job_id = :j AND tick_at = :t AND claimed_by = :w "
                "AND finished_at IS NULL"
            ),
            {"j": tick.job_id, "t": tick.at, "w": worker_id},
        )


async def heartbeat(engine: AsyncEngine, worker_id: str) -> set[Tick]:
    """Renew every unfinished claim of this worker; returns those still ours. A claim
    it released (stopping) stays released: renewing it would hide it from take-over."""
    async with engine.begin() as conn:
        rows = await conn.execute(
            text(
                "UPDATE job_ticks SET heartbeat_at = now() "
                "WHERE claimed_by = :w AND finished_at IS NULL "
                "AND heartbeat_at > '-infinity' RETURNING job_id, tick_at"
            ),
            {"w": worker_id},
        )
        return {Tick(r[0], r[1]) for r in rows}


async def take_over(
    engine: AsyncEngine, worker_id: str, job_ids: list[str], lease: timedelta
) -> list[tuple[Tick, bool]]:
    """Claim the stale ticks of jobs this worker has; each with whether a later tick
    of its job was claimed since (then the later run did the work: nothing to redo).
    SKIP LOCKED: two workers looking at once take different ticks, never the same."""
    if not job_ids:
        return []
    async with engine.begin() as conn:
        rows = await conn.execute(
            text(
                "WITH stale AS ("
                "  SELECT job_id, tick_at FROM job_ticks"
                "  WHERE finished_at IS NULL AND heartbeat_at < now() - CAST(:lease AS interval)"
                "  AND job_id = ANY(:jobs)"
                "  ORDER BY tick_at LIMIT 20 FOR UPDATE SKIP LOCKED"
                ") "
                "UPDATE job_ticks t SET claimed_by = :w, heartbeat_at = now(), "
                "takeovers = t.takeovers + 1 "
                "FROM stale WHERE t.job_id = stale.job_id AND t.tick_at = stale.tick_at "
                "RETURNING t.job_id, t.tick_at, EXISTS ("
                "  SELECT 1 FROM job_ticks later"
                "  WHERE later.job_id = t.job_id AND later.tick_at > t.tick_at)"
            ),
            {"w": worker_id, "jobs": job_ids, "lease": lease},
        )
        return [(Tick(r[0], r[1]), bool(r[2])) for r in rows]


async def prune(engine: AsyncEngine, keep: timedelta = KEEP_TICKS) -> int:
    """Forget ticks older than `keep` (finished or not: a week-old claim is history)."""
    async with engine.begin() as conn:
        result = await conn.execute(
            text("DELETE FROM job_ticks WHERE tick_at < now() - CAST(:keep AS interval)"),
            {"keep": keep},
        )
        return int(result.rowcount or 0)


def worker_key(cache: Cache, worker_id: str) -> str:
    return f"{cache.prefix}{WORKERS_KEY}{worker_id}"


async def announce(cache: Cache, worker_id: str, info: dict[str, Any], lease: timedelta) -> None:
    """This worker is alive (until the lease runs out without another announcement)."""
    try:
        await cache.redis.set(
            worker_key(cache, worker_id),
            json.dumps(info, default=str),
            px=max(1, int(lease.total_seconds() * 1000)),
        )
    except (RedisError, OSError) as exc:
        log.warning("worker announcement failed", extra={"error": type(exc).__name__})


async def retire(cache: Cache, worker_id: str) -> None:
    # Not deleted: the key expires with the lease anyway.
    with contextlib.suppress(RedisError, OSError):
        await cache.redis.delete(worker_key(cache, worker_id))


async def live_workers(cache: Cache) -> list[dict[str, Any]]:
    """Every worker announced within its lease, ordered by id."""
    pattern = f"{cache.prefix}{WORKERS_KEY}*"
    found: list[dict[str, Any]] = []
    async for key in cache.redis.scan_iter(match=pattern, count=200):
        raw = await cache.redis.get(key)
        if raw is not None:
            found.append(json.loads(raw))
    return sorted(found, key=lambda w: str(w.get("id")))
