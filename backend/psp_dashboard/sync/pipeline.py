"""One pipeline for every source: pages → validate/normalize → upsert → checkpoint.

Each write batch (rows, quarantined records, checkpoint, run progress) commits in one
database transaction, so a crash can repeat a batch but never skip or double-count one.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
import uuid
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from contextlib import aclosing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError

from psp_dashboard.events import publish
from psp_dashboard.logs import safe_error_message
from psp_dashboard.payments.links import LinkRule
from psp_dashboard.reference.client_map import reapply_client_projects, use_client_projects
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.connectors.base import Connector, RawPage
from psp_dashboard.sync.errors import SyncError
from psp_dashboard.sync.quarantine import Rejected, quarantine_records
from psp_dashboard.sync.records import NormalizedTransaction, RecordRejected
from psp_dashboard.sync.schemas import SyncRunKind
from psp_dashboard.sync.state import (
    RunCounts,
    finish_run,
    load_checkpoint,
    ran_since,
    record_newest,
    record_progress,
    save_checkpoint,
    source_lock,
    start_run,
)
from psp_dashboard.sync.upsert import upsert_transactions

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SyncResult:
    source: str
    status: str  # success | incomplete | failed | skipped | stopped
    run_id: uuid.UUID | None
    counts: RunCounts
    error: str | None = None
    failure: BaseException | None = None


def split_page(
    connector: Connector, page: RawPage
) -> tuple[list[NormalizedTransaction], list[Rejected], int]:
    """Normalize a page; bad records become `Rejected`, never exceptions."""
    good: list[NormalizedTransaction] = []
    bad: list[Rejected] = []
    unknown = 0
    for raw in page.records:
        if not isinstance(raw, dict):
            bad.append(Rejected(raw, "record is not a JSON object"))
            continue
        try:
            row = connector.normalize(raw)
        except RecordRejected as exc:
            bad.append(Rejected(raw, exc.reason, exc.source_id))
            continue
        except (ValueError, TypeError, KeyError, ArithmeticError) as exc:
            # A normalizer bug or an unforeseen shape: keep the record, say why.
            bad.append(Rejected(raw, f"unreadable record: {type(exc).__name__}: {exc}"[:500]))
            continue
        unknown += row.unknown_status
        good.append(row)
    return good, bad, unknown


class Batch:
    """Rows accumulated over pages until a flush; the checkpoint of the last page."""

    def __init__(self) -> None:
        self.rows: list[NormalizedTransaction] = []
        self.rejected: list[Rejected] = []
        self.checkpoint: dict[str, str] = {}
        self.pages = 0
        self.fetched = 0
        self.unknown = 0

    def add(self, connector: Connector, page: RawPage) -> None:
        good, bad, unknown = split_page(connector, page)
        self.rows.extend(good)
        self.rejected.extend(bad)
        self.checkpoint.update(page.checkpoint)
        self.pages += 1
        self.fetched += len(page.records)
        self.unknown += unknown

    @property
    def size(self) -> int:
        return len(self.rows) + len(self.rejected)


def _crash_point(where: str, batch_no: int) -> None:
    """Fault injection for the crash-safety tests: `PSP_SYNC_CRASH_AT=inside:3` kills this
    process with SIGKILL inside the third batch's transaction, `after:3` right after it
    committed. Unset in production; nothing else reads it."""
    wanted = os.environ.get("PSP_SYNC_CRASH_AT")
    if wanted and wanted == f"{where}:{batch_no}":
        os.kill(os.getpid(), signal.SIGKILL)


DEADLOCK = "40P01"


def _is_deadlock(exc: DBAPIError) -> bool:
    return getattr(exc.orig, "sqlstate", None) == DEADLOCK or DEADLOCK in str(exc.orig)


async def write_batch(
    runtime: Runtime,
    source: str,
    batch: Batch,
    counts: RunCounts,
    run_id: uuid.UUID,
    *,
    save: Callable[[Any, Batch, int], Awaitable[None]] | None = None,
) -> None:
    """Write a batch; once more if PostgreSQL chose it as a deadlock victim (two writers
    of one source and day, e.g. a backfill beside the incremental sync). The victim's
    transaction was rolled back whole, and `counts` only takes a batch's numbers once its
    transaction has committed, so the retry is exact — also for what concurrent batches
    (backfill shards sharing `counts`) counted meanwhile."""
    try:
        await _write_batch_once(runtime, source, batch, counts, run_id, save=save)
    except DBAPIError as exc:
        if not _is_deadlock(exc):
            raise
        log.warning("batch was a deadlock victim; retrying", extra={"source": source})
        await _write_batch_once(runtime, source, batch, counts, run_id, save=save)


async def _write_batch_once(
    runtime: Runtime,
    source: str,
    batch: Batch,
    counts: RunCounts,
    run_id: uuid.UUID,
    *,
    save: Callable[[Any, Batch, int], Awaitable[None]] | None = None,
) -> None:
    """Upsert, quarantine, checkpoint and progress in ONE transaction; the batch's
    numbers join `counts` after the commit."""
    async with runtime.engine.begin() as conn:
        result = await upsert_transactions(
            conn,
            batch.rows,
            months_ahead=runtime.settings.partition_months_ahead,
            link_rule=LinkRule.from_settings(runtime.settings),
            sync_run_id=run_id,
        )
        tolerance = timedelta(minutes=runtime.settings.provider_clock_tolerance_minutes)
        limit = datetime.now(UTC) + tolerance
        await record_newest(
            conn,
            source,
            max((r.created_at for r in batch.rows if r.created_at <= limit), default=None),
        )
        hashes = await quarantine_records(conn, source, batch.rejected)
        if save is None:
            await save_checkpoint(conn, source, batch.checkpoint, result.inserted + result.updated)
        else:
            await save(conn, batch, result.inserted + result.updated)
        # Both Vima walks may deliver the same bad record: count each one once per run.
        seen: set[str] = counts.extra.get("quarantined_hashes", set())
        delta = RunCounts(
            fetched=batch.fetched,
            pages=batch.pages,
            inserted=result.inserted,
            updated=result.updated,
            # Rows repeated inside the batch (create and update walk) count as unchanged.
            unchanged=batch.fetched - len(batch.rejected) - result.inserted - result.updated,
            quarantined=len(hashes - seen),
            unknown_statuses=batch.unknown,
        )
        batch_no = counts.extra.get("batches", 0) + 1
        await record_progress(conn, run_id, counts.plus(delta))
        _crash_point("inside", batch_no)
    # Committed: from here to the end nothing awaits, so no other batch interleaves.
    counts.add(delta)
    counts.extra["batches"] = counts.extra.get("batches", 0) + 1
    counts.extra.setdefault("quarantined_hashes", set()).update(hashes)
    _crash_point("after", batch_no)


PageReader = Callable[[Mapping[str, str]], AsyncGenerator[RawPage, None]]


async def _walk(
    runtime: Runtime,
    connector: Connector,
    pages_of: PageReader,
    state: dict[str, str],
    counts: RunCounts,
    run_id: uuid.UUID,
    batch_rows: int,
    stop: asyncio.Event | None,
) -> bool:
    """Fetch and normalize the next batch while the previous one is being written.

    At most one write is in flight and writes are awaited in order, so checkpoints
    still commit in page order; the overlap lets PostgreSQL work on one batch while
    Python fetches and normalizes the next. Returns False when `stop` ended it early.
    """
    source = connector.source
    writing: asyncio.Task[None] | None = None
    batch = Batch()
    try:
        async with aclosing(pages_of(state)) as pages:
            async for page in pages:
                if page.report is not None:
                    counts.reports.append(page.report)
                batch.add(connector, page)
                if batch.size < batch_rows:
                    continue
                if writing is not None:
                    await writing
                writing = asyncio.create_task(write_batch(runtime, source, batch, counts, run_id))
                batch = Batch()
                if stop is not None and stop.is_set():
                    return False
        if writing is not None:
            await writing
            writing = None
        if batch.pages:
            await write_batch(runtime, source, batch, counts, run_id)
        return True
    finally:
        if writing is not None and not writing.done():
            # The walk failed while a batch was being written: let that batch finish
            # (it is complete and correct) before the run is recorded.
            await asyncio.gather(writing, return_exceptions=True)


async def run_sync(
    runtime: Runtime,
    connector: Connector,
    *,
    wait_for_lock: bool = False,
    batch_rows: int | None = None,
    stop: asyncio.Event | None = None,
    trigger: str = "schedule",
    next_sync_at: datetime | None = None,
    kind: SyncRunKind = "incremental",
    pages_of: PageReader | None = None,
    unless_ran_since: datetime | None = None,
) -> SyncResult:
    """One run of `connector`'s source — incremental (`connector.pages`), or another
    `kind` reading `pages_of(state)` (the daily re-read) whose checkpoints keep the
    incremental state as it is; never two at once for a source."""
    source = connector.source
    reader = pages_of or connector.pages
    batch_rows = batch_rows or runtime.settings.sync_batch_rows
    async with source_lock(runtime.engine, source, wait=wait_for_lock) as acquired:
        if not acquired:
            log.info("sync skipped: already running", extra={"source": source})
            return SyncResult(source, "skipped", None, RunCounts(), "already running")
        if unless_ran_since is not None and await ran_since(
            runtime.engine, source, kind, unless_ran_since
        ):
            return SyncResult(source, "skipped", None, RunCounts(), f"a {kind} run already ran")
        # PayShack: the client → project map, read once for the run (reference/client_map).
        used_map = await use_client_projects(runtime, connector)
        started = datetime.now(UTC)
        clock = time.perf_counter()
        run_id = await start_run(runtime.engine, source, kind, {"trigger": trigger})
        counts = RunCounts()
        status, error = "success", None
        failure: BaseException | None = None
        try:
            async with runtime.engine.connect() as conn:
                state = await load_checkpoint(conn, source)
            if not await _walk(runtime, connector, reader, state, counts, run_id, batch_rows, stop):
                status = "stopped"
            elif counts.incomplete:
                status, error = "incomplete", incomplete_message(counts)
        except SyncError as exc:
            status, error, failure = "failed", f"UPSTREAM_ERROR: {exc}", exc
        except Exception as exc:  # a bug must fail the run visibly, not kill the worker
            # A database error's message quotes bound values: it never reaches the run.
            detail = safe_error_message(exc)
            status, error = "failed", f"INTERNAL_ERROR: {type(exc).__name__}: {detail}"[:2000]
            failure = exc
            log.exception("sync failed", extra={"source": source})
        await finish_run(
            runtime.engine,
            run_id,
            source,
            kind,
            counts,
            status=status,
            error=error,
            started=started,
            next_sync_at=next_sync_at,
        )
        await reapply_client_projects(runtime, used_map)
    log.info(
        "sync finished",
        extra={
            "source": source,
            "status": status,
            "ms": round((time.perf_counter() - clock) * 1000),
            **counts.as_params(),
        },
    )
    await after_sync(runtime, source, status, counts, run_id)
    return SyncResult(source, status, run_id, counts, error, failure)


def incomplete_message(counts: RunCounts) -> str:
    """What a person reads on the sync page when a run could not show it read all."""
    short = counts.incomplete
    head = "; ".join(r.describe() for r in short[:3])
    more = f" (and {len(short) - 3} more windows)" if len(short) > 3 else ""
    return f"INCOMPLETE: {head}{more}. The watermark was kept; the next run reads it again."


async def after_sync(
    runtime: Runtime, source: str, status: str, counts: RunCounts, run_id: uuid.UUID
) -> None:
    if counts.changed:
        await runtime.cache.invalidate_metrics()
    else:
        await runtime.cache.delete("sync:status")
    await publish(
        runtime.cache,
        "sync.finished",
        {"source": source, "status": status, "run_id": str(run_id), **counts.as_params()},
    )
