"""Sync state and run records, and the one-run-per-source lock across processes."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from psp_dashboard.kit.locks import session_lock
from psp_dashboard.kit.timeparse import parse_iso_utc
from psp_dashboard.sync.connectors.completeness import WindowReport
from psp_dashboard.sync.schemas import SyncRunKind

# sync_state columns that mirror well-known checkpoint keys, for the API and humans.
MIRRORED_KEYS = ("last_create_cursor", "last_update_cursor")


@asynccontextmanager
async def source_lock(
    engine: AsyncEngine, source: str, *, wait: bool = False
) -> AsyncIterator[bool]:
    """Hold the source's session-level advisory lock for the block (`kit.locks`): a
    crashed run never blocks the next one. Yields False (without waiting) when another
    process holds it and `wait` is False."""
    async with session_lock(engine, f"psp-sync:{source}", wait=wait) as held:
        yield held is not None


async def is_running_elsewhere(engine: AsyncEngine, source: str) -> bool:
    """True when some process holds the source's lock (probe: take it and let go)."""
    async with source_lock(engine, source) as acquired:
        return not acquired


async def load_checkpoint(conn: AsyncConnection, source: str) -> dict[str, str]:
    row = (
        await conn.execute(
            text("SELECT checkpoint FROM sync_state WHERE source = :s"), {"s": source}
        )
    ).one_or_none()
    if row is None:
        raise LookupError(f"unknown sync source {source!r}")
    return {str(k): str(v) for k, v in (row[0] or {}).items()}


async def save_checkpoint(
    conn: AsyncConnection, source: str, checkpoint: Mapping[str, str], changed_rows: int
) -> None:
    """Store the checkpoint in the caller's transaction (the one holding the rows)."""
    mirrored = {k: checkpoint.get(k) for k in MIRRORED_KEYS}
    await conn.execute(
        text(
            "UPDATE sync_state SET checkpoint = checkpoint || CAST(:cp AS jsonb), "
            "last_create_cursor = COALESCE(:c, last_create_cursor), "
            "last_update_cursor = COALESCE(:u, last_update_cursor), "
            "watermark = COALESCE(CAST(:w AS timestamptz), watermark), "
            "records_synced = COALESCE(records_synced, 0) + :n, updated_at = NOW() "
            "WHERE source = :s"
        ),
        {
            "cp": json.dumps(dict(checkpoint)),
            "c": mirrored["last_create_cursor"],
            "u": mirrored["last_update_cursor"],
            "w": parse_iso_utc(checkpoint["watermark"]) if checkpoint.get("watermark") else None,
            "n": changed_rows,
            "s": source,
        },
    )


async def record_newest(conn: AsyncConnection, source: str, newest: datetime | None) -> None:
    """Move `newest_record_at` forward (never back) in the caller's transaction."""
    if newest is None:
        return
    await conn.execute(
        text(
            "UPDATE sync_state SET newest_record_at = GREATEST(newest_record_at, :n) "
            "WHERE source = :s"
        ),
        {"n": newest, "s": source},
    )


@dataclass
class RunCounts:
    fetched: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0
    unknown_statuses: int = 0
    pages: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    # One per window the run walked: what the provider stated and what was accounted for.
    reports: list[WindowReport] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.inserted + self.updated

    _SUMMED = ("fetched", "inserted", "updated", "unchanged", "quarantined",
               "unknown_statuses", "pages")  # fmt: skip

    def add(self, other: RunCounts) -> None:
        """Add another batch's numbers (not its reports or extras)."""
        for name in self._SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def plus(self, other: RunCounts) -> RunCounts:
        """These numbers with another batch's added, as a new object."""
        total = RunCounts()
        total.add(self)
        total.add(other)
        return total

    @property
    def incomplete(self) -> list[WindowReport]:
        return [r for r in self.reports if not r.complete]

    @property
    def rows_expected(self) -> int | None:
        """Rows the provider said the run's windows hold; None when one window stated no
        row total (nothing, or pages only): then no run-wide figure compares with
        `rows_read`."""
        stated = [r.count.expected for r in self.reports if r.count.unit == "rows"]
        if not self.reports or len(stated) < len(self.reports) or None in stated:
            return None
        return sum(e for e in stated if e is not None)

    @property
    def rows_read(self) -> int | None:
        """Rows accounted for; for a window counted in pages (the listing stated no row
        total), the rows actually read."""
        if not self.reports:
            return None
        return sum(
            r.count.accounted if r.count.unit == "rows" else r.count.rows_read for r in self.reports
        )

    def as_params(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self._SUMMED}


async def start_run(
    engine: AsyncEngine, source: str, kind: SyncRunKind, params: Mapping[str, Any]
) -> uuid.UUID:
    """Record the run and mark the source running; close out runs a crash left open."""
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE sync_runs SET status = 'interrupted', finished_at = NOW(), "
                "error = COALESCE(error, 'the process running this sync stopped') "
                "WHERE source = :s AND status = 'running' AND kind = :k"
            ),
            {"s": source, "k": kind},
        )
        run_id = (
            await conn.execute(
                text(
                    "INSERT INTO sync_runs (source, kind, status, params) "
                    "VALUES (:s, :k, 'running', CAST(:p AS jsonb)) RETURNING id"
                ),
                {"s": source, "k": kind, "p": json.dumps(dict(params), default=str)},
            )
        ).scalar_one()
        if kind == "incremental":
            await conn.execute(
                text(
                    "UPDATE sync_state SET sync_status = 'running', last_sync_at = NOW(), "
                    "updated_at = NOW() WHERE source = :s"
                ),
                {"s": source},
            )
    return uuid.UUID(str(run_id))


async def ran_since(engine: AsyncEngine, source: str, kind: str, since: datetime) -> bool:
    """Whether a run of this kind finished its walk (success or incomplete) since then."""
    async with engine.connect() as conn:
        found = await conn.execute(
            text(
                "SELECT 1 FROM sync_runs WHERE source = :s AND kind = :k AND started_at >= :t "
                "AND status IN ('success', 'incomplete') LIMIT 1"
            ),
            {"s": source, "k": kind, "t": since},
        )
        return found.first() is not None


async def record_progress(conn: AsyncConnection, run_id: uuid.UUID, counts: RunCounts) -> None:
    await conn.execute(
        text(
            "UPDATE sync_runs SET fetched = :fetched, inserted = :inserted, "
            "updated = :updated, unchanged = :unchanged, quarantined = :quarantined, "
            "unknown_statuses = :unknown_statuses, pages = :pages WHERE id = :id"
        ),
        {**counts.as_params(), "id": run_id},
    )


async def finish_run(
    engine: AsyncEngine,
    run_id: uuid.UUID,
    source: str,
    kind: SyncRunKind,
    counts: RunCounts,
    *,
    status: str,
    error: str | None,
    started: datetime,
    next_sync_at: datetime | None = None,
) -> None:
    async with engine.begin() as conn:
        await record_progress(conn, run_id, counts)
        await conn.execute(
            text(
                "UPDATE sync_runs SET status = :st, error = :err, finished_at = NOW(), "
                "duration_ms = (EXTRACT(EPOCH FROM (NOW() - :started)) * 1000)::bigint, "
                "rows_expected = :expected, rows_read = :read, "
                "completeness = CAST(:completeness AS jsonb) WHERE id = :id"
            ),
            {
                "st": status,
                "err": error,
                "started": started,
                "id": run_id,
                "expected": counts.rows_expected,
                "read": counts.rows_read,
                "completeness": json.dumps([r.as_json() for r in counts.reports]),
            },
        )
        if kind != "incremental":
            return
        await conn.execute(
            text(
                "UPDATE sync_state SET sync_status = :state, error_message = :err, "
                "last_successful_sync = CASE WHEN :ok THEN NOW() ELSE last_successful_sync END, "
                "next_sync_at = COALESCE(:next, next_sync_at), updated_at = NOW() "
                "WHERE source = :s"
            ),
            {
                "state": status if status in ("failed", "incomplete") else "idle",
                "err": error,
                "ok": status == "success",
                "next": next_sync_at,
                "s": source,
            },
        )
