"""The reports API's rules: schedules (validated, audited in the caller's transaction),
manual runs, delivery history."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.alerts.channels.secrets import encrypt
from psp_dashboard.alerts.schemas import URL_PATTERN
from psp_dashboard.alerts.service import _url_host as url_host
from psp_dashboard.audit.service import record
from psp_dashboard.auth.principal import Principal
from psp_dashboard.config import Settings
from psp_dashboard.errors import NotFound, ValidationFailed
from psp_dashboard.kit.periods import local_midnight, parse_timezone, today_in
from psp_dashboard.models.reports import report_deliveries, report_schedules
from psp_dashboard.models.rollup import on_bucket_edge
from psp_dashboard.reports import schemas
from psp_dashboard.reports.deliver import timing_of
from psp_dashboard.reports.schedule import next_due, report_period

# ---------------------------------------------------------------- shapes


def shape_delivery(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "schedule_id": row.schedule_id,
        "due_at": row.due_at,
        "trigger": row.trigger,
        "status": row.status,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "sent_at": row.sent_at,
        "next_attempt_at": row.next_attempt_at if row.status == "pending" else None,
        "period_from": row.period_from,
        "period_to": row.period_to,
        "requested_by": row.requested_by,
    }


def shape_schedule(row: Any, last: Any | None, now: datetime) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "kind": row.kind,
        "channel": row.channel,
        "recipients": list(row.recipients),
        "webhook_url_set": row.webhook_url_encrypted is not None,
        "webhook_target": row.webhook_target,
        "formats": list(row.formats),
        "send_at": row.send_at.strftime("%H:%M"),
        "timezone": row.timezone,
        "weekday": row.weekday,
        "enabled": row.enabled,
        "next_run_at": next_due(timing_of(row), now) if row.enabled else None,
        "last_delivery": None if last is None else shape_delivery(last),
        "created_by": row.created_by,
        "created_at": row.created_at,
    }


async def _last_deliveries(conn: AsyncConnection, ids: list[uuid.UUID]) -> dict[uuid.UUID, Any]:
    if not ids:
        return {}
    rows = await conn.execute(
        select(report_deliveries)
        .where(report_deliveries.c.schedule_id.in_(ids))
        .distinct(report_deliveries.c.schedule_id)
        .order_by(report_deliveries.c.schedule_id, report_deliveries.c.id.desc())
    )
    return {r.schedule_id: r for r in rows}


async def _schedule(conn: AsyncConnection, schedule_id: uuid.UUID, *, lock: bool = False) -> Any:
    query = select(report_schedules).where(report_schedules.c.id == schedule_id)
    if lock:
        query = query.with_for_update()
    row = (await conn.execute(query)).one_or_none()
    if row is None:
        raise NotFound("No report schedule with this id", {"id": str(schedule_id)})
    return row


async def get_schedule(conn: AsyncConnection, schedule_id: uuid.UUID) -> dict[str, Any]:
    row = await _schedule(conn, schedule_id)
    last = (await _last_deliveries(conn, [row.id])).get(row.id)
    return shape_schedule(row, last, datetime.now(UTC))


async def list_schedules(conn: AsyncConnection) -> list[dict[str, Any]]:
    rows = (
        await conn.execute(
            select(report_schedules).order_by(report_schedules.c.created_at, report_schedules.c.id)
        )
    ).all()
    last = await _last_deliveries(conn, [r.id for r in rows])
    now = datetime.now(UTC)
    return [shape_schedule(r, last.get(r.id), now) for r in rows]


# ---------------------------------------------------------------- validation


def _fail(field: str, message: str, expected: str, reason: str = "combination") -> None:
    raise ValidationFailed(
        f"{field}: {message}", {"field": field, "reason": reason, "expected": expected}
    )


def _check_timezone(name: str) -> None:
    """An IANA zone whose days start on the metrics' half-hour buckets (metrics/service)."""
    tz = parse_timezone(name)
    day = today_in(tz)
    if not on_bucket_edge(local_midnight(day, tz)):
        _fail(
            "timezone",
            "days in this zone do not start on a UTC half hour",
            "a time zone whose days start on 30-minute UTC boundaries",
            "invalid",
        )


def _check(values: dict[str, Any]) -> None:
    """The whole schedule after a create or a change: the channel has its target, the
    weekly report its weekday."""
    if values["channel"] == "email" and not values["recipients"]:
        _fail("recipients", "an e-mail schedule needs at least one", "recipients with email")
    if values["channel"] == "webhook" and not values.get("webhook_url_encrypted"):
        _fail("webhook_url", "a webhook schedule needs one", "webhook_url with webhook")
    weekly = values["kind"] == "weekly_reconciliation"
    if weekly and values["weekday"] is None:
        _fail("weekday", "the weekly report needs a weekday", "0 (Monday) … 6 (Sunday)")
    if not weekly and values["weekday"] is not None:
        _fail("weekday", "only the weekly report has a weekday", "null with daily_summary")


def _url_values(settings: Settings, url: str) -> dict[str, Any]:
    if re.fullmatch(URL_PATTERN, url) is None:
        # Never echoed: the URL may hold a token.
        _fail("webhook_url", "expected an http(s) URL", "https://host/path", "invalid")
    return {"webhook_url_encrypted": encrypt(settings, url), "webhook_target": url_host(url)}


def _send_at(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(i.strip() for i in items))


# ---------------------------------------------------------------- writes


_TIMING = ("send_at", "timezone", "weekday", "enabled")


async def create_schedule(
    conn: AsyncConnection, settings: Settings, principal: Principal, body: schemas.ScheduleIn
) -> dict[str, Any]:
    _check_timezone(body.timezone)
    values: dict[str, Any] = {
        "name": body.name.strip(),
        "kind": body.kind,
        "channel": body.channel,
        "recipients": _unique(body.recipients),
        "formats": _unique(list(body.formats)),
        "send_at": _send_at(body.send_at),
        "timezone": body.timezone,
        "weekday": body.weekday,
        "enabled": body.enabled,
        "created_by": principal.email,
        "webhook_url_encrypted": None,
        "webhook_target": None,
    }
    if body.webhook_url is not None:
        values |= _url_values(settings, body.webhook_url.get_secret_value())
    _check(values)
    new_id = (
        await conn.execute(
            insert(report_schedules).values(**values).returning(report_schedules.c.id)
        )
    ).scalar_one()
    await record(
        conn, principal, "reports.schedule.create", target=str(new_id), params=_audit_params(values)
    )
    return await get_schedule(conn, new_id)


def _audit_params(values: dict[str, Any]) -> dict[str, Any]:
    shown = {k: v for k, v in values.items() if k not in ("webhook_url_encrypted", "created_by")}
    if "send_at" in shown:
        shown["send_at"] = shown["send_at"].strftime("%H:%M")
    return shown


async def update_schedule(
    conn: AsyncConnection,
    settings: Settings,
    principal: Principal,
    schedule_id: uuid.UUID,
    body: schemas.SchedulePatch,
) -> dict[str, Any]:
    row = await _schedule(conn, schedule_id, lock=True)
    given = body.model_dump(exclude_unset=True)
    changes: dict[str, Any] = {}
    for key in ("name", "channel", "timezone", "weekday", "enabled"):
        if key in given and given[key] is not None:
            changes[key] = given[key].strip() if key == "name" else given[key]
    if "weekday" in given and given["weekday"] is None:
        changes["weekday"] = None
    if body.recipients is not None:
        changes["recipients"] = _unique(body.recipients)
    if body.formats is not None:
        changes["formats"] = _unique(list(body.formats))
    if body.send_at is not None:
        changes["send_at"] = _send_at(body.send_at)
    if "timezone" in changes:
        _check_timezone(changes["timezone"])
    if body.webhook_url is not None:
        changes |= _url_values(settings, body.webhook_url.get_secret_value())
    merged = {**row._mapping, **changes}
    _check(merged)
    if any(k in changes and changes[k] != row._mapping[k] for k in _TIMING):
        # A new time never sends the past: due times from now on only.
        changes["not_before"] = datetime.now(UTC)
    if changes:
        changes["updated_at"] = datetime.now(UTC)
        await conn.execute(
            update(report_schedules).where(report_schedules.c.id == schedule_id).values(**changes)
        )
        await record(
            conn,
            principal,
            "reports.schedule.update",
            target=str(schedule_id),
            params=_audit_params(changes),
        )
    return await get_schedule(conn, schedule_id)


async def delete_schedule(
    conn: AsyncConnection, principal: Principal, schedule_id: uuid.UUID
) -> None:
    row = await _schedule(conn, schedule_id, lock=True)
    await conn.execute(delete(report_schedules).where(report_schedules.c.id == schedule_id))
    await record(
        conn,
        principal,
        "reports.schedule.delete",
        target=str(schedule_id),
        params={"name": row.name},
    )


async def run_now(
    conn: AsyncConnection, principal: Principal, schedule_id: uuid.UUID, now: datetime
) -> dict[str, Any]:
    """A manual delivery, sent by the next tick of any worker (disabled schedules too):
    the report of the period a run sent now would cover."""
    row = await _schedule(conn, schedule_id)
    first, last = report_period(row.kind, now, row.timezone)
    created = (
        await conn.execute(
            insert(report_deliveries)
            .values(
                schedule_id=schedule_id,
                due_at=now,
                trigger="manual",
                next_attempt_at=now,
                period_from=first,
                period_to=last,
                requested_by=principal.email,
            )
            .returning(*report_deliveries.c)
        )
    ).one()
    await record(
        conn,
        principal,
        "reports.schedule.run",
        target=str(schedule_id),
        params={"name": row.name, "delivery_id": created.id},
    )
    return shape_delivery(created)


async def list_deliveries(
    conn: AsyncConnection, schedule_id: uuid.UUID | None, limit: int
) -> list[dict[str, Any]]:
    query = select(report_deliveries).order_by(report_deliveries.c.id.desc()).limit(limit)
    if schedule_id is not None:
        query = query.where(report_deliveries.c.schedule_id == schedule_id)
    return [shape_delivery(r) for r in await conn.execute(query)]
