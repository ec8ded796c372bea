"""The scheduled daily run: yesterday, at RECON_SCHEDULE in RECON_TIMEZONE.

`register_jobs` puts `run_scheduled` on the worker with that daily trigger;
`next_fire_time` states the same schedule as a function (status pages, tests).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from psp_dashboard.auth.deps import SYSTEM
from psp_dashboard.config import Settings
from psp_dashboard.errors import Conflict
from psp_dashboard.reconciliation.runs import RunOutcome, run_day, today_in
from psp_dashboard.runtime import Runtime
from psp_dashboard.worker import Worker, daily_at

log = logging.getLogger(__name__)


def next_fire_time(settings: Settings, now: datetime | None = None) -> datetime:
    """The next RECON_SCHEDULE wall-clock time in RECON_TIMEZONE after `now`, in UTC.

    Wall-clock: on a DST change day the run still happens at 02:00 local. A time that
    does not exist that day (skipped by a spring-forward) is read with the offset
    before the change, i.e. it fires as soon as the clock has jumped past it.
    """
    tz = ZoneInfo(settings.recon_timezone)
    current = (now or datetime.now(UTC)).astimezone(tz)
    day = current.date()
    while True:
        candidate = datetime.combine(day, settings.recon_schedule, tzinfo=tz)
        # Round trip through UTC: normalizes a non-existent local time.
        fire = candidate.astimezone(UTC)
        if fire > current.astimezone(UTC):
            return fire
        day += timedelta(days=1)


async def run_scheduled(runtime: Runtime) -> RunOutcome | None:
    """Reconcile yesterday (RECON_TIMEZONE) as the system; a run already going on for
    that day (someone started it by hand) is left to finish, not repeated."""
    day = today_in(runtime.settings) - timedelta(days=1)
    try:
        outcome = await run_day(runtime, day, SYSTEM, trigger="schedule")
    except Conflict:
        log.info("scheduled reconciliation skipped: already running", extra={"date": str(day)})
        return None
    log.info(
        "scheduled reconciliation finished",
        extra={"date": day.isoformat(), "status": outcome.status, "run_id": str(outcome.run_id)},
    )
    return outcome


def register_jobs(worker: Worker) -> None:
    settings = worker.runtime.settings
    worker.add_job(
        "recon:daily",
        daily_at(settings.recon_schedule, settings.recon_timezone),
        lambda _: run_scheduled(worker.runtime),
        run_late=True,  # a busy second at 02:00 must not skip the day's reconciliation
    )
