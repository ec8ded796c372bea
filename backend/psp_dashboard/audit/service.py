"""Audit trail: who did what, when, with which parameters, from where, with what outcome.

`record` writes in the caller's transaction, so an action and its audit entry commit or
roll back together. An action whose failure must still be recorded (a refused sign-in)
records it in a transaction of its own.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.audit.labels import TargetNames, action_label, target_label
from psp_dashboard.auth.principal import Principal, client_ip_var
from psp_dashboard.kit.locks import transaction_lock
from psp_dashboard.logs import request_id_var
from psp_dashboard.models.auth import audit_log

# Parameter names whose values are never stored, whoever passes them.
_SECRET_HINTS = ("password", "secret", "token", "csrf", "session", "cookie", "authorization")
_REDACTED = "[redacted]"
_MAX_TEXT = 255


def _is_secret_key(key: str) -> bool:
    lowered = key.lower()
    # `token_id` / `token_name` / `token_prefix` describe a token without being one.
    if lowered in {"token_id", "token_name", "token_prefix", "prefix"}:
        return False
    return any(hint in lowered for hint in _SECRET_HINTS)


def _scrub_item(key: str, value: Any) -> Any:
    # Counts and flags under a secret-sounding name (`sessions_ended: 2`) are harmless.
    if _is_secret_key(key) and not (value is None or isinstance(value, bool | int | float)):
        return _REDACTED
    return scrub(value)


def scrub(value: Any) -> Any:
    """JSON-safe copy of `value` with secret-looking keys redacted, at any depth."""
    if isinstance(value, dict):
        return {str(k): _scrub_item(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [scrub(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return json.loads(json.dumps(value, default=str))


async def record(
    conn: AsyncConnection,
    principal: Principal | None,
    action: str,
    *,
    target: str | None = None,
    params: dict[str, Any] | None = None,
    outcome: str = "success",
) -> None:
    """Append one entry in `conn`'s transaction (ip and request id from the request)."""
    actor_id = None if principal is None or principal.via == "system" else principal.id
    await conn.execute(
        insert(audit_log).values(
            actor_id=actor_id,
            actor_email=None if principal is None else principal.email,
            action=action[:64],
            target=None if target is None else str(target)[:_MAX_TEXT],
            params=scrub(params or {}),
            outcome=outcome[:20],
            ip=client_ip_var.get(),
            request_id=request_id_var.get(),
        )
    )


async def record_refused_sign_in(
    conn: AsyncConnection,
    *,
    target: str | None,
    reason: str,
    window_seconds: int,
    now: datetime | None = None,
) -> None:
    """One entry per refused target and window, counting its attempts.

    Anyone can send refused sign-ins, so a row per attempt let anonymous callers grow
    the table at will. Entries are per attempted e-mail, or per address when `target`
    is None (an address over its limit, whatever e-mails it tries), and per window of
    `window_seconds` aligned on the epoch; later attempts update that entry's counts.
    """
    now = now or datetime.now(UTC)
    start = datetime.fromtimestamp(int(now.timestamp()) // window_seconds * window_seconds, UTC)
    target = None if target is None else target[:_MAX_TEXT]
    ip = client_ip_var.get()
    # Serialises the find-or-insert of one entry (two first attempts would insert two).
    await transaction_lock(conn, f"audit-refusal:{target}:{ip}:{start.isoformat()}")
    same_entry = [
        audit_log.c.action == "auth.login",
        audit_log.c.outcome == "failure",
        audit_log.c.at >= start,
        audit_log.c.params["window_start"].astext == _iso(start),
        audit_log.c.target == target if target is not None else audit_log.c.target.is_(None),
    ]
    if target is None:
        same_entry.append(audit_log.c.ip == ip if ip is not None else audit_log.c.ip.is_(None))
    found = (
        await conn.execute(
            select(audit_log.c.id, audit_log.c.params)
            .where(*same_entry)
            .order_by(audit_log.c.id.desc())
            .limit(1)
        )
    ).first()
    if found is None:
        await record(
            conn,
            None,
            "auth.login",
            target=target,
            params={
                "reason": reason,
                "attempts": 1,
                "reasons": {reason: 1},
                "window_start": _iso(start),
                "window_seconds": window_seconds,
                "last_at": _iso(now),
            },
            outcome="failure",
        )
        return
    params = dict(found.params)
    reasons = dict(params.get("reasons") or {})
    reasons[reason] = int(reasons.get(reason, 0)) + 1
    params.update(attempts=int(params.get("attempts", 0)) + 1, reasons=reasons, last_at=_iso(now))
    await conn.execute(update(audit_log).where(audit_log.c.id == found.id).values(params=params))


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    from_date: date | None = None
    to_date: date | None = None
    up_to_id: int | None = None  # an export: the entries there were when it was asked for


@dataclass(frozen=True, slots=True)
class AuditPage:
    items: list[dict[str, Any]]
    page: int
    limit: int
    total: int

    @property
    def total_pages(self) -> int:
        return math.ceil(self.total / self.limit) if self.total else 0


def _conditions(flt: AuditFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if flt.actor:
        actor = flt.actor.strip()
        try:
            conditions.append(audit_log.c.actor_id == uuid.UUID(actor))
        except ValueError:
            lowered = actor.lower()
            # A refused sign-in has no actor; the e-mail it tried is its target.
            conditions.append(
                or_(
                    func.lower(audit_log.c.actor_email) == lowered,
                    and_(
                        audit_log.c.actor_email.is_(None), func.lower(audit_log.c.target) == lowered
                    ),
                )
            )
    if flt.action:
        if flt.action.endswith("*"):
            prefix = flt.action[:-1].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(audit_log.c.action.like(f"{prefix}%", escape="\\"))
        else:
            conditions.append(audit_log.c.action == flt.action)
    if flt.from_date:
        conditions.append(audit_log.c.at >= datetime.combine(flt.from_date, time(), UTC))
    if flt.to_date:
        end = datetime.combine(flt.to_date + timedelta(days=1), time(), UTC)
        conditions.append(audit_log.c.at < end)
    if flt.up_to_id is not None:
        conditions.append(audit_log.c.id <= flt.up_to_id)
    return conditions


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _shape(m: Any, names: TargetNames) -> dict[str, Any]:
    return {
        # A string: a BIGSERIAL may outgrow what a JavaScript number holds exactly.
        "id": str(m["id"]),
        "created_at": _iso(m["at"]),
        "actor": m["actor_email"],
        "actor_id": None if m["actor_id"] is None else str(m["actor_id"]),
        "action": m["action"],
        "action_label": action_label(m["action"], m["outcome"], m["params"] or {}),
        "target": m["target"],
        "target_label": target_label(m, names),
        "details": m["params"],
        "outcome": m["outcome"],
        "ip": m["ip"],
        "request_id": m["request_id"],
    }


async def shaped(conn: AsyncConnection, found: Sequence[Any]) -> list[dict[str, Any]]:
    """Entries as the API shows them, labels included (targets looked up per page)."""
    names = await TargetNames.load(conn, found)
    return [_shape(m, names) for m in found]


def ordered(flt: AuditFilter) -> Any:
    """The entries `flt` selects, newest first (the order of the list and the export)."""
    return (
        select(audit_log)
        .where(*_conditions(flt))
        .order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
    )


async def count_entries(conn: AsyncConnection, flt: AuditFilter) -> int:
    stmt = select(func.count()).select_from(audit_log).where(*_conditions(flt))
    return int((await conn.execute(stmt)).scalar_one())


async def list_entries(
    conn: AsyncConnection, flt: AuditFilter, *, page: int, limit: int
) -> AuditPage:
    total = await count_entries(conn, flt)
    rows = await conn.execute(ordered(flt).limit(limit).offset((page - 1) * limit))
    items = await shaped(conn, list(rows.mappings()))
    return AuditPage(items=items, page=page, limit=limit, total=total)


async def get_entry(conn: AsyncConnection, entry_id: int) -> dict[str, Any] | None:
    rows = await conn.execute(select(audit_log).where(audit_log.c.id == entry_id))
    items = await shaped(conn, list(rows.mappings()))
    return items[0] if items else None
