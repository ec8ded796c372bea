"""Demo catch-up: reconcile the seeded days once the first syncs are in.

A fresh demo holds 30 days of synced data and no reconciliation at all, so its first
visitor would see an empty Reconciliation page until 02:00. At `psp run` start this task
waits until every configured source has completed a sync, then reconciles each day with
data that has no current run yet, newest first (yesterday is ready first), as the
system. Exactly once across processes: the work holds a session advisory lock
(`kit/locks.py`); a process that does not get it leaves the work to the holder. Progress
is kept in Redis so every process answers `GET /reconciliation/catch-up` alike.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import text

from psp_dashboard.auth.principal import SYSTEM
from psp_dashboard.errors import Conflict
from psp_dashboard.kit.locks import session_lock
from psp_dashboard.reconciliation.runs import run_day, today_in
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.service import endpoints_of

log = logging.getLogger(__name__)

LOCK_NAME = "reconciliation:catch-up"
STATE_KEY = "recon:catch-up"
STATE_TTL = 7 * 24 * 3600
SYNC_POLL_SECONDS = 2.0

State = Literal["idle", "waiting_for_sync", "running", "done"]


class CatchUpProgress(BaseModel):
    state: State = Field(
        description="idle: none started (not a demo); waiting_for_sync: until every "
        "configured source completed a sync; running; done"
    )
    total_days: int = Field(description="Days to reconcile (with data, no current run)")
    done_days: int = Field(description="Days reconciled so far (or skipped: already running)")
    current_date: str | None = Field(description="The day being reconciled (YYYY-MM-DD)")


class CatchUpEnvelope(BaseModel):
    data: CatchUpProgress


def progress(
    state: State, total: int = 0, done: int = 0, current: date | None = None
) -> dict[str, Any]:
    return {
        "state": state,
        "total_days": total,
        "done_days": done,
        "current_date": None if current is None else current.isoformat(),
    }


async def read_progress(runtime: Runtime) -> dict[str, Any]:
    """The catch-up's progress; `idle` when none was started (not a demo, or Redis
    forgot it)."""
    value = await runtime.cache.get_json(STATE_KEY)
    return value if isinstance(value, dict) else progress("idle")


async def _publish(runtime: Runtime, value: dict[str, Any]) -> None:
    await runtime.cache.set_json(STATE_KEY, value, STATE_TTL)


async def first_syncs_done(runtime: Runtime) -> bool:
    """Every configured source has completed at least one sync."""
    sources = [s for s in ("vima", "payshack") if endpoints_of(runtime).configured(s)]
    async with runtime.engine.connect() as conn:
        synced = {
            row[0]
            for row in await conn.execute(
                text("SELECT source FROM sync_state WHERE last_successful_sync IS NOT NULL")
            )
        }
    return all(source in synced for source in sources)


async def days_to_reconcile(runtime: Runtime) -> list[date]:
    """Days before today (RECON_TIMEZONE) with transactions and no current run, newest
    first. Read from the 30-minute rollup (a few thousand rows, not the table)."""
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            text(
                """
                SELECT DISTINCT (b.bucket AT TIME ZONE :tz)::date AS day
                FROM transaction_rollup b
                WHERE b.count > 0
                  AND (b.bucket AT TIME ZONE :tz)::date < :today
                  AND NOT EXISTS (
                      SELECT 1 FROM reconciliation_runs r
                      WHERE r.recon_date = (b.bucket AT TIME ZONE :tz)::date AND r.is_current)
                ORDER BY day DESC
                """
            ),
            {"tz": runtime.settings.recon_timezone, "today": today_in(runtime.settings)},
        )
        return [row[0] for row in rows]


async def catch_up(runtime: Runtime, stop: asyncio.Event) -> int:
    """Wait for the first syncs, reconcile the missing days; the number reconciled.
    Returns at once (0) when another process holds the work."""
    async with session_lock(runtime.engine, LOCK_NAME) as held:
        if held is None:
            log.info("reconciliation catch-up runs in another process")
            return 0
        await _publish(runtime, progress("waiting_for_sync"))
        while not await first_syncs_done(runtime):
            try:
                await asyncio.wait_for(stop.wait(), SYNC_POLL_SECONDS)
                return 0
            except TimeoutError:
                continue
        days = await days_to_reconcile(runtime)
        log.info("reconciliation catch-up started", extra={"days": len(days)})
        done = 0
        for day in days:
            if stop.is_set():
                return done
            await _publish(runtime, progress("running", len(days), done, day))
            try:
                outcome = await run_day(runtime, day, SYSTEM, trigger="catch-up")
                log.info(
                    "reconciliation catch-up day",
                    extra={"date": day.isoformat(), "status": outcome.status},
                )
            except Conflict:  # someone runs this day by hand: theirs counts
                log.info("catch-up day already running", extra={"date": day.isoformat()})
            except Exception:  # one day's failure must not leave the older days undone
                log.exception("reconciliation catch-up day failed", extra={"date": str(day)})
            done += 1
        await _publish(runtime, progress("done", len(days), done))
        log.info("reconciliation catch-up finished", extra={"days": done})
        return done
