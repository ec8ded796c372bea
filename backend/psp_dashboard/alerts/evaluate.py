"""One evaluation of every enabled rule: the state machine ok → firing → ok per (rule,
subject), alerts written and their deliveries queued in the same transaction.

Exactly one evaluation at a time across processes: the transaction takes a try-lock
first and a second evaluator that finds it taken does nothing (its tick is covered by
the one running). A crash rolls back state, alert and deliveries together, so a
notification is never lost nor doubled. Sending happens later (deliveries.py).
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from psp_dashboard.alerts.signals import Observation, RuleView, observe
from psp_dashboard.cache import Cache
from psp_dashboard.config import Settings
from psp_dashboard.events import publish
from psp_dashboard.kit.locks import lock_key
from psp_dashboard.models.alerts import alert_channels, alert_deliveries, alert_rules, alerts

log = logging.getLogger(__name__)

LOCK_NAME = "alerts:evaluate"


@dataclass(frozen=True)
class Tally:
    evaluated: int = 0
    fired: int = 0
    resolved: int = 0
    skipped: bool = False  # another evaluator held the lock


def _jsonable(value: Any) -> Any:
    return json.loads(
        json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, datetime) else str(v))
    )


async def queue_deliveries(
    conn: AsyncConnection,
    alert_id: uuid.UUID,
    channel_ids: list[uuid.UUID],
    event: str,
    now: datetime,
) -> None:
    """The outbox rows of one event: in-app is delivered by being stored; the others wait
    for the delivery job. Disabled or deleted channels get none."""
    if not channel_ids:
        return
    channels = (
        await conn.execute(
            select(alert_channels.c.id, alert_channels.c.name, alert_channels.c.kind).where(
                alert_channels.c.id.in_(channel_ids), alert_channels.c.enabled
            )
        )
    ).all()
    for ch in channels:
        in_app = ch.kind == "in_app"
        await conn.execute(
            insert(alert_deliveries).values(
                alert_id=alert_id,
                channel_id=ch.id,
                channel_name=ch.name,
                event=event,
                status="sent" if in_app else "pending",
                attempts=1 if in_app else 0,
                next_attempt_at=now,
                delivered_at=now if in_app else None,
            )
        )


async def _fire(conn: AsyncConnection, rule: Any, o: Observation, now: datetime) -> uuid.UUID:
    alert_id: uuid.UUID = (
        await conn.execute(
            insert(alerts)
            .values(
                rule_id=rule.id,
                rule_name=rule.name,
                kind=rule.kind,
                severity=rule.severity,
                scope_type=rule.scope_type,
                scope_value=rule.scope_value,
                subject=o.subject,
                source=o.source,
                project=o.project,
                state="firing",
                title=o.title,
                message=o.message,
                value=o.value,
                threshold=o.threshold,
                fired_at=now,
                evidence=_jsonable(o.evidence),
            )
            .returning(alerts.c.id)
        )
    ).scalar_one()
    await conn.execute(
        text(
            "INSERT INTO alert_states (rule_id, subject, state, alert_id, updated_at) "
            "VALUES (:r, :s, 'firing', :a, :now) ON CONFLICT (rule_id, subject) DO UPDATE "
            "SET state = 'firing', alert_id = EXCLUDED.alert_id, updated_at = EXCLUDED.updated_at"
        ),
        {"r": rule.id, "s": o.subject, "a": alert_id, "now": now},
    )
    await queue_deliveries(conn, alert_id, list(rule.channel_ids), "firing", now)
    return alert_id


async def resolve_alert(
    conn: AsyncConnection,
    rule_id: uuid.UUID,
    subject: str,
    alert_id: uuid.UUID | None,
    now: datetime,
    channel_ids: list[uuid.UUID],
    message: str | None = None,
) -> None:
    """firing → ok: the alert resolved, the resolution queued to the rule's channels."""
    if alert_id is not None:
        values: dict[str, Any] = {"state": "resolved", "resolved_at": now}
        if message is not None:
            values["message"] = alerts.c.message + " — " + message
        await conn.execute(
            update(alerts)
            .where(alerts.c.id == alert_id, alerts.c.state == "firing")
            .values(**values)
        )
        await queue_deliveries(conn, alert_id, channel_ids, "resolved", now)
    await conn.execute(
        text(
            "UPDATE alert_states SET state = 'ok', alert_id = NULL, last_resolved_at = :now, "
            "updated_at = :now WHERE rule_id = :r AND subject = :s"
        ),
        {"r": rule_id, "s": subject, "now": now},
    )


async def _evaluate_rule(
    conn: AsyncConnection, rule: Any, now: datetime, settings: Settings
) -> tuple[int, int]:
    view = RuleView(rule.id, rule.kind, rule.scope_type, rule.scope_value, dict(rule.params))
    observations = await observe(conn, view, now, settings)
    states = {
        r.subject: r
        for r in await conn.execute(
            text(
                "SELECT subject, state, alert_id, last_resolved_at FROM alert_states "
                "WHERE rule_id = :r FOR UPDATE"
            ),
            {"r": rule.id},
        )
    }
    cooldown = timedelta(minutes=rule.cooldown_minutes)
    fired = resolved = 0
    seen = set()
    for o in observations:
        seen.add(o.subject)
        state = states.get(o.subject)
        firing_now = state is not None and state.state == "firing"
        if o.firing and not firing_now:
            last = None if state is None else state.last_resolved_at
            if last is not None and now - last < cooldown:
                continue  # resolved too recently: the cooldown keeps it quiet
            await _fire(conn, rule, o, now)
            fired += 1
        elif not o.firing and firing_now:
            assert state is not None
            await conn.execute(
                update(alerts)
                .where(alerts.c.id == state.alert_id)
                .values(value=o.value, message=alerts.c.message + " Now: " + o.message)
            )
            await resolve_alert(
                conn, rule.id, o.subject, state.alert_id, now, list(rule.channel_ids)
            )
            resolved += 1
    for subject, state in states.items():
        # A subject no longer observed (no traffic in the window, no run): over.
        if subject not in seen and state.state == "firing":
            await resolve_alert(
                conn,
                rule.id,
                subject,
                state.alert_id,
                now,
                list(rule.channel_ids),
                "no longer observed",
            )
            resolved += 1
    return fired, resolved


async def evaluate(
    engine: AsyncEngine, settings: Settings, now: datetime | None = None, cache: Cache | None = None
) -> Tally:
    """Evaluate every enabled rule once at `now` (default: the clock); with `cache`, a
    change is announced on the live-update stream (`alerts.changed`) once committed."""
    tally = await _evaluate(engine, settings, (now or datetime.now(UTC)).astimezone(UTC))
    if cache is not None and (tally.fired or tally.resolved):
        await publish(cache, "alerts.changed", {"fired": tally.fired, "resolved": tally.resolved})
    return tally


async def _evaluate(engine: AsyncEngine, settings: Settings, now: datetime) -> Tally:
    async with engine.begin() as conn:
        got = (
            await conn.execute(select(func.pg_try_advisory_xact_lock(lock_key(LOCK_NAME))))
        ).scalar()
        if not got:
            return Tally(skipped=True)
        rules = (
            await conn.execute(
                select(alert_rules).where(alert_rules.c.enabled).order_by(alert_rules.c.created_at)
            )
        ).all()
        fired = resolved = 0
        for rule in rules:
            try:
                async with conn.begin_nested():
                    f, r = await _evaluate_rule(conn, rule, now, settings)
            except Exception:
                # One broken rule (or a read it needs) must not silence the others.
                log.exception("alert rule evaluation failed", extra={"rule_id": str(rule.id)})
                continue
            fired, resolved = fired + f, resolved + r
        return Tally(len(rules), fired, resolved)
