"""The delivery job: sends due outbox rows, retrying failures with back-off.

Rows are claimed with `FOR UPDATE SKIP LOCKED`: two workers never send one row twice,
and a slow receiver holds only its own rows. A failed attempt waits 30 s, 2 min,
10 min, 1 h, 1 h; after the sixth the row is `failed` and kept for the alert centre.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from psp_dashboard.alerts.channels.base import Notice
from psp_dashboard.alerts.channels.dispatch import send, target_of
from psp_dashboard.config import Settings

log = logging.getLogger(__name__)

BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=1),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
BATCH = 20

_DUE = text(
    # The channel's columns under their own names (`target_of` reads them).
    "SELECT d.id AS delivery_id, d.event, d.attempts, d.channel_id, "
    "a.id AS alert_id, a.rule_name, a.kind AS alert_kind, a.severity, a.title, a.message, "
    "a.value, a.threshold, a.fired_at, a.resolved_at, "
    "c.id, c.name, c.kind, c.format, c.chat_id, c.target, c.url_encrypted, "
    "c.secret_env, c.secret_encrypted, c.enabled "
    "FROM alert_deliveries d JOIN alerts a ON a.id = d.alert_id "
    "LEFT JOIN alert_channels c ON c.id = d.channel_id "
    "WHERE d.status = 'pending' AND d.next_attempt_at <= :now "
    "ORDER BY d.next_attempt_at, d.id LIMIT :batch FOR UPDATE OF d SKIP LOCKED"
)


@dataclass(frozen=True)
class DeliveryTally:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def notice_of(row: Any) -> Notice:
    return Notice(
        event=row.event,
        alert_id=row.alert_id,
        rule_name=row.rule_name,
        kind=row.alert_kind,
        severity=row.severity,
        title=row.title,
        message=row.message,
        value=row.value,
        threshold=row.threshold,
        fired_at=row.fired_at,
        resolved_at=row.resolved_at,
    )


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When attempt `attempts + 1` may run, or None when there is none left."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + BACKOFF[attempts - 1]


async def deliver_due(
    engine: AsyncEngine, settings: Settings, now: datetime | None = None
) -> DeliveryTally:
    """Send the due rows (one batch) as of `now` (default: the clock)."""
    now = now or datetime.now(UTC)
    sent = retrying = failed = 0
    async with engine.begin() as conn:
        for row in (await conn.execute(_DUE, {"now": now, "batch": BATCH})).all():
            attempts = row.attempts + 1
            error: str | None
            if row.channel_id is None or not row.enabled:
                status, error, delivered = "failed", "the channel was deleted or disabled", False
            else:
                outcome = await send(settings, target_of(settings, row), notice_of(row))
                delivered, error = outcome.delivered, outcome.error
                status = "sent" if delivered else "pending"
            later = None if delivered or status == "failed" else next_attempt(attempts, now)
            if status == "pending" and later is None:
                status = "failed"
            await conn.execute(
                text(
                    "UPDATE alert_deliveries SET status = :st, attempts = :n, last_error = :err, "
                    "next_attempt_at = coalesce(CAST(:later AS timestamptz), next_attempt_at), "
                    "delivered_at = CASE WHEN CAST(:ok AS boolean) THEN CAST(:now AS timestamptz) "
                    "END WHERE id = :id"
                ),
                {"st": status, "n": attempts, "err": error, "later": later, "ok": delivered,
                 "now": now, "id": row.delivery_id},
            )  # fmt: skip
            if status == "sent":
                sent += 1
            elif status == "failed":
                failed += 1
                log.warning(
                    "alert delivery gave up",
                    extra={"delivery_id": row.delivery_id, "channel": row.name, "error": error},
                )
            else:
                retrying += 1
    return DeliveryTally(sent, retrying, failed)
