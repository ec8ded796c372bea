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

from psp_dashboard.errors import ValidationFailed
from psp_dashboard.kit.periods import check_date, check_order
from psp_dashboard.logs import safe_error_message
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.connectors.base import Connector, RawPage
from psp_dashboard.sync.connectors.completeness import WindowReport
from psp_dashboard.sync.errors import SyncError
from psp_dashboard.sync.pipeline import Batch, after_sync, incomplete_message, write_batch
from psp_dashboard.sync.service import endpoints_of
from psp_dashboard.sync.sources import build_connector
from psp_dashboard.sync.state import (
    RunCounts,
    finish_run,
    is_running_elsewhere,
    source_lock,
    start_run,
)

log = logging.getLogger(__name__)

MAX_BACKFILL_DAYS = 3660


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


async def create_backfill(
    runtime: Runtime, source: str, from_date: date, to_date: date, requested_by: str | None
) -> uuid.UUID:
    # The provider's day boundaries are UTC; a day that has begun anywhere is allowed.
    check_range(from_date, to_date, (datetime.now(UTC) + timedelta(days=1)).date())
    shards = {
        d.isoformat(): {"done": False, "checkpoint": {}} for d in days_between(from_date, to_date)
    }
    async with runtime.engine.begin() as conn:
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


async def _run_shard(
    runtime: Runtime,
    connector: Connector,
    backfill_id: uuid.UUID,
    run_id: uuid.UUID,
    day: str,
    checkpoint: dict[str, str],
    counts: RunCounts,
    batch_rows: int,
    stop: asyncio.Event | None,
) -> bool | Literal["incomplete"]:
    """Walk one day; True when the day finished, "incomplete" when it was read but not
    shown whole (the shard stays not done), False when stopped."""
    source = connector.source

    async def save(conn: AsyncConnection, batch: Batch, _changed: int) -> None:
        checkpoint.update(batch.checkpoint)
        await _save_shard(conn, backfill_id, day, {"done": False, "checkpoint": checkpoint})

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
                batch = Batch()
                if stop is not None and stop.is_set():
                    return False

    async def finish(conn: AsyncConnection, final: Batch, _changed: int) -> None:
        checkpoint.update(final.checkpoint)
        shard: dict[str, Any] = {"done": not short, "checkpoint": checkpoint}
        if short:
            shard["incomplete"] = [r.as_json() for r in short]
        await _save_shard(conn, backfill_id, day, shard)

    await write_batch(runtime, source, batch, counts, run_id, save=finish)
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
        connector = build_connector(
            source, runtime.settings, endpoints_of(runtime), runtime.cache, transport=transport
        )
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
                return await _run_shard(
                    runtime,
                    connector,
                    backfill_id,
                    run_id,
                    day,
                    checkpoint,
                    counts,
                    batch_rows,
                    stop,
                )

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
