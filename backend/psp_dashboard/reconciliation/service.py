"""Reading reconciliation results: summary, discrepancies, runs, changes; resolutions."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.audit.service import record
from psp_dashboard.auth.masking import mask_payload, mask_text_for
from psp_dashboard.auth.principal import Principal
from psp_dashboard.cache import TTL_RECON_SUMMARY, Cache, recon_summary_key
from psp_dashboard.config import Settings
from psp_dashboard.errors import Conflict, ValidationFailed, found
from psp_dashboard.kit import keyset
from psp_dashboard.kit.json import dumps, money, percent
from psp_dashboard.kit.paging import offset_of, page_meta
from psp_dashboard.reconciliation import exposure, repository, result_keyset, results, workbench
from psp_dashboard.reconciliation.counterparts import attach_counterparts
from psp_dashboard.reconciliation.results import ResultFilter
from psp_dashboard.reconciliation.suggestions import matched_by_hand
from psp_dashboard.reconciliation.tasks import next_fire_time
from psp_dashboard.runtime import Runtime

API_TYPES = ("amount", "status", "time", "duplicate", "missing_vima", "missing_payshack")
_MONEY_FIELDS = ("vima_amount", "payshack_amount", "amount_diff")
_ZERO_PERCENT = Decimal("0.0")


def shape_result(row: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """A result row as the API shows it: exact money, details with exact numbers; for a
    viewer, payer data in the details and the note masked (notes are free text, where
    people paste what they see)."""
    for field in _MONEY_FIELDS:
        if row[field] is not None:
            row[field] = money(row[field])
    row["details"] = mask_payload(results.parse_details(row["details"]), principal)
    row["note"] = mask_text_for(row["note"], principal)
    return row


def _pct(count: int, total: int) -> Decimal:
    return percent(count, total) or _ZERO_PERCENT


# ---------------------------------------------------------------- summary


async def summary_json(conn: AsyncConnection, cache: Cache, settings: Settings, day: date) -> str:
    """The day's summary as JSON text, cached when the day has a run
    (`recon:summary:{date}`, 1 h; dropped by a run of the day and by a resolution of one
    of its rows). The schedule fields are added on every read: they move with the clock.
    The age buckets are as old as the cached summary (an hour at most)."""
    key = recon_summary_key(day.isoformat())
    cached = await cache.get_json(key)
    if isinstance(cached, str):
        summary = json.loads(cached, parse_float=Decimal)["data"]
    else:
        summary = await build_summary(conn, day)
        # Only days that have a run: any caller may name any day, and an empty summary
        # is one indexed lookup, not worth a key per day someone made up.
        if summary["run_id"] is not None:
            await cache.set_json(key, dumps({"data": summary}), TTL_RECON_SUMMARY)
    return dumps({"data": {**summary, **schedule_fields(settings, day)}})


def schedule_fields(settings: Settings, day: date, now: datetime | None = None) -> dict[str, Any]:
    """When the automatic run comes: next at all, and the one that reconciles `day` (the
    run of day D + 1 at RECON_SCHEDULE reconciles D), unless that time has passed."""
    now = now or datetime.now(UTC)
    return {
        "timezone": settings.recon_timezone,
        "next_run_at": next_fire_time(settings, now),
        "day_auto_run_at": _auto_run_of(settings, day, now),
    }


def _auto_run_of(settings: Settings, day: date, now: datetime) -> datetime | None:
    tz = ZoneInfo(settings.recon_timezone)
    try:
        own = datetime.combine(day + timedelta(days=1), settings.recon_schedule, tzinfo=tz)
        own_utc = own.astimezone(UTC)
    except OverflowError:  # the calendar's last day has no day after it
        return None
    return own_utc if own_utc > now else None


def _empty_summary(day: date) -> dict[str, Any]:
    return {
        "date": day,
        "run_id": None,
        "run_at": None,
        "total_transactions": 0,
        "matched": {"count": 0, "percentage": _ZERO_PERCENT},
        "discrepancies": {
            "count": 0,
            "percentage": _ZERO_PERCENT,
            "by_type": {"amount": 0, "status": 0, "time": 0, "duplicate": 0},
        },
        "missing": {
            "count": 0,
            "percentage": _ZERO_PERCENT,
            "missing_vima": 0,
            "missing_payshack": 0,
        },
        "coverage": None,
        "watermarks": None,
        "changes": None,
        "money_at_risk": exposure.empty_money_at_risk(),
        "reconciled": False,
    }


async def build_summary(conn: AsyncConnection, day: date) -> dict[str, Any]:
    run = await repository.current_run(conn, day)
    if run is None:
        return _empty_summary(day)
    s = run["summary"]
    total = int(s["total_transactions"])
    return {
        "date": day,
        "run_id": run["run_id"],
        "run_at": run["completed_at"],
        "total_transactions": total,
        "matched": {"count": s["matched"], "percentage": _pct(s["matched"], total)},
        "discrepancies": {
            "count": s["discrepancies"],
            "percentage": _pct(s["discrepancies"], total),
            "by_type": s["by_type"],
        },
        "missing": {
            "count": s["missing"],
            "percentage": _pct(s["missing"], total),
            "missing_vima": s["missing_vima"],
            "missing_payshack": s["missing_payshack"],
        },
        "coverage": run["coverage"],
        "watermarks": run["watermarks"],
        "changes": s.get("changes"),
        "money_at_risk": await exposure.money_at_risk(conn, run["run_id"]),
        "reconciled": True,
    }


# ---------------------------------------------------------------- lists


async def list_discrepancies(
    conn: AsyncConnection,
    principal: Principal,
    flt: ResultFilter,
    page: int,
    limit: int,
    cursor: str | None = None,
) -> dict[str, Any]:
    if flt.from_date and flt.to_date and flt.from_date > flt.to_date:
        raise ValidationFailed(
            "to_date is before from_date",
            {"field": "to_date", "expected": "on or after from_date",
             "received": flt.to_date.isoformat()},
        )  # fmt: skip
    # Keyset paging (result_keyset.py): one row beyond the page tells whether there is
    # a next one; page mode answers `next_cursor` too, so page 1 starts a walk.
    keyset.check_exclusive(page, cursor)
    meta: dict[str, Any]
    if cursor is not None:
        rows = await result_keyset.rows_after(conn, flt, limit + 1, cursor)
        total = await result_keyset.count(conn, flt)
        meta = {"limit": limit, "total": total, "total_pages": -(-total // limit)}
    else:
        rows, total = await results.list_results(conn, flt, limit + 1, offset_of(page, limit))
        meta = page_meta(page, limit, total)
    more, rows = len(rows) > limit, rows[:limit]
    meta["next_cursor"] = result_keyset.encode_after(rows[-1]) if more else None
    await workbench.attach_owners(conn, rows)
    await attach_counterparts(conn, rows)
    return {"data": [shape_result(r, principal) for r in rows], "meta": meta}


async def get_discrepancy(
    conn: AsyncConnection, principal: Principal, result_id: uuid.UUID
) -> dict[str, Any]:
    # A run in progress commits its rows shard by shard: not shown until it completes.
    row = await results.get_result(conn, result_id, completed_only=True)
    shaped = shape_result(found(row, "Discrepancy not found", {"id": str(result_id)}), principal)
    await attach_counterparts(conn, [shaped])
    shaped["matched_by_hand"] = await matched_by_hand(conn, shaped)
    return await workbench.enrich(conn, principal, shaped)


def shape_run(run: dict[str, Any], principal: Principal) -> dict[str, Any]:
    s = run.pop("summary") or {}
    run["date"] = run.pop("recon_date")
    run["total_transactions"] = run.pop("total")
    for field in ("matched", "discrepancies", "missing", "missing_vima", "missing_payshack"):
        run[field] = s.get(field)
    run["by_type"] = s.get("by_type")
    run["changes"] = s.get("changes")
    run["error"] = mask_text_for(run.get("error"), principal)
    return run


async def list_runs(
    conn: AsyncConnection, principal: Principal, day: date | None, page: int, limit: int
) -> dict[str, Any]:
    rows, total = await repository.list_runs(conn, day, limit, offset_of(page, limit))
    return {"data": [shape_run(r, principal) for r in rows], "meta": page_meta(page, limit, total)}


async def get_run(conn: AsyncConnection, principal: Principal, run_id: uuid.UUID) -> dict[str, Any]:
    run = await repository.get_run(conn, run_id)
    return shape_run(found(run, "Reconciliation run not found", {"id": str(run_id)}), principal)


async def list_changes(
    conn: AsyncConnection, principal: Principal, run_id: uuid.UUID, kind: str, page: int, limit: int
) -> dict[str, Any]:
    run = await get_run(conn, principal, run_id)
    previous = run["previous_run_id"]
    if previous is None:
        return {"data": [], "meta": page_meta(page, limit, 0)}
    rows, total = await results.list_changes(
        conn, run_id, previous, kind, limit, offset_of(page, limit)
    )
    await workbench.attach_owners(conn, rows)
    return {
        "data": [shape_result(r, principal) for r in rows],
        "meta": page_meta(page, limit, total),
    }


# ---------------------------------------------------------------- resolutions


async def resolve(
    runtime: Runtime,
    principal: Principal,
    result_id: uuid.UUID,
    resolution: str,
    note: str | None,
) -> dict[str, Any]:
    """Set a discrepancy's resolution (`open` reopens it). Only rows of a day's current
    run: a superseded run's rows are history, and their resolutions would be lost."""
    async with runtime.engine.begin() as conn:
        row = found(
            await results.get_result(conn, result_id, lock=True),
            "Discrepancy not found",
            {"id": str(result_id)},
        )
        try:
            current = await results.share_lock_run(conn, row["run_id"])
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) != "55P03":  # lock_not_available
                raise
            raise Conflict(
                "A reconciliation of this day is running; try again when it has finished",
                {"reason": "run_in_progress", "date": row["recon_date"].isoformat()},
            ) from None
        if not current:
            raise Conflict(
                "This discrepancy belongs to a superseded run; resolve it in the current run",
                {"reason": "superseded_run", "run_id": str(row["run_id"])},
            )
        # Reopening clears who/when; the audit trail keeps every step.
        actor = None if resolution == "open" else principal.email
        await results.set_resolution(conn, result_id, resolution=resolution, note=note, actor=actor)
        await workbench.record_resolution(conn, principal, result_id, resolution, note)
        await record(
            conn,
            principal,
            "recon.resolve",
            target=str(result_id),
            params={"resolution": resolution, "previous": row["resolution"], "note": note},
        )
        updated = await results.get_result(conn, result_id)
    # After the commit, so no reader can cache the day's summary from before it.
    await runtime.cache.delete(recon_summary_key(row["recon_date"].isoformat()))
    assert updated is not None
    async with runtime.engine.connect() as conn:
        await workbench.attach_owners(conn, [updated])
    return shape_result(updated, principal)
