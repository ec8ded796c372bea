"""SQL behind the sync endpoints."""

from __future__ import annotations

import math
import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.sync.backfill_shards import SHARD_COUNTS, shard_state


def page_meta(page: int, limit: int, total: int) -> dict[str, int]:
    return {
        "page": page,
        "limit": limit,
        "total": total,
        "total_pages": math.ceil(total / limit) if total else 0,
    }


async def sync_states(conn: AsyncConnection) -> list[dict[str, Any]]:
    """Each source's state, with its latest finished incremental run (its status and
    what it expected and read)."""
    rows = await conn.execute(
        text(
            "SELECT s.source, s.sync_status, s.last_sync_at, s.last_successful_sync, "
            "s.records_synced, s.next_sync_at, s.error_message, s.last_create_cursor, "
            "s.last_update_cursor, s.watermark, s.newest_record_at, "
            "r.status AS last_run_status, r.rows_expected AS last_rows_expected, "
            "r.rows_read AS last_rows_read "
            "FROM sync_state s LEFT JOIN LATERAL ("
            "  SELECT status, rows_expected, rows_read FROM sync_runs "
            "  WHERE source = s.source AND kind = 'incremental' AND finished_at IS NOT NULL "
            "  ORDER BY started_at DESC LIMIT 1) r ON TRUE "
            "ORDER BY CASE s.source WHEN 'vima' THEN 0 WHEN 'payshack' THEN 1 ELSE 2 END, s.source"
        )
    )
    return [dict(r._mapping) for r in rows]


_RUNS_WHERE = (
    " WHERE (CAST(:source AS text) IS NULL OR source = :source)"
    " AND (CAST(:kind AS text) IS NULL OR kind = :kind)"
)
_RUNS_COUNT = "SELECT COUNT(*) FROM sync_runs" + _RUNS_WHERE
_RUNS_PAGE = (
    "SELECT id, source, kind, status, started_at, finished_at, fetched, inserted, updated, "
    "unchanged, quarantined, unknown_statuses, pages, duration_ms, error, params, "
    "rows_expected, rows_read, completeness FROM sync_runs"
    + _RUNS_WHERE
    + " ORDER BY started_at DESC LIMIT :limit OFFSET :offset"
)
# A backfill's run shows the days it covers (older runs too: read from its backfill).
_RUNS_PAGE_WITH_DAYS = (
    "SELECT r.*, b.id AS backfill_id, b.from_date, b.to_date FROM ("
    + _RUNS_PAGE
    + ") r LEFT JOIN sync_backfills b "
    "ON r.kind = 'backfill' AND b.id::text = r.params->>'backfill_id' "
    "ORDER BY r.started_at DESC"
)


async def list_runs(
    conn: AsyncConnection, source: str | None, kind: str | None, page: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    params: dict[str, Any] = {"source": source, "kind": kind}
    total = (await conn.execute(text(_RUNS_COUNT), params)).scalar_one()
    rows = await conn.execute(
        text(_RUNS_PAGE_WITH_DAYS), {**params, "limit": limit, "offset": (page - 1) * limit}
    )
    return [dict(r._mapping) for r in rows], int(total)


_BACKFILL_SELECT = (
    "SELECT id, source, from_date, to_date, status, requested_by, created_at, updated_at, "
    "error, (SELECT COUNT(*) FROM jsonb_each(shards)) AS days_total, "
    "(SELECT COUNT(*) FROM jsonb_each(shards) e WHERE (e.value->>'done')::boolean) "
    "AS days_done, t.fetched, t.stored, t.quarantined FROM sync_backfills "
    # Running totals: the sums of what each day's shard has saved so far.
    "CROSS JOIN LATERAL (SELECT "
    "COALESCE(SUM((e.value->>'fetched')::bigint), 0) AS fetched, "
    "COALESCE(SUM((e.value->>'stored')::bigint), 0) AS stored, "
    "COALESCE(SUM((e.value->>'quarantined')::bigint), 0) AS quarantined "
    "FROM jsonb_each(shards) e) t"
)


async def get_backfill(conn: AsyncConnection, backfill_id: uuid.UUID) -> dict[str, Any] | None:
    """The backfill with its totals and each day's shard, in date order."""
    row = (
        await conn.execute(
            text(
                "SELECT b.*, s.shards FROM (" + _BACKFILL_SELECT + " WHERE id = :id) b "
                "JOIN sync_backfills s ON s.id = b.id"
            ),
            {"id": backfill_id},
        )
    ).one_or_none()
    if row is None:
        return None
    found = dict(row._mapping)
    found["shards"] = [
        {
            "date": day,
            "state": shard_state(shard, found["status"]),
            **{name: int(shard.get(name) or 0) for name in SHARD_COUNTS},
            "error": shard.get("error"),
        }
        for day, shard in sorted(found.pop("shards").items())
    ]
    return found


async def list_backfills(
    conn: AsyncConnection, page: int, limit: int
) -> tuple[list[dict[str, Any]], int]:
    total = (await conn.execute(text("SELECT COUNT(*) FROM sync_backfills"))).scalar_one()
    rows = await conn.execute(
        text(_BACKFILL_SELECT + " ORDER BY created_at DESC LIMIT :limit OFFSET :offset"),
        {"limit": limit, "offset": (page - 1) * limit},
    )
    return [dict(r._mapping) for r in rows], int(total)


_QUARANTINE_BY_SOURCE = " WHERE (CAST(:source AS text) IS NULL OR source = :source)"
_QUARANTINE_WHERE = (
    _QUARANTINE_BY_SOURCE + " AND (CAST(:reason AS text) IS NULL OR reason = :reason)"
)
_QUARANTINE_COUNT = "SELECT COUNT(*) FROM quarantine" + _QUARANTINE_WHERE
# The reasons of the source's records (whatever `reason` is picked): the filter's choices.
_QUARANTINE_REASONS = (
    "SELECT reason, COUNT(*) AS n FROM quarantine"
    + _QUARANTINE_BY_SOURCE
    + " GROUP BY reason ORDER BY n DESC, reason"
)
_QUARANTINE_PAGE = (
    "SELECT id, source, source_record_id, reason, raw, first_seen_at, last_seen_at, "
    "seen_count FROM quarantine"
    + _QUARANTINE_WHERE
    + " ORDER BY last_seen_at DESC, id DESC LIMIT :limit OFFSET :offset"
)


async def list_quarantine(
    conn: AsyncConnection, source: str | None, page: int, limit: int, reason: str | None = None
) -> tuple[list[dict[str, Any]], int]:
    params = {"source": source, "reason": reason}
    total = (await conn.execute(text(_QUARANTINE_COUNT), params)).scalar_one()
    rows = await conn.execute(
        text(_QUARANTINE_PAGE), {**params, "limit": limit, "offset": (page - 1) * limit}
    )
    return [dict(r._mapping) for r in rows], int(total)


async def quarantine_reasons(conn: AsyncConnection, source: str | None) -> list[dict[str, Any]]:
    """Each distinct reason (of `source`'s records, or all) with its record count."""
    rows = await conn.execute(text(_QUARANTINE_REASONS), {"source": source})
    return [{"reason": r.reason, "count": int(r.n)} for r in rows]
