"""The reconciliation of one day, set-based, in the caller's transaction.

Shape, and why (the SQL is in engine_sql.py):

1. STREAM, one statement over `transactions`: each side is sorted by key once; that
   sort feeds both the duplicate flags (lag/lead) and a merge full join; every joined
   row is classified by the rules of reconciliation.md. A million rows must never be
   spooled, so the stream has a single consumer: one aggregate row that packs the
   matched pairs (stored as they are in `reconciliation_matches`), the other rows
   (inserted into `reconciliation_results`, with what carries over from the previous
   run) and the rows of duplicate keys (into a temp table).
2. DUPS: the duplicate keys' rows (and PayShack-only keys with several rows) grouped
   per key, one result row each.
3. COUNTS, for the run's summary.

Matched pairs are ~90 % of a day and are only read back whole (full export), so a
million indexed result rows would cost more than the reconciliation itself.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.reconciliation import engine_sql as sql

# The two sorts of a million keys fit in memory at this size (default 4 MB spills them
# to disk). Scoped to the run's transaction.
RUN_WORK_MEM = "256MB"


# What the coverage probe (engine_sql._COVERED) needs, in DUPS as in STREAM.
_PROBE_PARAMS = ("projects", "plo", "phi", "tz", "grace")


@dataclass(frozen=True, slots=True)
class EngineParams:
    timezone: str
    projects: tuple[str, ...]
    grace: timedelta
    amount_tolerance: Decimal
    time_tolerance: timedelta


@dataclass(frozen=True, slots=True)
class DayBounds:
    """Day D = [start, end) in the reconciliation time zone; the window
    [window_lo, window_hi] = [start - G, end + G]; [probe_lo, probe_hi) covers every
    local day whose own window can hold an instant of D."""

    day: date
    start: datetime
    end: datetime
    window_lo: datetime
    window_hi: datetime
    probe_lo: datetime
    probe_hi: datetime


@dataclass(frozen=True, slots=True)
class ClassCount:
    match_status: str
    discrepancy_type: str | None
    change: str | None
    count: int


@dataclass(frozen=True, slots=True)
class EngineResult:
    matched: int
    classes: list[ClassCount]  # the non-matched rows stored, by class
    previous: int  # non-matched rows of the previous run (for "cleared")


def result_id_prefix(started_at: datetime) -> str:
    """The first 24 hex digits of the run's result ids; a row number completes them.

    A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, version 7, 12 + 28 random bits per
    run, then a 32-bit counter (the layout's "dedicated counter" method). Ids ascend
    within a run and from run to run, so the primary key index is appended to; random
    v4 ids would write all over it (measured: 40 % of the insert's cost)."""
    millis = int(started_at.timestamp() * 1000) & (2**48 - 1)
    return f"{millis:012x}7{secrets.randbits(12):03x}8{secrets.randbits(28):07x}"


async def day_bounds(
    conn: AsyncConnection, day: date, timezone: str, grace: timedelta
) -> DayBounds:
    """Computed by PostgreSQL, so they agree to the microsecond with the day windows the
    statement computes for neighbouring days (one time zone database)."""
    row = (await conn.execute(sql.BOUNDS, {"day": day, "tz": timezone, "grace": grace})).one()
    return DayBounds(day, row.ds, row.de, row.wlo, row.whi, row.plo, row.phi)


async def reconcile_into(
    conn: AsyncConnection,
    *,
    run_id: uuid.UUID,
    previous_run_id: uuid.UUID | None,
    started_at: datetime,
    bounds: DayBounds,
    params: EngineParams,
    partial: bool,
) -> EngineResult:
    """Classify day `bounds.day` and write the run's rows. The caller owns the
    transaction: nothing is visible until it commits."""
    await conn.execute(text(f"SET LOCAL work_mem = '{RUN_WORK_MEM}'"))
    # JIT would compile these statements for ~0.2 s and run them no faster.
    await conn.execute(text("SET LOCAL jit = off"))
    await conn.execute(sql.CREATE_OTHER)
    await conn.execute(sql.CREATE_MEMBERS)
    run = {
        "id_prefix": result_id_prefix(started_at),
        "id_offset": 0,
        "day": bounds.day,
        "run_id": run_id,
        "prev_run_id": previous_run_id,
        "started_at": started_at,
        "partial": partial,
    }
    stream = {
        **run,
        "ds": bounds.start,
        "de": bounds.end,
        "wlo": bounds.window_lo,
        "whi": bounds.window_hi,
        "plo": bounds.probe_lo,
        "phi": bounds.probe_hi,
        "tz": params.timezone,
        "grace": params.grace,
        "projects": list(params.projects),
        "amount_tol": params.amount_tolerance,
        "time_tol": params.time_tolerance,
    }
    streamed = (await conn.execute(sql.STREAM, stream)).one()
    # The duplicates statement joins the members: the planner must know they are few.
    await conn.execute(sql.ANALYZE_MEMBERS)
    dups = {**run, "id_offset": streamed.other, **{k: stream[k] for k in _PROBE_PARAMS}}
    await conn.execute(sql.DUPS, dups)
    classes: list[ClassCount] = []
    previous = 0
    counts = await conn.execute(sql.COUNTS, {"run_id": run_id, "prev_run_id": previous_run_id})
    for status, dtype, change, count in counts:
        if status == "previous":
            previous = int(count)
        else:
            classes.append(ClassCount(status, dtype, change, int(count)))
    return EngineResult(matched=int(streamed.matched), classes=classes, previous=previous)
