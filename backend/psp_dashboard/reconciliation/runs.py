"""Running the reconciliation of a day: lock, run row, results, atomic switch, events.

A run of day D:
1. takes D's advisory lock (session level, on the connection that coordinates): a
   second run of D meanwhile gets Conflict (409) instead of interleaving its rows;
2. records the run as `running` (committed: the history shows it at once);
3. in the coordinating transaction: locks the day's current run, takes the coverage,
   exports its snapshot; the engine's shards classify and store the rows (each in its
   own transaction, reading that snapshot); then counts them, un-flags the previous
   current run and completes and flags this one. Readers only ever read completed runs,
   so they see the old run or the new one, never a mix;
4. on failure: deletes whatever rows the shards stored and records the failure, so the
   history says what happened and the previous run stays current.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from psp_dashboard.audit.service import record
from psp_dashboard.auth.principal import Principal
from psp_dashboard.cache import recon_summary_key
from psp_dashboard.config import Settings
from psp_dashboard.errors import Conflict, ValidationFailed
from psp_dashboard.events import publish
from psp_dashboard.kit.json import format_datetime
from psp_dashboard.kit.locks import session_lock
from psp_dashboard.kit.periods import check_date
from psp_dashboard.reconciliation import engine, repository
from psp_dashboard.reconciliation.engine import EngineParams, EngineResult
from psp_dashboard.runtime import Runtime

log = logging.getLogger(__name__)

RunStatus = Literal["completed", "failed"]
# Called inside the run's transaction just before it commits (tests inject failures).
BeforeCommit = Callable[[AsyncConnection], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RunOutcome:
    run_id: uuid.UUID
    day: date
    status: RunStatus
    message: str
    seconds: float
    summary: dict[str, Any] | None = None


def engine_params(settings: Settings) -> EngineParams:
    return EngineParams(
        timezone=settings.recon_timezone,
        projects=tuple(settings.recon_projects),
        grace=timedelta(minutes=settings.recon_grace_minutes),
        amount_tolerance=settings.recon_amount_tolerance,
        time_tolerance=timedelta(minutes=settings.recon_time_tolerance_minutes),
    )


def today_in(settings: Settings, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(ZoneInfo(settings.recon_timezone)).date()


@asynccontextmanager
async def day_lock(engine_: AsyncEngine, day: date) -> AsyncIterator[AsyncConnection]:
    """A connection holding D's session-level advisory lock (`kit.locks`), on which the
    run coordinates; Conflict when another run holds it."""
    async with session_lock(engine_, f"psp-recon:{day.isoformat()}") as conn:
        if conn is None:
            raise Conflict(
                f"A reconciliation of {day.isoformat()} is already running; try again when "
                "it has finished",
                {"field": "date", "reason": "run_in_progress", "received": day.isoformat()},
            )
        yield conn


def coverage_of(
    marks: repository.Watermarks, required: datetime
) -> tuple[Literal["complete", "partial"], dict[str, Any]]:
    complete = all(m is not None and m >= required for m in (marks.vima, marks.payshack))
    return ("complete" if complete else "partial"), {
        "vima": None if marks.vima is None else format_datetime(marks.vima),
        "payshack": None if marks.payshack is None else format_datetime(marks.payshack),
        "required": format_datetime(required),
    }


def summarize(result: EngineResult) -> dict[str, Any]:
    """Counts of the run (percentages, money and live state are added when read)."""
    by_type = {"amount": 0, "status": 0, "time": 0, "duplicate": 0}
    missing = {"missing_vima": 0, "missing_payshack": 0}
    changes = {"new": 0, "cleared": 0, "changed_type": 0}
    still_there = 0
    for c in result.classes:
        if c.match_status == "discrepancy" and c.discrepancy_type in by_type:
            by_type[c.discrepancy_type] += c.count
        elif c.match_status in missing:
            missing[c.match_status] += c.count
        if c.change in ("new", "changed_type"):
            changes[c.change] += c.count
        if c.change in ("changed_type", "unchanged"):
            still_there += c.count
    changes["cleared"] = result.previous - still_there
    discrepancies = sum(by_type.values())
    missing_total = sum(missing.values())
    return {
        "total_transactions": result.matched + discrepancies + missing_total,
        "matched": result.matched,
        "discrepancies": discrepancies,
        "by_type": by_type,
        "missing": missing_total,
        **missing,
        "changes": changes,
    }


def _safe_error(exc: BaseException) -> str:
    # Stored and shown: the kind of failure, never SQL or data (the log has the rest).
    return f"run failed: {type(exc).__name__}"


async def run_day(
    runtime: Runtime,
    day: date,
    principal: Principal,
    *,
    trigger: str = "api",
    before_commit: BeforeCommit | None = None,
) -> RunOutcome:
    """Reconcile `day` now; Conflict if a run of the day is in progress."""
    settings = runtime.settings
    # Before 2000 there is nothing to reconcile, and 0001-01-01 minus the grace window
    # is no date at all (a run used to be recorded, failed with a TypeError).
    check_date("date", day)
    if day > today_in(settings):
        raise ValidationFailed(
            f"{day.isoformat()} has not started yet in {settings.recon_timezone}",
            {"field": "date", "expected": "today or earlier", "received": day.isoformat()},
        )
    params = engine_params(settings)
    clock = time.perf_counter()
    async with day_lock(runtime.engine, day) as conn:
        async with conn.begin():
            await repository.interrupt_stale_runs(conn, day)
            run_id, started_at = await repository.insert_run(
                conn, day, principal.email, _settings_json(params, trigger)
            )
        try:
            async with conn.begin():
                summary = await _reconcile(
                    conn, runtime, day, run_id, started_at, params, principal, before_commit
                )
        except Exception as exc:
            log.exception("reconciliation failed", extra={"date": day.isoformat()})
            async with conn.begin():
                await repository.discard_rows(conn, [run_id])
                await repository.fail_run(conn, run_id, _safe_error(exc))
                await record(
                    conn, principal, "recon.run", target=day.isoformat(),
                    params={"run_id": str(run_id), "trigger": trigger}, outcome="failure",
                )  # fmt: skip
            outcome = RunOutcome(
                run_id, day, "failed", _safe_error(exc), time.perf_counter() - clock
            )
            await _announce(runtime, outcome)
            return outcome
    seconds = time.perf_counter() - clock
    message = (
        f"Reconciled {day.isoformat()}: {summary['total_transactions']:,} keys, "
        f"{summary['discrepancies']:,} discrepancies, {summary['missing']:,} missing "
        f"({summary['coverage']} coverage) in {seconds:.1f} s"
    )
    outcome = RunOutcome(run_id, day, "completed", message, seconds, summary)
    await _announce(runtime, outcome)
    return outcome


async def _reconcile(
    conn: AsyncConnection,
    runtime: Runtime,
    day: date,
    run_id: uuid.UUID,
    started_at: datetime,
    params: EngineParams,
    principal: Principal,
    before_commit: BeforeCommit | None,
) -> dict[str, Any]:
    settings = runtime.settings
    # A run writes ~100 MB of WAL at a million payments; its commit need not wait for
    # the flush. Should the server crash in that instant, the whole run is lost
    # (atomically: the previous run stays current) and is simply run again: results are
    # derived data, recomputable at any time.
    await conn.execute(text("SET LOCAL synchronous_commit = off"))
    previous = await repository.lock_current_run(conn, day)
    bounds = await engine.day_bounds(conn, day, params.timezone, params.grace)
    marks = await repository.watermarks(
        conn,
        vima_page_budget=settings.vima_max_pages_per_run,
        vima_lag=timedelta(seconds=settings.vima_lag_seconds),
    )
    coverage, watermarks = coverage_of(marks, bounds.window_hi)
    matched = await engine.reconcile_shards(
        runtime.engine,
        snapshot=await engine.export_snapshot(conn),
        shards=settings.recon_workers,
        run_id=run_id,
        previous_run_id=previous,
        started_at=started_at,
        bounds=bounds,
        params=params,
        partial=coverage == "partial",
    )
    result = await engine.count_run(conn, run_id, previous, matched)
    summary = summarize(result)
    if previous is None:
        summary["changes"] = None  # nothing to compare with
    summary["coverage"] = coverage
    await repository.make_current(
        conn,
        run_id,
        previous,
        coverage=coverage,
        watermarks=watermarks,
        summary=summary,
        total=summary["total_transactions"],
    )
    await record(
        conn,
        principal,
        "recon.run",
        target=day.isoformat(),
        params={"run_id": str(run_id), "total": summary["total_transactions"]},
    )
    if before_commit is not None:
        await before_commit(conn)
    return summary


async def _announce(runtime: Runtime, outcome: RunOutcome) -> None:
    if outcome.status == "completed":
        await runtime.cache.delete(recon_summary_key(outcome.day.isoformat()))
    await publish(
        runtime.cache,
        "recon.finished",
        {
            "date": outcome.day.isoformat(),
            "run_id": str(outcome.run_id),
            "status": outcome.status,
            "message": outcome.message,
        },
    )


def _settings_json(params: EngineParams, trigger: str) -> dict[str, Any]:
    return {
        "trigger": trigger,
        "timezone": params.timezone,
        "projects": list(params.projects),
        "grace_minutes": params.grace.total_seconds() / 60,
        "amount_tolerance": str(params.amount_tolerance),
        "time_tolerance_minutes": params.time_tolerance.total_seconds() / 60,
    }
