"""The discrepancy workbench: a row's two sides, what differed, owner, comments and
history; assigning, commenting and resolving many rows at once.

Owners and events (resolutions, assignments, comments) are keyed by day + identity +
type (workbench_sql), so they stay with a discrepancy across re-runs exactly as its
resolution does. Only rows of a day's current run can be acted on: a superseded run's
rows are history.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.audit.service import record
from psp_dashboard.auth.masking import mask_text_for, mask_transaction
from psp_dashboard.auth.principal import Principal
from psp_dashboard.cache import recon_summary_key
from psp_dashboard.errors import Conflict, NotFound, ValidationFailed
from psp_dashboard.kit.json import money
from psp_dashboard.reconciliation import results
from psp_dashboard.reconciliation import workbench_sql as sql
from psp_dashboard.runtime import Runtime

MAX_BULK = 500
_MINUTE = Decimal(60)
_GAP_QUANTUM = Decimal("0.01")


def actor_id(principal: Principal) -> uuid.UUID | None:
    return None if principal.via == "system" else principal.id


# ---------------------------------------------------------------- reading


def side_object(txn: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """One transaction as a side of the panel, payer data masked as `/transactions`
    masks it (`auth.masking.mask_transaction`, on the transaction's own field names)."""
    masked = mask_transaction(dict(txn), principal)
    # PayShack's payer id is the payer's VPA (sync/connectors/payshack/normalize.py);
    # Vima's is an account id, not a VPA.
    vpa = masked["user_id"] if txn["source"] == "payshack" else None
    return {
        "transaction_id": txn["id"],
        "external_id": txn["source_id"],
        "created_at": txn["created_at"],
        "amount": money(txn["amount"]),
        "currency": txn["currency"],
        "fee": None if txn["fee"] is None else money(txn["fee"]),
        "status": txn["status"],
        "original_status": txn["original_status"],
        "utr": txn["utr"],
        "payer_vpa": vpa,
        "payer_name": masked["user_name"],
        "payer_phone": masked["user_phone"],
    }


def _ids(values: Iterable[Any]) -> list[uuid.UUID]:
    return [uuid.UUID(str(v)) for v in values if v is not None]


def time_gap_minutes(
    vima: dict[str, Any] | None, payshack: dict[str, Any] | None
) -> Decimal | None:
    """PayShack's time minus Vima's, in minutes (2 decimals): negative when PayShack's
    row is the earlier one."""
    if vima is None or payshack is None:
        return None
    seconds = Decimal(str((payshack["created_at"] - vima["created_at"]).total_seconds()))
    return (seconds / _MINUTE).quantize(_GAP_QUANTUM, rounding=ROUND_HALF_UP)


def _history(events: list[dict[str, Any]], principal: Principal) -> list[dict[str, Any]]:
    return [
        {
            "action": e["action"],
            "by": e["actor_email"],
            "at": e["at"],
            "note": mask_text_for(e["note"], principal),
            "resolution": e["resolution"],
            "owner": None
            if e["owner_id"] is None
            # Users are deactivated, never deleted; should one go, its id still shows.
            else {"id": e["owner_id"], "email": e["owner_email"] or "(deleted user)"},
        }
        for e in events
    ]


async def enrich(
    conn: AsyncConnection, principal: Principal, row: dict[str, Any]
) -> dict[str, Any]:
    """A shaped result row (service.shape_result) with the panel's fields added."""
    details = row["details"] if isinstance(row["details"], dict) else {}
    dup_vima = _ids(details.get("vima_ids") or [])
    dup_payshack = _ids(details.get("payshack_ids") or [])
    vid = None if row["vima_txn_id"] is None else uuid.UUID(str(row["vima_txn_id"]))
    pid = None if row["payshack_txn_id"] is None else uuid.UUID(str(row["payshack_txn_id"]))
    txns = await sql.transactions_by_id(conn, _ids([vid, pid, *dup_vima, *dup_payshack]))
    vima = None if vid is None or vid not in txns else side_object(txns[vid], principal)
    payshack = None if pid is None or pid not in txns else side_object(txns[pid], principal)
    # Every row of a duplicate but the one each side column shows, in the engine's order.
    duplicates = [
        {"side": side, **side_object(txns[i], principal)}
        for side, ids, shown in (("vima", dup_vima, vid), ("payshack", dup_payshack, pid))
        for i in ids
        if i != shown and i in txns
    ]
    pair = row["match_status"] == "discrepancy" and row["discrepancy_type"] != "duplicate"
    diff = None
    if pair and row["vima_amount"] is not None and row["payshack_amount"] is not None:
        diff = money(Decimal(row["vima_amount"]) - Decimal(row["payshack_amount"]))
    keys = await sql.row_keys(conn, [uuid.UUID(str(row["id"]))])
    events = await sql.events_of(conn, keys[0]) if keys else []
    owners = await sql.owners_of(conn, [uuid.UUID(str(row["id"]))])
    row.update(
        vima=vima,
        payshack=payshack,
        duplicates=duplicates,
        time_gap_minutes=time_gap_minutes(vima, payshack) if pair else None,
        amount_diff=diff if pair else row["amount_diff"],
        owner=owners.get(uuid.UUID(str(row["id"]))),
        comments=[
            {
                "id": e["id"],
                "author": e["actor_email"],
                "body": mask_text_for(e["note"], principal),
                "created_at": e["at"],
            }
            for e in events
            if e["action"] == "comment"
        ],
        history=_history(events, principal),
    )
    return row


async def attach_owners(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """`owner` on each listed row (one query for the page)."""
    owners = await sql.owners_of(conn, [uuid.UUID(str(r["id"])) for r in rows])
    for r in rows:
        r["owner"] = owners.get(uuid.UUID(str(r["id"])))


# ---------------------------------------------------------------- acting


def _check_actionable(key: dict[str, Any]) -> None:
    if key["run_status"] == "running":
        raise Conflict(
            "A reconciliation of this day is running; try again when it has finished",
            {"reason": "run_in_progress", "date": key["recon_date"].isoformat()},
        )
    if not key["is_current"]:
        raise Conflict(
            "This discrepancy belongs to a superseded run; act on it in the current run",
            {"reason": "superseded_run", "id": str(key["id"]), "run_id": str(key["run_id"])},
        )


async def _actionable_key(conn: AsyncConnection, result_id: uuid.UUID) -> dict[str, Any]:
    keys = await sql.row_keys(conn, [result_id])
    if not keys:
        raise NotFound("Discrepancy not found", {"id": str(result_id)})
    _check_actionable(keys[0])
    return keys[0]


async def assign(
    runtime: Runtime, principal: Principal, result_id: uuid.UUID, owner_id: uuid.UUID | None
) -> None:
    """Give the discrepancy an owner (an active user), or none."""
    async with runtime.engine.begin() as conn:
        key = await _actionable_key(conn, result_id)
        if owner_id is not None and await sql.active_user_email(conn, owner_id) is None:
            raise ValidationFailed(
                "The owner must be an active user",
                {"field": "owner_id", "expected": "the id of an active user",
                 "received": str(owner_id)},
            )  # fmt: skip
        await sql.set_owner(conn, key, owner_id, principal.email)
        await sql.add_events(
            conn,
            [{"key": key, "action": "assign", "actor_id": actor_id(principal),
              "actor_email": principal.email, "owner_id": owner_id}],
        )  # fmt: skip
        await record(
            conn, principal, "recon.assign", target=str(result_id),
            params={"owner_id": None if owner_id is None else str(owner_id)},
        )  # fmt: skip


async def comment(runtime: Runtime, principal: Principal, result_id: uuid.UUID, body: str) -> None:
    text = body.strip()
    if not text:
        raise ValidationFailed(
            "A comment needs some text",
            {"field": "body", "expected": "1 to 2000 characters", "received": ""},
        )
    async with runtime.engine.begin() as conn:
        key = await _actionable_key(conn, result_id)
        await sql.add_events(
            conn,
            [{"key": key, "action": "comment", "actor_id": actor_id(principal),
              "actor_email": principal.email, "note": text}],
        )  # fmt: skip
        # The body is free text (payer data may be pasted in): its length, not its text.
        await record(
            conn, principal, "recon.comment", target=str(result_id),
            params={"length": len(text)},
        )  # fmt: skip


async def record_resolution(
    conn: AsyncConnection,
    principal: Principal,
    result_id: uuid.UUID,
    resolution: str,
    note: str | None,
) -> None:
    """The history entry of a single resolution (service.resolve, same transaction)."""
    keys = await sql.row_keys(conn, [result_id])
    await sql.add_events(
        conn,
        [{"key": k, "action": "resolve", "actor_id": actor_id(principal),
          "actor_email": principal.email, "resolution": resolution, "note": note}
         for k in keys],
    )  # fmt: skip


async def _share_lock_runs(conn: AsyncConnection, keys: list[dict[str, Any]]) -> set[str]:
    """Hold every run of the rows against a concurrent re-run (results.share_lock_run);
    the runs that are not current (any more)."""
    superseded: set[str] = set()
    for run_id in sorted({k["run_id"] for k in keys}, key=str):
        try:
            if not await results.share_lock_run(conn, run_id):
                superseded.add(str(run_id))
        except DBAPIError as exc:
            if getattr(exc.orig, "sqlstate", None) != "55P03":  # lock_not_available
                raise
            raise Conflict(
                "A reconciliation of one of these days is running; try again when it has finished",
                {"reason": "run_in_progress", "run_id": str(run_id)},
            ) from None
    return superseded


async def bulk_resolve(
    runtime: Runtime,
    principal: Principal,
    ids: list[uuid.UUID],
    resolution: str,
    note: str | None,
) -> int:
    """Set one resolution and note on every row, or on none: any unknown id or a row
    outside its day's current run refuses the whole request."""
    wanted = list(dict.fromkeys(ids))
    days: set[date] = set()
    async with runtime.engine.begin() as conn:
        keys = await sql.row_keys(conn, wanted, lock=True)
        unknown = sorted({str(i) for i in wanted} - {str(k["id"]) for k in keys})
        if unknown:
            raise NotFound(
                f"{len(unknown)} of the discrepancies do not exist; nothing was resolved",
                {"ids": unknown[:20]},
            )
        superseded = await _share_lock_runs(conn, keys)
        stale = [
            k
            for k in keys
            if k["run_status"] == "running" or not k["is_current"] or str(k["run_id"]) in superseded
        ]
        if stale:
            raise Conflict(
                f"{len(stale)} of the discrepancies are not in their day's current run; "
                "nothing was resolved",
                {"reason": "superseded_run", "ids": sorted(str(k["id"]) for k in stale)[:20]},
            )
        actor = None if resolution == "open" else principal.email
        await results.set_resolutions(conn, wanted, resolution=resolution, note=note, actor=actor)
        await sql.add_events(
            conn,
            [{"key": k, "action": "resolve", "actor_id": actor_id(principal),
              "actor_email": principal.email, "resolution": resolution, "note": note}
             for k in keys],
        )  # fmt: skip
        days = {k["recon_date"] for k in keys}
        await record(
            conn, principal, "recon.resolve_bulk", target=f"{len(keys)} discrepancies",
            params={"ids": [str(i) for i in wanted], "resolution": resolution, "note": note,
                    "dates": sorted(d.isoformat() for d in days)},
        )  # fmt: skip
    # After the commit, so no reader can cache a day's summary from before it.
    for day in days:
        await runtime.cache.delete(recon_summary_key(day.isoformat()))
    return len(keys)
