"""SQL for runs and the sources' watermarks (result rows: results.py; the engine's
SQL: engine_sql.py)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

RUN_COLUMNS = """
    id AS run_id, recon_date, status, started_at, completed_at, triggered_by, is_current,
    coverage, watermarks, settings, summary, total, error, previous_run_id,
    (SELECT count(*) FROM reconciliation_amendments a
     WHERE a.recon_run_id = reconciliation_runs.id) AS amendment_count
"""

# ---------------------------------------------------------------- runs


async def insert_run(
    conn: AsyncConnection, day: date, triggered_by: str, settings: dict[str, Any]
) -> tuple[uuid.UUID, datetime]:
    row = (
        await conn.execute(
            text(
                "INSERT INTO reconciliation_runs (recon_date, status, triggered_by, settings) "
                "VALUES (:d, 'running', :by, CAST(:s AS jsonb)) RETURNING id, started_at"
            ),
            {"d": day, "by": triggered_by, "s": json.dumps(settings, default=str)},
        )
    ).one()
    return uuid.UUID(str(row.id)), row.started_at


async def lock_current_run(conn: AsyncConnection, day: date) -> uuid.UUID | None:
    """The day's current run, row-locked until commit: resolutions of its rows wait (or
    fail fast) meanwhile, so none is lost between carry-over and the switch."""
    value = (
        await conn.execute(
            text(
                "SELECT id FROM reconciliation_runs WHERE recon_date = :d AND is_current FOR UPDATE"
            ),
            {"d": day},
        )
    ).scalar_one_or_none()
    return None if value is None else uuid.UUID(str(value))


async def make_current(
    conn: AsyncConnection,
    run_id: uuid.UUID,
    previous_run_id: uuid.UUID | None,
    *,
    coverage: str,
    watermarks: dict[str, Any],
    summary: dict[str, Any],
    total: int,
) -> datetime:
    """Supersede the previous run and complete this one (the caller's transaction)."""
    if previous_run_id is not None:
        await conn.execute(
            text("UPDATE reconciliation_runs SET is_current = false WHERE id = :id"),
            {"id": previous_run_id},
        )
        # A superseded run keeps its summary and discrepancy rows (history, changes);
        # its matched pairs are only ever wanted for the current run's export.
        await conn.execute(
            text("DELETE FROM reconciliation_matches WHERE recon_run_id = :id"),
            {"id": previous_run_id},
        )
    completed: datetime = (
        await conn.execute(
            text(
                "UPDATE reconciliation_runs SET status = 'completed', is_current = true, "
                "completed_at = clock_timestamp(), coverage = :c, "
                "watermarks = CAST(:w AS jsonb), summary = CAST(:s AS jsonb), total = :t, "
                "previous_run_id = :p WHERE id = :id RETURNING completed_at"
            ),
            {
                "c": coverage,
                "w": json.dumps(watermarks, default=str),
                "s": json.dumps(summary, default=str),
                "t": total,
                "p": previous_run_id,
                "id": run_id,
            },
        )
    ).scalar_one()
    return completed


async def fail_run(conn: AsyncConnection, run_id: uuid.UUID, error: str) -> None:
    await conn.execute(
        text(
            "UPDATE reconciliation_runs SET status = 'failed', error = :e, "
            "completed_at = clock_timestamp() WHERE id = :id"
        ),
        {"e": error, "id": run_id},
    )


async def interrupt_stale_runs(conn: AsyncConnection, day: date) -> None:
    """A run still 'running' while we hold the day's lock was left by a dead process;
    the rows its shards had stored go with it."""
    stale = await conn.execute(
        text(
            "UPDATE reconciliation_runs SET status = 'failed', completed_at = clock_timestamp(), "
            "error = 'interrupted: the process running it stopped' "
            "WHERE recon_date = :d AND status = 'running' RETURNING id"
        ),
        {"d": day},
    )
    await discard_rows(conn, [uuid.UUID(str(row.id)) for row in stale])


async def discard_rows(conn: AsyncConnection, run_ids: list[uuid.UUID]) -> None:
    """Delete the rows of runs that did not complete."""
    if not run_ids:
        return
    for table in ("reconciliation_results", "reconciliation_matches"):
        await conn.execute(
            text(f"DELETE FROM {table} WHERE recon_run_id = ANY(:ids)"), {"ids": run_ids}
        )


async def get_run(conn: AsyncConnection, run_id: uuid.UUID) -> dict[str, Any] | None:
    row = (
        await conn.execute(
            text(f"SELECT {RUN_COLUMNS} FROM reconciliation_runs WHERE id = :id"), {"id": run_id}
        )
    ).one_or_none()
    return None if row is None else dict(row._mapping)


async def current_run(conn: AsyncConnection, day: date) -> dict[str, Any] | None:
    row = (
        await conn.execute(
            text(
                f"SELECT {RUN_COLUMNS} FROM reconciliation_runs "
                "WHERE recon_date = :d AND is_current"
            ),
            {"d": day},
        )
    ).one_or_none()
    return None if row is None else dict(row._mapping)


async def list_runs(
    conn: AsyncConnection, day: date | None, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    where = "WHERE recon_date = :d" if day is not None else ""
    params: dict[str, Any] = {"d": day, "l": limit, "o": offset}
    total = int(
        (
            await conn.execute(text(f"SELECT count(*) FROM reconciliation_runs {where}"), params)
        ).scalar_one()
    )
    rows = await conn.execute(
        text(
            f"SELECT {RUN_COLUMNS} FROM reconciliation_runs {where} "
            "ORDER BY started_at DESC, id LIMIT :l OFFSET :o"
        ),
        params,
    )
    return [dict(r._mapping) for r in rows], total


# ---------------------------------------------------------------- coverage


@dataclass(frozen=True, slots=True)
class Watermarks:
    vima: datetime | None
    payshack: datetime | None


async def watermarks(
    conn: AsyncConnection, *, vima_page_budget: int, vima_lag: timedelta
) -> Watermarks:
    """Instants before which each source's rows are all stored (docs/reconciliation.md).

    Vima: the start of the latest successful incremental sync that walked its cursors to
    the end (fewer pages than the per-run budget), minus the re-read lag: such a run saw
    every operation created before it started. PayShack: `sync_state.watermark`, which the
    connector moves to a run's start only once the run has read its whole window.
    """
    row = (
        await conn.execute(
            text(
                """
                SELECT
                    (SELECT max(started_at) FROM sync_runs
                     WHERE source = 'vima' AND kind = 'incremental' AND status = 'success'
                       AND pages < :budget) AS vima,
                    (SELECT watermark FROM sync_state WHERE source = 'payshack') AS payshack
                """
            ),
            {"budget": vima_page_budget},
        )
    ).one()
    vima = None if row.vima is None else row.vima - vima_lag
    return Watermarks(vima=vima, payshack=row.payshack)
