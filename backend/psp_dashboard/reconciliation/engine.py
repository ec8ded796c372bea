"""The reconciliation of one day, set-based, in shards that run side by side.

Shape, and why (the SQL is in engine_sql.py):

0. SHARDS: the keys are split by a hash of the key (engine_sql.SHARD_SQL) into
   `RECON_WORKERS` shares, each classified in its own transaction on its own connection,
   all importing the snapshot of the run's coordinating transaction (so they read one
   instant of the data). Every rule of reconciliation.md looks at one key at a time, so
   shards never need each other's rows. On the 2-core machine two shards took a
   1M × 1M day from 9.8 s to 7.3 s, 3.8× → 2.4× the bare join (bench/recon.py).
1. STREAM, one statement per shard over `transactions`: each side (the window W) is
   sorted by key once; that sort feeds both the duplicate flags (lag/lead) and a merge
   full join; every joined row is classified. A million rows must never be spooled, so
   the stream has a single consumer: one aggregate row that packs the matched pairs
   (stored as they are in `reconciliation_matches`, one chunk per shard), the other rows
   and the rows of duplicate keys (unpacked into the shard's temp tables).
2. DUPS: the duplicate keys that D reports, one row each, into the same temp table.
3. STORE: the previous run's rows of the shard copied beside them, all analyzed, then
   one insert into `reconciliation_results` with what carries over. The join runs on
   tables with true statistics: planned inside the stream it was a nested loop,
   quadratic in the discrepancies between 100k and 400k rows a day (issue #21).
4. COUNTS (count_run), in the coordinating transaction, for the run's summary.

Matched pairs are ~90 % of a day and are only read back whole (full export), so a
million indexed result rows would cost more than the reconciliation itself.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from psp_dashboard.reconciliation import engine_sql as sql

# The two sorts of a million keys fit in memory at this size (default 4 MB spills them
# to disk). Scoped to each shard's transaction.
RUN_WORK_MEM = "256MB"


# The parameters of each statement of a shard (engine_sql).
_STREAM_PARAMS = (
    "ds", "de", "wlo", "whi", "plo", "phi", "tz", "grace", "projects", "amount_tol",
    "time_tol", "shards", "shard", "run_id", "day",
)  # fmt: skip
_PROBE_PARAMS = ("projects", "plo", "phi", "tz", "grace")
_PREV_PARAMS = ("prev_run_id", "shards", "shard")
STORE_PARAMS = ("id_prefix", "day", "run_id", "prev_run_id", "started_at", "partial")


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


_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")


async def export_snapshot(conn: AsyncConnection) -> str:
    """The caller's transaction snapshot, for the shards to import: every shard reads the
    transactions as they were at one instant, the instant the coverage was taken at."""
    snapshot = str((await conn.execute(text("SELECT pg_export_snapshot()"))).scalar_one())
    if not _SNAPSHOT_ID.match(snapshot):  # it is spliced into SQL below
        raise RuntimeError(f"unexpected snapshot id {snapshot!r}")
    return snapshot


async def reconcile_shards(
    engine_: AsyncEngine,
    *,
    snapshot: str,
    shards: int,
    run_id: uuid.UUID,
    previous_run_id: uuid.UUID | None,
    started_at: datetime,
    bounds: DayBounds,
    params: EngineParams,
    partial: bool,
) -> int:
    """Classify day `bounds.day` in `shards` concurrent transactions, each over its share
    of the keys (engine_sql.SHARD_SQL), and store the run's rows; returns the matched
    count. Each shard commits its own rows: they belong to a run that is not completed,
    which no reader shows (results._runs_of), and the caller deletes them if the run
    fails. A failing shard cancels the others."""
    stream = stream_params(
        run_id=run_id,
        previous_run_id=previous_run_id,
        started_at=started_at,
        bounds=bounds,
        params=params,
        partial=partial,
        shards=shards,
    )
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [
                group.create_task(_shard(engine_, snapshot, {**stream, "shard": shard}))
                for shard in range(shards)
            ]
    except ExceptionGroup as failed:
        # The first shard's error is the run's (the others were cancelled because of it,
        # or failed the same way); the group stays attached for the log.
        raise failed.exceptions[0] from failed
    return sum(task.result() for task in tasks)


def stream_params(
    *,
    run_id: uuid.UUID,
    previous_run_id: uuid.UUID | None,
    started_at: datetime,
    bounds: DayBounds,
    params: EngineParams,
    partial: bool,
    shards: int,
) -> dict[str, Any]:
    """Every parameter of a shard's statements but its own `shard` and `id_prefix`."""
    return {
        "day": bounds.day,
        "run_id": run_id,
        "prev_run_id": previous_run_id,
        "started_at": started_at,
        "partial": partial,
        "shards": shards,
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


async def _shard(engine_: AsyncEngine, snapshot: str, stream: dict[str, Any]) -> int:
    async with engine_.connect() as raw:
        conn = await raw.execution_options(isolation_level="REPEATABLE READ")
        async with conn.begin():
            await conn.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
            await conn.execute(text(f"SET LOCAL work_mem = '{RUN_WORK_MEM}'"))
            # JIT would compile these statements for ~0.2 s and run them no faster.
            await conn.execute(text("SET LOCAL jit = off"))
            # Derived data, recomputable at any time; see runs._reconcile.
            await conn.execute(text("SET LOCAL synchronous_commit = off"))
            # Each shard numbers its own rows under its own random prefix.
            stream = {**stream, "id_prefix": result_id_prefix(stream["started_at"])}
            matched = await classify_shard(conn, stream)
            await conn.execute(sql.STORE, only(stream, STORE_PARAMS))
            return matched


async def classify_shard(conn: AsyncConnection, stream: dict[str, Any]) -> int:
    """Everything of a shard before its result rows are stored (sql.STORE): the day's
    classification into the shard's working tables, the previous run's rows beside
    them, all analyzed. Returns the matched count."""
    await conn.execute(sql.CREATE_OTHER)
    await conn.execute(sql.CREATE_MEMBERS)
    streamed = (await conn.execute(sql.STREAM, only(stream, _STREAM_PARAMS))).one()
    # The duplicates statement joins the members: the planner must know they are few.
    await conn.execute(sql.ANALYZE_MEMBERS)
    await conn.execute(sql.DUPS, only(stream, _PROBE_PARAMS))
    await conn.execute(sql.CREATE_PREV, only(stream, _PREV_PARAMS))
    await conn.execute(sql.ANALYZE_PREV)
    await conn.execute(sql.ANALYZE_OTHER)
    return int(streamed.matched)


def only(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: values[name] for name in names}


async def count_run(
    conn: AsyncConnection,
    run_id: uuid.UUID,
    previous_run_id: uuid.UUID | None,
    matched: int,
) -> EngineResult:
    """What the shards stored, by class, and the previous run's discrepant rows."""
    classes: list[ClassCount] = []
    previous = 0
    counts = await conn.execute(sql.COUNTS, {"run_id": run_id, "prev_run_id": previous_run_id})
    for status, dtype, change, count in counts:
        if status == "previous":
            previous = int(count)
        else:
            classes.append(ClassCount(status, dtype, change, int(count)))
    return EngineResult(matched=matched, classes=classes, previous=previous)
