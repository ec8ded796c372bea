"""Suggested matches for a missing row: likely counterparts on the other side, ranked.

The rules of reconciliation.md stay the judge: a suggestion never changes a
classification. An analyst confirms one (both missing rows are resolved "matched by
hand" with a note; resolutions carry over re-runs) or dismisses it (never suggested
again for that pair). Reasons, strongest first:

1. `same_utr` — the other side has a row with the same UTR (±1 day);
2. `normalized_key` — the same key once trimmed of any white space (tabs, no-break
   spaces), lower-cased and stripped of leading zeros (±1 day), where the engine's
   byte-wise trimmed comparison saw two keys;
3. `other_project` — the same key under a project that is not reconciled;
4. `same_amount_time` — the same amount (within the amount tolerance) within the time
   tolerance, on a row whose key has no row on this side, nearest first;
5. `outside_window` — the same key, outside the window the rules pair within.

A transaction is suggested once, under its strongest reason; ten at most.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.audit.service import record
from psp_dashboard.auth.principal import Principal
from psp_dashboard.cache import recon_summary_key
from psp_dashboard.errors import Conflict, NotFound, ValidationFailed
from psp_dashboard.kit.json import money
from psp_dashboard.reconciliation import results, workbench
from psp_dashboard.reconciliation import workbench_sql as wsql
from psp_dashboard.reconciliation.counterparts import duration_text, offset_text
from psp_dashboard.reconciliation.engine_sql import IDENTITY_SQL
from psp_dashboard.reconciliation.runs import engine_params
from psp_dashboard.reconciliation.workbench import actor_id
from psp_dashboard.runtime import Runtime

REASONS = ("same_utr", "normalized_key", "other_project", "same_amount_time", "outside_window")
RANK = {reason: i for i, reason in enumerate(REASONS, start=1)}
MAX_SUGGESTIONS = 10
HORIZON = timedelta(days=1)  # how far in time utr and normalized-key look
_NAMESPACE = uuid.UUID("5b0c3a52-4f1e-4d5e-9c7a-7d3f0b9e1a15")

# White space of any kind at the ends (btrim only trims spaces), case, leading zeros.
_WS = r"[\s\u00a0\u2007\u202f\u200b\ufeff]"
NORMALIZED_KEY_SQL = (
    "ltrim(lower(regexp_replace({k}, '^" + _WS + "+|" + _WS + "+$', '', 'g')), '0')"
)
_CANDIDATE_COLUMNS = (
    "o.id, o.source, o.client_operation_id, o.order_id, o.project, o.amount, o.status, "
    "o.created_at, o.utr, o.source_id"
)

_PRESENT = text(
    "SELECT id, source, created_at, amount, utr, project, "
    "CASE WHEN source = 'vima' THEN client_operation_id ELSE order_id END AS key "
    "FROM transactions WHERE id = :id"
)


def _other_key(source: str) -> str:
    return "o.client_operation_id" if source == "vima" else "o.order_id"


def _own_key(source: str) -> str:
    return "x.client_operation_id" if source == "vima" else "x.order_id"


def suggestion_id(recon_date: Any, identity: str, transaction_id: Any) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{recon_date}|{identity}|{transaction_id}")


async def _candidates(
    conn: AsyncConnection,
    present: dict[str, Any],
    other: str,
    projects: list[str],
    amount_tol: Decimal,
    time_tol: timedelta,
) -> list[tuple[str, dict[str, Any]]]:
    ok = other_key = _other_key(other)
    key = present["key"]
    p = {
        "src": other,
        "t": present["created_at"],
        "lo": present["created_at"] - HORIZON,
        "hi": present["created_at"] + HORIZON,
        "projects": projects,
        "key": key,
        "utr": (present["utr"] or "").strip() or None,
        "amount": present["amount"],
        "atol": amount_tol,
        "tlo": present["created_at"] - time_tol,
        "thi": present["created_at"] + time_tol,
        "self": present["source"],
    }
    base = f"SELECT {_CANDIDATE_COLUMNS} FROM transactions o WHERE o.source = :src"
    nearest = " ORDER BY abs(extract(epoch FROM o.created_at - :t)), o.id LIMIT 10"
    found: list[tuple[str, dict[str, Any]]] = []

    async def add(reason: str, sql: str) -> None:
        for r in await conn.execute(text(sql + nearest), p):
            found.append((reason, dict(r._mapping)))

    if p["utr"] is not None:
        await add("same_utr", f"{base} AND o.created_at BETWEEN :lo AND :hi AND o.utr = :utr")
    if key is not None:
        await add(
            "normalized_key",
            f"{base} AND o.created_at BETWEEN :lo AND :hi "
            f"AND {NORMALIZED_KEY_SQL.format(k=ok)} = {NORMALIZED_KEY_SQL.format(k=':key')} "
            f"AND btrim({ok}) IS DISTINCT FROM btrim(:key)",
        )
        await add(
            "other_project",
            f"{base} AND {other_key} = btrim(:key) "
            "AND (o.project IS NULL OR NOT o.project = ANY(:projects))",
        )
    # A candidate whose key has a row on this side is somebody else's counterpart.
    await add(
        "same_amount_time",
        f"{base} AND o.project = ANY(:projects) AND o.created_at BETWEEN :tlo AND :thi "
        "AND abs(o.amount - :amount) <= :atol "
        f"AND NOT EXISTS (SELECT 1 FROM transactions x WHERE x.source = :self "
        f"AND {_own_key(present['source'])} = {other_key})",
    )
    if key is not None:
        await add(
            "outside_window",
            f"{base} AND {other_key} = btrim(:key) AND o.project = ANY(:projects)",
        )
    return found


def _reason_text(
    reason: str, present: dict[str, Any], cand: dict[str, Any], grace_minutes: float
) -> str:
    delta = cand["created_at"] - present["created_at"]
    key = cand["client_operation_id"] if cand["source"] == "vima" else cand["order_id"]
    if reason == "same_utr":
        return f"Same UTR {cand['utr']}"
    if reason == "normalized_key":
        return (
            f"Same key once trimmed, lower-cased and without leading zeros: {key!r} "
            f"against {present['key']!r}"
        )
    if reason == "other_project":
        return f"Same key under project {cand['project'] or '(none)'}, which is not reconciled"
    if reason == "same_amount_time":
        when = (
            "at the same time"
            if not delta
            else (f"{duration_text(delta)} {'later' if delta.total_seconds() > 0 else 'earlier'}")
        )
        return f"Same amount {money(cand['amount'])}, {when}"
    return offset_text(delta, grace_minutes)[0].upper() + offset_text(delta, grace_minutes)[1:]


async def _missing_row(conn: AsyncConnection, result_id: uuid.UUID) -> dict[str, Any]:
    row = await results.get_result(conn, result_id, completed_only=True)
    if row is None:
        raise NotFound("Discrepancy not found", {"id": str(result_id)})
    return row


async def suggestions_for(
    runtime: Runtime, principal: Principal, result_id: uuid.UUID
) -> dict[str, Any]:
    """The ranked suggestions of a missing row (none for other rows), stored with their
    stable ids so they can be confirmed or dismissed; dismissed pairs are left out."""
    settings = runtime.settings
    params = engine_params(settings)
    async with runtime.engine.begin() as conn:
        row = await _missing_row(conn, result_id)
        if row["match_status"] not in ("missing_vima", "missing_payshack"):
            return {"items": []}
        present_id = row["vima_txn_id"] or row["payshack_txn_id"]
        present = dict((await conn.execute(_PRESENT, {"id": present_id})).one()._mapping)
        other = "payshack" if row["match_status"] == "missing_payshack" else "vima"
        found = await _candidates(
            conn, present, other, list(params.projects), params.amount_tolerance,
            params.time_tolerance,
        )  # fmt: skip
        keys = (await wsql.row_keys(conn, [result_id]))[0]
        best: dict[Any, tuple[str, dict[str, Any]]] = {}
        for reason, cand in found:
            held = best.get(cand["id"])
            if held is None or RANK[reason] < RANK[held[0]]:
                best[cand["id"]] = (reason, cand)
        ranked = sorted(
            best.values(),
            key=lambda rc: (
                RANK[rc[0]],
                abs((rc[1]["created_at"] - present["created_at"]).total_seconds()),
                str(rc[1]["id"]),
            ),
        )
        items: list[dict[str, Any]] = []
        grace = params.grace.total_seconds() / 60
        for reason, cand in ranked:
            sid = suggestion_id(row["recon_date"], keys["ident"], cand["id"])
            status = (
                await conn.execute(
                    text(
                        "INSERT INTO reconciliation_suggestions (id, recon_date, row_identity, "
                        "side, transaction_id, reason) VALUES (:id, :d, :i, :side, :t, :r) "
                        "ON CONFLICT (recon_date, row_identity, transaction_id) DO UPDATE "
                        "SET reason = EXCLUDED.reason RETURNING status"
                    ),
                    {
                        "id": sid,
                        "d": row["recon_date"],
                        "i": keys["ident"],
                        "side": other,
                        "t": cand["id"],
                        "r": reason,
                    },
                )
            ).scalar_one()
            if status == "dismissed":
                continue
            items.append(
                {
                    "id": sid,
                    "side": other,
                    "status": status,
                    "transaction": {
                        "id": cand["id"],
                        "source": cand["source"],
                        "client_operation_id": cand["client_operation_id"],
                        "order_id": cand["order_id"],
                        "project": cand["project"],
                        "amount": money(cand["amount"]),
                        "status": cand["status"],
                        "created_at": cand["created_at"],
                        "utr": cand["utr"],
                    },
                    "reason": reason,
                    "reason_text": _reason_text(reason, present, cand, grace),
                    "rank": len(items) + 1,
                }
            )
            if len(items) >= MAX_SUGGESTIONS:
                break
    return {"items": items}


_SUGGESTION = text(
    "SELECT s.*, r.id AS result_id FROM reconciliation_suggestions s "
    "JOIN reconciliation_runs run ON run.recon_date = s.recon_date AND run.is_current "
    "JOIN reconciliation_results r ON r.recon_run_id = run.id "
    f"AND {IDENTITY_SQL.format(t='r.')} = s.row_identity "
    "AND r.match_status IN ('missing_vima', 'missing_payshack') "
    "WHERE s.id = :id FOR UPDATE OF s"
)


async def _suggestion(conn: AsyncConnection, suggestion_id_: uuid.UUID) -> dict[str, Any]:
    row = (await conn.execute(_SUGGESTION, {"id": suggestion_id_})).one_or_none()
    if row is None:
        raise NotFound(
            "Suggestion not found (or its missing row is no longer in the day's current run)",
            {"id": str(suggestion_id_)},
        )
    return dict(row._mapping)


async def confirm(
    runtime: Runtime, principal: Principal, suggestion_id_: uuid.UUID, note: str
) -> uuid.UUID:
    """Resolve the missing row, and the counterpart's own missing row if it has one in
    its day's current run, as matched by hand; returns the missing row's id."""
    text_ = note.strip()
    if not text_:
        raise ValidationFailed(
            "Confirming a match needs a note",
            {"field": "note", "expected": "1 to 2000 characters", "received": ""},
        )
    async with runtime.engine.begin() as conn:
        s = await _suggestion(conn, suggestion_id_)
        if s["status"] == "confirmed":
            raise Conflict("This suggestion is already confirmed", {"reason": "confirmed"})
        rows = [uuid.UUID(str(s["result_id"]))]
        column = "vima_txn_id" if s["side"] == "vima" else "payshack_txn_id"
        partner = await conn.execute(
            text(
                "SELECT r.id FROM reconciliation_results r JOIN reconciliation_runs run "
                "ON run.id = r.recon_run_id AND run.is_current "
                f"WHERE r.{column} = :t AND r.match_status IN ('missing_vima', 'missing_payshack')"
            ),
            {"t": s["transaction_id"]},
        )
        rows += [uuid.UUID(str(r.id)) for r in partner]
        keys = await wsql.row_keys(conn, rows, lock=True)
        for k in keys:
            workbench._check_actionable(k)
        resolution_note = f"Matched by hand: {text_}"
        await results.set_resolutions(
            conn, rows, resolution="resolved", note=resolution_note, actor=principal.email
        )
        await wsql.add_events(
            conn,
            [{"key": k, "action": "resolve", "actor_id": actor_id(principal),
              "actor_email": principal.email, "resolution": "resolved",
              "note": resolution_note} for k in keys],
        )  # fmt: skip
        await conn.execute(
            text(
                "UPDATE reconciliation_suggestions SET status = 'confirmed', note = :n, "
                "decided_by = :by, decided_at = clock_timestamp() WHERE id = :id"
            ),
            {"n": text_, "by": principal.email, "id": suggestion_id_},
        )
        await record(
            conn, principal, "recon.suggestion_confirm", target=str(suggestion_id_),
            params={"result_ids": [str(r) for r in rows],
                    "transaction_id": str(s["transaction_id"]), "reason": s["reason"]},
        )  # fmt: skip
        days = {k["recon_date"] for k in keys}
    for day in days:
        await runtime.cache.delete(recon_summary_key(day.isoformat()))
    return rows[0]


async def dismiss(runtime: Runtime, principal: Principal, suggestion_id_: uuid.UUID) -> None:
    async with runtime.engine.begin() as conn:
        s = await _suggestion(conn, suggestion_id_)
        if s["status"] == "confirmed":
            raise Conflict(
                "A confirmed match cannot be dismissed; reopen the discrepancy instead",
                {"reason": "confirmed"},
            )
        await conn.execute(
            text(
                "UPDATE reconciliation_suggestions SET status = 'dismissed', "
                "decided_by = :by, decided_at = clock_timestamp() WHERE id = :id"
            ),
            {"by": principal.email, "id": suggestion_id_},
        )
        await record(
            conn, principal, "recon.suggestion_dismiss", target=str(suggestion_id_),
            params={"transaction_id": str(s["transaction_id"]), "reason": s["reason"]},
        )  # fmt: skip


async def matched_by_hand(conn: AsyncConnection, row: dict[str, Any]) -> dict[str, Any] | None:
    """The confirmed suggestion of a missing row: {transaction_id, side, note, by, at}."""
    keys = await wsql.row_keys(conn, [uuid.UUID(str(row["id"]))])
    if not keys:
        return None
    hit = (
        await conn.execute(
            text(
                "SELECT transaction_id, side, note, decided_by AS by, decided_at AS at "
                "FROM reconciliation_suggestions WHERE recon_date = :d AND row_identity = :i "
                "AND status = 'confirmed' ORDER BY decided_at DESC LIMIT 1"
            ),
            {"d": keys[0]["recon_date"], "i": keys[0]["ident"]},
        )
    ).one_or_none()
    return None if hit is None else dict(hit._mapping)
