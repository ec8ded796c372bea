"""Backfill a date range: day shards fetched concurrently, resumable, cursor-independent.

Each day is a shard with its own checkpoint in `sync_backfills.shards`, saved in the
same transaction as the shard's rows. A backfill that stops (crash, shutdown, error)
resumes from its shards' checkpoints; finished shards are not fetched again. The
incremental cursor of the source is never read or moved.

One backfill per source at a time, across processes (a session-level advisory lock): a
second one started meanwhile is `skipped`, instead of both running while each marked
the other's run `interrupted`. The API answers 409 before creating it when it can tell.

A PayShack day is read with the completeness check of every PayShack window: a day the
walk could not show it read whole stays not done (with the numbers in its shard), and
the backfill ends `incomplete`; resuming it reads that day again.

Progress is visible while it runs: each shard carries its `state` (pending, running,
done, incomplete, failed) and what it has `fetched`, `stored` (rows new or changed in
`transactions`) and `quarantined`, saved with every batch it writes, in that batch's
transaction; the backfill's totals are their sums (`repository.py`).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.errors import Conflict, ValidationFailed
from psp_dashboard.kit.locks import transaction_lock
from psp_dashboard.kit.periods import check_date, check_order
from psp_dashboard.logs import safe_error_message
from psp_dashboard.reference.client_map import reapply_client_projects, use_client_projects
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.backfill_shards import SHARD_COUNTS, ShardState
from psp_dashboard.sync.connectors.base import Connector, RawPage
from psp_dashboard.sync.connectors.completeness import WindowReport
from psp_dashboard.sync.errors import SyncError
from psp_dashboard.sync.pipeline import Batch, after_sync, incomplete_message, write_batch
from psp_dashboard.sync.service import endpoints_of
from psp_dashboard.sync.sources import SourceNotConfigured, build_connector
from psp_dashboard.sync.state import (
    RunCounts,
    finish_run,
    is_running_elsewhere,
    source_lock,
    start_run,
)

log = logging.getLogger(__name__)

MAX_BACKFILL_DAYS = 3660
# A backfill created this recently and still `pending` counts as about to run: the API
# spawns it at once, so only a process that died before starting it leaves one older.
PENDING_GRACE_MINUTES = 10


@dataclass(frozen=True, slots=True)
class BackfillResult:
    backfill_id: uuid.UUID
    status: str
    counts: RunCounts
    error: str | None = None


def days_between(from_date: date, to_date: date) -> list[date]:
    if to_date < from_date:
        raise ValueError("to_date is before from_date")
    count = (to_date - from_date).days + 1
    if count > MAX_BACKFILL_DAYS:
        raise ValueError(f"a backfill covers at most {MAX_BACKFILL_DAYS} days")
    return [from_date + timedelta(days=i) for i in range(count)]


def shard_pages(
    connector: Connector, day: date, checkpoint: Mapping[str, str]
) -> AsyncGenerator[RawPage, None]:
    """One UTC day through the connector's range mode, resumed from its checkpoint."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return connector.window_pages(start, start + timedelta(days=1), checkpoint=checkpoint)


def backfill_lock(source: str) -> str:
    """The lock name every backfill of `source` holds while it runs."""
    return f"backfill:{source}"


async def backfill_running(runtime: Runtime, source: str) -> bool:
    return await is_running_elsewhere(runtime.engine, backfill_lock(source))


def check_range(from_date: date, to_date: date, today: date) -> None:
    """Days a backfill may cover: real dates of this century, none in the future (a
    range ending 9999-12-31 used to be accepted and fail later, in the background)."""
    check_date("from_date", from_date)
    check_date("to_date", to_date)
    check_order(from_date, to_date)
    if to_date > today:
        raise ValidationFailed(
            "A backfill cannot cover days that have not started",
            {"field": "to_date", "expected": f"{today.isoformat()} or earlier",
             "received": to_date.isoformat()},
        )  # fmt: skip
    if (to_date - from_date).days + 1 > MAX_BACKFILL_DAYS:
        raise ValidationFailed(
            f"A backfill covers at most {MAX_BACKFILL_DAYS} days",
            {"field": "to_date", "expected": f"at most {MAX_BACKFILL_DAYS} days after from_date"},
        )


async def active_backfill(conn: AsyncConnection, source: str) -> dict[str, Any] | None:
    """The backfill of `source` that is pending (recently created) or running, if any."""
    row = (
        await conn.execute(
            text(
                "SELECT id, from_date, to_date, status FROM sync_backfills WHERE source = :s "
                "AND (status = 'running' OR (status = 'pending' AND created_at > "
                "NOW() - make_interval(mins => :grace))) ORDER BY created_at DESC LIMIT 1"
            ),
            {"s": source, "grace": PENDING_GRACE_MINUTES},
        )
    ).first()
    return None if row is None else dict(row._mapping)


def busy_conflict(source: str, active: Mapping[str, Any] | None) -> Conflict:
    if active is None:
        return Conflict(
            f"A backfill of {source} is running; start this one when it has finished",
            {"reason": "backfill_running", "source": source},
        )
    span = f"{active['from_date'].isoformat()} to {active['to_date'].isoformat()}"
    return Conflict(
        f"A backfill of {source} ({span}) is already {active['status']}; "
        "start this one when it has finished",
        {"reason": "backfill_running", "source": source, "backfill_id": str(active["id"])},
    )


async def create_backfill(
    runtime: Runtime,
    source: str,
    from_date: date,
    to_date: date,
    requested_by: str | None,
    *,
    exclusive: bool = False,
) -> uuid.UUID:
    """Record a backfill (pending). `exclusive`: refuse (409) while another backfill of
    the source is running somewhere or pending; requests are serialised per source, so
    two at once cannot both pass the check."""
    # The provider's day boundaries are UTC; a day that has begun anywhere is allowed.
    check_range(from_date, to_date, (datetime.now(UTC) + timedelta(days=1)).date())
    shards = {
        d.isoformat(): {"done": False, "state": "pending", "checkpoint": {}}
        for d in days_between(from_date, to_date)
    }
    async with runtime.engine.begin() as conn:
        if exclusive:
            await transaction_lock(conn, f"backfill-request:{source}")
            active = await active_backfill(conn, source)
            if active is not None or await backfill_running(runtime, source):
                raise busy_conflict(source, active)
        backfill_id = (
            await conn.execute(
                text(
                    "INSERT INTO sync_backfills (source, from_date, to_date, shards, requested_by) "
                    "VALUES (:s, :f, :t, CAST(:sh AS jsonb), :by) RETURNING id"
                ),
                {
                    "s": source,
                    "f": from_date,
                    "t": to_date,
                    "sh": json.dumps(shards),
                    "by": requested_by,
                },
            )
        ).scalar_one()
    return uuid.UUID(str(backfill_id))


async def _load(conn: AsyncConnection, backfill_id: uuid.UUID) -> tuple[str, dict[str, Any]]:
    row = (
        await conn.execute(
            text("SELECT source, shards FROM sync_backfills WHERE id = :id"), {"id": backfill_id}
        )
    ).one()
    return str(row[0]), dict(row[1])


async def _save_shard(
    conn: AsyncConnection, backfill_id: uuid.UUID, day: str, shard: Mapping[str, Any]
) -> None:
    await conn.execute(
        text(
            "UPDATE sync_backfills SET shards = jsonb_set(shards, ARRAY[:d], CAST(:v AS jsonb)), "
            "updated_at = NOW() WHERE id = :id"
        ),
        {"d": day, "v": json.dumps(dict(shard)), "id": backfill_id},
    )


class ShardProgress:
    """A shard's saved numbers. A batch's numbers are computed into the shard it saves
    and kept only once that transaction has committed (a deadlock retry saves again)."""

    def __init__(self, shard: Mapping[str, Any]) -> None:
        self.counts = {name: int(shard.get(name) or 0) for name in SHARD_COUNTS}
        self._pending: dict[str, int] | None = None

    def shard(
        self, state: ShardState, checkpoint: Mapping[str, str], batch: Batch | None, changed: int
    ) -> dict[str, Any]:
        counts = dict(self.counts)
        if batch is not None:
            counts["fetched"] += batch.fetched
            counts["stored"] += changed
            counts["quarantined"] += len(batch.rejected)
        self._pending = counts
        return {"done": state == "done", "state": state, "checkpoint": dict(checkpoint), **counts}

    def committed(self) -> None:
        if self._pending is not None:
            self.counts, self._pending = self._pending, None


async def _mark_shard(
    runtime: Runtime,
    backfill_id: uuid.UUID,
    day: str,
    progress: ShardProgress,
    state: ShardState,
    checkpoint: Mapping[str, str],
    error: str | None = None,
) -> None:
    shard = progress.shard(state, checkpoint, None, 0)
    if error is not None:
        shard["error"] = error
    async with runtime.engine.begin() as conn:
        await _save_shard(conn, backfill_id, day, shard)
    progress.committed()


async def _run_shard(
    runtime: Runtime,
    connector: Connector,
    backfill_id: uuid.UUID,
    run_id: uuid.UUID,
    day: str,
    checkpoint: dict[str, str],
    progress: ShardProgress,
    counts: RunCounts,
    batch_rows: int,
    stop: asyncio.Event | None,
) -> bool | Literal["incomplete"]:
    """Walk one day; True when the day finished, "incomplete" when it was read but not
    shown whole (the shard stays not done), False when stopped."""
    source = connector.source
    await _mark_shard(runtime, backfill_id, day, progress, "running", checkpoint)

    async def save(conn: AsyncConnection, batch: Batch, changed: int) -> None:
        checkpoint.update(batch.checkpoint)
        shard = progress.shard("running", checkpoint, batch, changed)
        await _save_shard(conn, backfill_id, day, shard)

    batch = Batch()
    short: list[WindowReport] = []
    async with aclosing(shard_pages(connector, date.fromisoformat(day), checkpoint)) as pages:
        async for page in pages:
            if page.report is not None:
                counts.reports.append(page.report)
                if not page.report.complete:
                    short.append(page.report)
            batch.add(connector, page)
            if batch.size >= batch_rows:
                await write_batch(runtime, source, batch, counts, run_id, save=save)
                progress.committed()
                batch = Batch()
                if stop is not None and stop.is_set():
                    await _mark_shard(runtime, backfill_id, day, progress, "pending", checkpoint)
                    return False

    async def finish(conn: AsyncConnection, final: Batch, changed: int) -> None:
        checkpoint.update(final.checkpoint)
        shard = progress.shard("incomplete" if short else "done", checkpoint, final, changed)
        if short:
            shard["incomplete"] = [r.as_json() for r in short]
        await _save_shard(conn, backfill_id, day, shard)

    await write_batch(runtime, source, batch, counts, run_id, save=finish)
    progress.committed()
    return "incomplete" if short else True


async def run_backfill(
    runtime: Runtime,
    backfill_id: uuid.UUID,
    *,
    transport: str | None = None,
    batch_rows: int | None = None,
    stop: asyncio.Event | None = None,
) -> BackfillResult:
    """Run (or resume) a backfill until every shard is done or one fails."""
    batch_rows = batch_rows or runtime.settings.sync_batch_rows
    async with runtime.engine.connect() as conn:
        source, shards = await _load(conn, backfill_id)
    counts = RunCounts()
    async with source_lock(runtime.engine, backfill_lock(source)) as acquired:
        if not acquired:
            busy = f"another backfill of {source} was running"
            await _set_status(runtime, backfill_id, "skipped", busy, only_if="pending")
            return BackfillResult(backfill_id, "skipped", counts, busy)
        try:
            connector = build_connector(
                source, runtime.settings, endpoints_of(runtime), runtime.cache, transport=transport
            )
        except SourceNotConfigured as exc:
            # Ends the backfill (it would otherwise stay `pending` and hold off the next).
            await _set_status(runtime, backfill_id, "failed", str(exc))
            return BackfillResult(backfill_id, "failed", counts, str(exc))
        used_map = await use_client_projects(runtime, connector)
        started = datetime.now(UTC)
        clock = time.perf_counter()
        run_id = await start_run(
            runtime.engine, source, "backfill", {"backfill_id": str(backfill_id)}
        )
        await _set_status(runtime, backfill_id, "running", None)
        todo = sorted(day for day, shard in shards.items() if not shard.get("done"))
        gate = asyncio.Semaphore(runtime.settings.backfill_concurrency)

        async def one(day: str) -> bool | Literal["incomplete"]:
            async with gate:
                if stop is not None and stop.is_set():
                    return False
                checkpoint = {str(k): str(v) for k, v in shards[day].get("checkpoint", {}).items()}
                progress = ShardProgress(shards[day])
                try:
                    return await _run_shard(
                        runtime,
                        connector,
                        backfill_id,
                        run_id,
                        day,
                        checkpoint,
                        progress,
                        counts,
                        batch_rows,
                        stop,
                    )
                except Exception as exc:
                    # The day shows as failed (with why) while the others go on.
                    message = safe_error_message(exc)[:500]
                    try:
                        await _mark_shard(
                            runtime, backfill_id, day, progress, "failed", checkpoint, message
                        )
                    except Exception:
                        log.warning("could not mark a failed shard", extra={"day": day})
                    raise

        async with connector.held():  # one HTTP client / browser for every day
            results = await asyncio.gather(*(one(day) for day in todo), return_exceptions=True)
        failures = [r for r in results if isinstance(r, BaseException)]
        error = None
        if failures:
            first = failures[0]
            prefix = "UPSTREAM_ERROR" if isinstance(first, SyncError) else "INTERNAL_ERROR"
            error = f"{prefix}: {safe_error_message(first)}"[:2000]
            status = "failed"
        elif all(r is True for r in results):
            status = "success"
        elif all(r in (True, "incomplete") for r in results):
            status = "incomplete"
            error = incomplete_message(counts)
        else:
            status = "stopped"
        await finish_run(
            runtime.engine,
            run_id,
            source,
            "backfill",
            counts,
            status=status,
            error=error,
            started=started,
        )
        await reapply_client_projects(runtime, used_map)
        await _set_status(runtime, backfill_id, "done" if status == "success" else status, error)
    log.info(
        "backfill finished",
        extra={
            "source": source,
            "status": status,
            "ms": round((time.perf_counter() - clock) * 1000),
        },
    )
    await after_sync(runtime, source, status, counts, run_id)
    return BackfillResult(backfill_id, status, counts, error)


async def _set_status(
    runtime: Runtime,
    backfill_id: uuid.UUID,
    status: str,
    error: str | None,
    *,
    only_if: str | None = None,
) -> None:
    """`only_if`: change the row only from that status (a skipped start must not
    relabel the same backfill that another process is running)."""
    async with runtime.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE sync_backfills SET status = :st, error = :e, updated_at = NOW() "
                "WHERE id = :id AND (CAST(:only AS varchar) IS NULL OR status = :only)"
            ),
            {"st": status, "e": error, "id": backfill_id, "only": only_if},
        )
