"""Reading reconciliation results: summary, discrepancies, runs, changes; resolutions."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.audit.service import record
from psp_dashboard.auth.masking import mask_payload, mask_text_for
from psp_dashboard.auth.principal import Principal
from psp_dashboard.cache import TTL_RECON_SUMMARY, Cache, recon_summary_key
from psp_dashboard.errors import Conflict, ValidationFailed, found
from psp_dashboard.kit.json import dumps, money, percent
from psp_dashboard.kit.paging import offset_of, page_meta
from psp_dashboard.reconciliation import repository, results
from psp_dashboard.reconciliation.results import ResultFilter
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


async def summary_json(conn: AsyncConnection, cache: Cache, day: date) -> str:
    """The day's summary as JSON text, cached when the day has a run
    (`recon:summary:{date}`, 1 h; dropped by a run of the day and by a resolution of one
    of its rows)."""
    key = recon_summary_key(day.isoformat())
    cached = await cache.get_json(key)
    if isinstance(cached, str):
        return cached
    summary = await build_summary(conn, day)
    body = dumps({"data": summary})
    # Only days that have a run: any caller may name any day, and an empty summary is
    # one indexed lookup, not worth a key per day someone made up.
    if summary["run_id"] is not None:
        await cache.set_json(key, body, TTL_RECON_SUMMARY)
    return body


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
        "money_at_risk": {"total": money(Decimal(0)), "by_type": {}, "oldest_open_at": None},
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
        "money_at_risk": await money_at_risk(conn, run["run_id"]),
    }


async def money_at_risk(conn: AsyncConnection, run_id: uuid.UUID) -> dict[str, Any]:
    """Amount behind the run's unresolved rows (open or acknowledged): the difference
    for amount discrepancies, else the payment's amount (Vima's, PayShack's when Vima
    has none); and when the oldest of them was first seen."""
    rows = await results.open_exposure(conn, run_id)
    by_type = {r["type"]: money(r["amount"]) for r in sorted(rows, key=lambda r: r["type"])}
    oldest = min((r["oldest"] for r in rows if r["oldest"] is not None), default=None)
    return {
        "total": money(sum((r["amount"] for r in rows), Decimal(0))),
        "by_type": by_type,
        "oldest_open_at": oldest,
        "open_count": sum(int(r["n"]) for r in rows),
    }


# ---------------------------------------------------------------- lists


async def list_discrepancies(
    conn: AsyncConnection, principal: Principal, flt: ResultFilter, page: int, limit: int
) -> dict[str, Any]:
    if flt.from_date and flt.to_date and flt.from_date > flt.to_date:
        raise ValidationFailed(
            "to_date is before from_date",
            {"field": "to_date", "expected": "on or after from_date",
             "received": flt.to_date.isoformat()},
        )  # fmt: skip
    rows, total = await results.list_results(conn, flt, limit, offset_of(page, limit))
    return {
        "data": [shape_result(r, principal) for r in rows],
        "meta": page_meta(page, limit, total),
    }


async def get_discrepancy(
    conn: AsyncConnection, principal: Principal, result_id: uuid.UUID
) -> dict[str, Any]:
    row = await results.get_result(conn, result_id)
    return shape_result(found(row, "Discrepancy not found", {"id": str(result_id)}), principal)


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
    return shape_result(updated, principal)
