"""The alerts API's rules: shaping alerts, acknowledging, editing rules and channels
(audited in the caller's transaction), seeding the defaults."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.alerts import repository, rules, schemas
from psp_dashboard.alerts.channels.base import Notice, SendOutcome
from psp_dashboard.alerts.channels.dispatch import send, target_of
from psp_dashboard.alerts.channels.secrets import encrypt
from psp_dashboard.alerts.evaluate import resolve_alert
from psp_dashboard.alerts.repository import AlertFilter
from psp_dashboard.audit.service import record
from psp_dashboard.auth.principal import Principal
from psp_dashboard.config import Settings
from psp_dashboard.errors import Conflict, NotFound, ValidationFailed
from psp_dashboard.kit.locks import transaction_lock
from psp_dashboard.kit.paging import offset_of, page_meta
from psp_dashboard.models.alerts import alert_channels, alert_rules, alerts

API_PREFIX = "/api/v1"


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def shape_alert(row: Any, notes: list[Any]) -> dict[str, Any]:
    ev = dict(row.evidence or {})
    screenshot = ev.get("screenshot")
    return {
        "id": row.id,
        "rule_id": row.rule_id,
        "rule_name": row.rule_name,
        "kind": row.kind,
        "severity": row.severity,
        "scope": {"type": row.scope_type, "value": row.scope_value},
        "state": row.state,
        "title": row.title,
        "message": row.message,
        "value": _decimal(row.value),
        "threshold": _decimal(row.threshold),
        "fired_at": row.fired_at,
        "resolved_at": row.resolved_at,
        "acknowledged_by": row.acknowledged_by,
        "acknowledged_at": row.acknowledged_at,
        "evidence": {
            "transactions": ev.get("transactions"),
            "sync_run_id": ev.get("sync_run_id"),
            "source": ev.get("source"),
            "recon_date": ev.get("recon_date"),
            "screenshot_url": f"{API_PREFIX}/alerts/{row.id}/screenshot" if screenshot else None,
        },
        "notifications": [
            {
                "channel": n.channel_name,
                "event": n.event,
                "status": n.status,
                "attempts": n.attempts,
                "delivered_at": n.delivered_at,
            }
            for n in notes
        ],
    }


async def _shape_many(conn: AsyncConnection, rows: list[Any]) -> list[dict[str, Any]]:
    notes = await repository.notifications(conn, [r.id for r in rows])
    return [shape_alert(r, notes[r.id]) for r in rows]


async def list_alerts(
    conn: AsyncConnection, flt: AlertFilter, page: int, limit: int
) -> dict[str, Any]:
    rows, total = await repository.list_alerts(conn, flt, limit, offset_of(page, limit))
    return {"data": await _shape_many(conn, rows), "meta": page_meta(page, limit, total)}


async def summary(conn: AsyncConnection) -> dict[str, Any]:
    firing, unacknowledged = await repository.summary_counts(conn)
    rows, _ = await repository.list_alerts(conn, AlertFilter(state="firing"), 5, 0)
    return {
        "firing": firing,
        "unacknowledged": unacknowledged,
        "latest": await _shape_many(conn, rows),
    }


async def get_alert(conn: AsyncConnection, alert_id: uuid.UUID) -> dict[str, Any]:
    row = await repository.get_alert(conn, alert_id)
    if row is None:
        raise NotFound("No alert with this id", {"id": str(alert_id)})
    return (await _shape_many(conn, [row]))[0]


async def acknowledge(
    conn: AsyncConnection, principal: Principal, alert_id: uuid.UUID
) -> dict[str, Any]:
    """Idempotent: a second acknowledgement keeps the first one's name and time."""
    row = await repository.get_alert(conn, alert_id, for_update=True)
    if row is None:
        raise NotFound("No alert with this id", {"id": str(alert_id)})
    if row.acknowledged_at is None:
        await conn.execute(
            update(alerts)
            .where(alerts.c.id == alert_id)
            .values(acknowledged_by=principal.email, acknowledged_at=datetime.now(UTC))
        )
        await record(
            conn, principal, "alerts.acknowledge", target=str(alert_id), params={"title": row.title}
        )
    return await get_alert(conn, alert_id)


def screenshot_file(settings: Settings, row: Any) -> Path | None:
    """The alert's screenshot, only from inside PAYSHACK_DIAGNOSTICS_DIR."""
    stored = (row.evidence or {}).get("screenshot")
    if not stored:
        return None
    root = settings.payshack_diagnostics_dir.resolve()
    path = Path(stored).resolve()
    if not path.is_relative_to(root) or path.suffix != ".png" or not path.is_file():
        return None
    return path


# ---------------------------------------------------------------- rules


def shape_rule(row: Any, firing: int) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "severity": row.severity,
        "scope": {"type": row.scope_type, "value": row.scope_value},
        "params": dict(row.params),
        "cooldown_minutes": row.cooldown_minutes,
        "enabled": row.enabled,
        "channel_ids": list(row.channel_ids),
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "state": {"firing": firing},
    }


async def list_rules(conn: AsyncConnection) -> list[dict[str, Any]]:
    counts = await repository.firing_counts(conn)
    rows = (
        await conn.execute(
            select(alert_rules).order_by(alert_rules.c.created_at, alert_rules.c.name)
        )
    ).all()
    return [shape_rule(r, counts.get(r.id, 0)) for r in rows]


async def _rule(conn: AsyncConnection, rule_id: uuid.UUID, *, for_update: bool = False) -> Any:
    query = select(alert_rules).where(alert_rules.c.id == rule_id)
    if for_update:
        query = query.with_for_update()
    row = (await conn.execute(query)).one_or_none()
    if row is None:
        raise NotFound("No alert rule with this id", {"id": str(rule_id)})
    return row


async def _check_channels(conn: AsyncConnection, ids: list[uuid.UUID]) -> list[uuid.UUID]:
    unique = list(dict.fromkeys(ids))
    found = set(
        (
            await conn.execute(select(alert_channels.c.id).where(alert_channels.c.id.in_(unique)))
        ).scalars()
    )
    missing = [str(i) for i in unique if i not in found]
    if missing:
        raise ValidationFailed(
            "channel_ids: unknown channel(s)",
            {"field": "channel_ids", "reason": "unknown", "received": missing},
        )
    return unique


async def _rule_out(conn: AsyncConnection, rule_id: uuid.UUID) -> dict[str, Any]:
    counts = await repository.firing_counts(conn)
    return shape_rule(await _rule(conn, rule_id), counts.get(rule_id, 0))


async def create_rule(
    conn: AsyncConnection, principal: Principal, body: schemas.RuleIn
) -> dict[str, Any]:
    params = rules.normalize_params(body.kind, body.params)
    scope_value = rules.check_scope(body.kind, body.scope.type, body.scope.value)
    channel_ids = await _check_channels(conn, body.channel_ids)
    rule_id = (
        await conn.execute(
            insert(alert_rules)
            .values(
                name=body.name.strip(),
                kind=body.kind,
                severity=body.severity,
                scope_type=body.scope.type,
                scope_value=scope_value,
                params=params,
                cooldown_minutes=body.cooldown_minutes,
                enabled=body.enabled,
                channel_ids=channel_ids,
            )
            .returning(alert_rules.c.id)
        )
    ).scalar_one()
    await record(
        conn, principal, "alerts.rule.create", target=str(rule_id),
        params={"name": body.name, "kind": body.kind, "params": params,
                "scope": {"type": body.scope.type, "value": scope_value}},
    )  # fmt: skip
    return await _rule_out(conn, rule_id)


async def _close_open_alerts(conn: AsyncConnection, rule: Any, why: str) -> None:
    """A rule switched off or redefined starts over: its firing alerts are resolved
    (and told so), its states reset."""
    states = await conn.execute(
        select(alerts.c.id, alerts.c.subject).where(
            alerts.c.rule_id == rule.id, alerts.c.state == "firing"
        )
    )
    for alert_id, subject in states.all():
        await resolve_alert(
            conn, rule.id, subject, alert_id, datetime.now(UTC), list(rule.channel_ids), why
        )


async def update_rule(
    conn: AsyncConnection, principal: Principal, rule_id: uuid.UUID, body: schemas.RulePatch
) -> dict[str, Any]:
    rule = await _rule(conn, rule_id, for_update=True)
    changes: dict[str, Any] = {}
    if body.name is not None:
        changes["name"] = body.name.strip()
    if body.severity is not None:
        changes["severity"] = body.severity
    if body.params is not None:
        changes["params"] = rules.normalize_params(rule.kind, body.params, base=dict(rule.params))
    if body.scope is not None:
        changes["scope_type"] = body.scope.type
        changes["scope_value"] = rules.check_scope(rule.kind, body.scope.type, body.scope.value)
    if body.cooldown_minutes is not None:
        changes["cooldown_minutes"] = body.cooldown_minutes
    if body.enabled is not None:
        changes["enabled"] = body.enabled
    if body.channel_ids is not None:
        changes["channel_ids"] = await _check_channels(conn, body.channel_ids)
    if not changes:
        return await _rule_out(conn, rule_id)
    if changes.get("enabled") is False and rule.enabled:
        await _close_open_alerts(conn, rule, "rule disabled")
    elif "scope_type" in changes and (changes["scope_type"], changes["scope_value"]) != (
        rule.scope_type,
        rule.scope_value,
    ):
        await _close_open_alerts(conn, rule, "rule scope changed")
    await conn.execute(
        update(alert_rules)
        .where(alert_rules.c.id == rule_id)
        .values(**changes, updated_at=datetime.now(UTC))
    )
    await record(
        conn,
        principal,
        "alerts.rule.update",
        target=str(rule_id),
        params={"changes": changes, "name": rule.name},
    )
    return await _rule_out(conn, rule_id)


async def delete_rule(conn: AsyncConnection, principal: Principal, rule_id: uuid.UUID) -> None:
    rule = await _rule(conn, rule_id, for_update=True)
    await _close_open_alerts(conn, rule, "rule deleted")
    await conn.execute(delete(alert_rules).where(alert_rules.c.id == rule_id))
    await record(
        conn,
        principal,
        "alerts.rule.delete",
        target=str(rule_id),
        params={"name": rule.name, "kind": rule.kind},
    )


# ---------------------------------------------------------------- channels


def shape_channel(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "target": row.target,
        "format": row.format,
        "has_secret": bool(row.secret_env or row.secret_encrypted),
        "enabled": row.enabled,
        "created_at": row.created_at,
    }


async def list_channels(conn: AsyncConnection) -> list[dict[str, Any]]:
    rows = (await conn.execute(select(alert_channels).order_by(alert_channels.c.created_at))).all()
    return [shape_channel(r) for r in rows]


def _url_host(url: str) -> str:
    parts = urlsplit(url)
    try:
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # a port out of range
        port = None
    if parts.scheme not in ("http", "https") or not parts.hostname or port is None:
        raise ValidationFailed(
            "url: expected an http(s) URL",
            {"field": "url", "reason": "invalid", "expected": "https://host/path"},
        )
    return f"{parts.scheme}://{parts.hostname}{port}"


def _channel_values(settings: Settings, body: schemas.ChannelIn) -> dict[str, Any]:
    values: dict[str, Any] = {"name": body.name.strip(), "kind": body.kind}
    if body.secret is not None and body.secret_env is not None:
        raise ValidationFailed(
            "secret and secret_env: give one of them",
            {"field": "secret", "reason": "combination", "expected": "secret or secret_env"},
        )
    if body.kind == "webhook":
        if body.url is None:
            raise ValidationFailed(
                "url: a webhook needs one",
                {"field": "url", "reason": "combination", "expected": "url with kind webhook"},
            )
        url = body.url.get_secret_value()
        if re.fullmatch(schemas.URL_PATTERN, url) is None:
            # Never echoed: the URL may hold a token.
            raise ValidationFailed(
                "url: expected an http(s) URL",
                {"field": "url", "reason": "invalid", "expected": "https://host/path"},
            )
        values["target"] = _url_host(url)
        values["url_encrypted"] = encrypt(settings, url)
        values["format"] = body.format or "slack"
        if values["format"] == "telegram" and not body.chat_id:
            raise ValidationFailed(
                "chat_id: Telegram needs one",
                {"field": "chat_id", "reason": "combination", "expected": "chat_id with telegram"},
            )
        values["chat_id"] = body.chat_id
    elif body.kind == "email":
        if body.to is None:
            raise ValidationFailed(
                "to: an e-mail channel needs an address",
                {"field": "to", "reason": "combination", "expected": "to with kind email"},
            )
        values["target"] = body.to.strip()
    values["secret_env"] = body.secret_env
    if body.secret is not None:
        values["secret_encrypted"] = encrypt(settings, body.secret.get_secret_value())
    return values


async def create_channel(
    conn: AsyncConnection, settings: Settings, principal: Principal, body: schemas.ChannelIn
) -> dict[str, Any]:
    values = _channel_values(settings, body)
    try:
        async with conn.begin_nested():
            row = (
                await conn.execute(
                    insert(alert_channels).values(**values).returning(alert_channels)
                )
            ).one()
    except IntegrityError:
        raise Conflict("A channel with this name exists", {"field": "name"}) from None
    await record(
        conn, principal, "alerts.channel.create", target=str(row.id),
        params={"name": row.name, "kind": row.kind, "target": row.target,
                "has_secret": bool(row.secret_env or row.secret_encrypted)},
    )  # fmt: skip
    return shape_channel(row)


async def _channel(conn: AsyncConnection, channel_id: uuid.UUID) -> Any:
    row = (
        await conn.execute(select(alert_channels).where(alert_channels.c.id == channel_id))
    ).one_or_none()
    if row is None:
        raise NotFound("No alert channel with this id", {"id": str(channel_id)})
    return row


async def delete_channel(
    conn: AsyncConnection, principal: Principal, channel_id: uuid.UUID
) -> None:
    row = await _channel(conn, channel_id)
    await conn.execute(delete(alert_channels).where(alert_channels.c.id == channel_id))
    await conn.execute(
        update(alert_rules)
        .where(alert_rules.c.channel_ids.any(channel_id))
        .values(channel_ids=func.array_remove(alert_rules.c.channel_ids, channel_id))
    )
    await record(
        conn, principal, "alerts.channel.delete", target=str(channel_id), params={"name": row.name}
    )


async def test_channel(
    conn: AsyncConnection, settings: Settings, principal: Principal, channel_id: uuid.UUID
) -> SendOutcome:
    row = await _channel(conn, channel_id)
    now = datetime.now(UTC)
    notice = Notice(
        "firing", uuid.uuid4(), "Test", "test", "warning",
        f"Test message from PSP Dashboard — {row.name}",
        "A test of this channel; nothing is wrong.", None, None, now, None,
    )  # fmt: skip
    outcome = await send(settings, target_of(settings, row), notice)
    await record(
        conn, principal, "alerts.channel.test", target=str(channel_id),
        params={"name": row.name, "delivered": outcome.delivered},
        outcome="success" if outcome.delivered else "failure",
    )  # fmt: skip
    return outcome


# ---------------------------------------------------------------- defaults


async def ensure_defaults(conn: AsyncConnection, disabled: Collection[str] = ()) -> int:
    """The default rules and an in-app channel, once (an installation with any rule or
    channel is left as its admins made it); rules of the `disabled` kinds start off.
    Returns the rules added."""
    await transaction_lock(conn, "alerts:defaults")  # two processes starting together
    for table in (alert_rules, alert_channels):
        if (await conn.execute(select(table.c.id).limit(1))).first() is not None:
            return 0
    channel = (
        await conn.execute(
            insert(alert_channels)
            .values(name="In-app", kind="in_app")
            .returning(alert_channels.c.id)
        )
    ).scalar_one()
    for d in rules.DEFAULT_RULES:
        await conn.execute(
            insert(alert_rules).values(
                name=d.name,
                kind=d.kind,
                severity=d.severity,
                scope_type="all",
                params=rules.normalize_params(d.kind, d.params),
                cooldown_minutes=d.cooldown_minutes,
                enabled=d.kind not in disabled,
                channel_ids=[channel],
            )
        )
    return len(rules.DEFAULT_RULES)
