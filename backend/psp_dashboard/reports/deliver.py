"""Due times become delivery rows once; delivery rows are sent, retried, given up.

Exactly once across workers, in two steps:
1. `enqueue_due`: every worker's tick computes each enabled schedule's latest due time
   (schedule.py) and inserts the delivery row `ON CONFLICT DO NOTHING` on the partial
   unique key (schedule_id, due_at): however many workers tick, a due time is one row.
   Only the latest due time is considered, so a schedule whose workers were down for
   days sends one late report, not one per missed day. Due times before the schedule's
   `not_before` (its creation or last re-timing) are never sent.
2. `deliver_due`: rows are claimed with `FOR UPDATE SKIP LOCKED`, marked `sending` with
   a lease and committed; the report is built and sent outside any lock. A worker that
   dies mid-send leaves a `sending` row whose lease runs out, and the next tick retakes
   it (the receiver may then see it twice: at-least-once past a crash, never otherwise).
A failed attempt is retried after 1, 5, 15 and 60 minutes; the fifth failure is final.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from psp_dashboard.alerts.channels.base import SendOutcome
from psp_dashboard.alerts.channels.email import send_mail
from psp_dashboard.alerts.channels.secrets import decrypt
from psp_dashboard.alerts.channels.webhook import signature
from psp_dashboard.config import Settings
from psp_dashboard.reports import render
from psp_dashboard.reports.compose import compose
from psp_dashboard.reports.schedule import Timing, latest_due, report_period

log = logging.getLogger(__name__)

BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# Building and sending one report takes seconds; a row `sending` for longer than this
# belongs to a worker that died.
LEASE = timedelta(minutes=10)
BATCH = 5
WEBHOOK_TIMEOUT_SECONDS = 15.0


@dataclass(frozen=True)
class Tally:
    enqueued: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def timing_of(row: Any) -> Timing:
    return Timing(row.kind, row.send_at, row.timezone, row.weekday)


# ---------------------------------------------------------------- due → rows


_INSERT_DUE = text(
    "INSERT INTO report_deliveries (schedule_id, due_at, trigger, next_attempt_at, "
    "period_from, period_to) VALUES (:id, :due, 'schedule', :due, :first, :last) "
    "ON CONFLICT (schedule_id, due_at) WHERE trigger = 'schedule' DO NOTHING"
)


async def enqueue_due(engine: AsyncEngine, now: datetime) -> int:
    """Insert the delivery row of each enabled schedule's latest due time (once)."""
    inserted = 0
    async with engine.begin() as conn:
        schedules = (
            await conn.execute(
                text(
                    "SELECT id, kind, send_at, timezone, weekday, not_before "
                    "FROM report_schedules WHERE enabled"
                )
            )
        ).all()
        for row in schedules:
            due = latest_due(timing_of(row), now)
            if due is None or due < row.not_before:
                continue
            first, last = report_period(row.kind, due, row.timezone)
            done = await conn.execute(
                _INSERT_DUE, {"id": row.id, "due": due, "first": first, "last": last}
            )
            inserted += done.rowcount
    return inserted


# ---------------------------------------------------------------- sending


_CLAIM = text(
    "SELECT d.id FROM report_deliveries d "
    "WHERE (d.status = 'pending' AND d.next_attempt_at <= :now) "
    "   OR (d.status = 'sending' AND d.lease_until <= :now) "
    "ORDER BY d.next_attempt_at, d.id LIMIT :batch FOR UPDATE SKIP LOCKED"
)
_MARK_SENDING = text(
    "UPDATE report_deliveries SET status = 'sending', attempts = attempts + 1, "
    "lease_until = :lease WHERE id = ANY(:ids) "
    "RETURNING id, schedule_id, attempts, period_from, period_to"
)
_SCHEDULE = text(
    "SELECT id, name, kind, channel, recipients, webhook_url_encrypted, formats, timezone "
    "FROM report_schedules WHERE id = :id"
)
# Only the claim that is still ours may finish the row (a retaken row has more attempts).
_FINISH = text(
    "UPDATE report_deliveries SET status = :status, last_error = :error, lease_until = NULL, "
    "next_attempt_at = coalesce(CAST(:later AS timestamptz), next_attempt_at), "
    "sent_at = CASE WHEN CAST(:ok AS boolean) THEN CAST(:now AS timestamptz) END "
    "WHERE id = :id AND status = 'sending' AND attempts = :attempts"
)


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When attempt `attempts + 1` may run, or None when none is left."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return now + BACKOFF[attempts - 1]


async def _claim(engine: AsyncEngine, now: datetime) -> list[Any]:
    async with engine.begin() as conn:
        ids = [r.id for r in await conn.execute(_CLAIM, {"now": now, "batch": BATCH})]
        if not ids:
            return []
        return list((await conn.execute(_MARK_SENDING, {"ids": ids, "lease": now + LEASE})).all())


def _email(
    settings: Settings,
    schedule: Any,
    subject: str,
    html: str,
    plain: str,
    files: list[render.Attachment],
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = (
        settings.alerts_from,
        ", ".join(schedule.recipients),
        subject,
    )
    mail.set_content(plain)
    mail.add_alternative(html, subtype="html")
    for file in files:
        main, _, sub = file.media_type.split(";")[0].partition("/")
        mail.add_attachment(file.content, maintype=main, subtype=sub, filename=file.filename)
    return mail


async def _post(settings: Settings, url: str | None, body: bytes, now: datetime) -> SendOutcome:
    if not url:
        return SendOutcome(False, "error", "the schedule has no webhook URL (or its key changed)")
    headers = {"Content-Type": "application/json", "X-PSP-Timestamp": str(int(now.timestamp()))}
    if settings.alert_webhook_secret is not None:
        headers["X-PSP-Signature"] = signature(
            settings.alert_webhook_secret.get_secret_value(), body
        )
    try:
        async with httpx.AsyncClient(
            timeout=WEBHOOK_TIMEOUT_SECONDS, follow_redirects=False
        ) as http:
            response = await http.post(url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        # The URL may hold a token: only the kind of failure is kept.
        return SendOutcome(False, "error", type(exc).__name__)
    if 200 <= response.status_code < 300:
        return SendOutcome(True, "sent")
    return SendOutcome(False, f"http_{response.status_code}", f"HTTP {response.status_code}")


async def send_one(
    engine: AsyncEngine, settings: Settings, claimed: Any, now: datetime
) -> SendOutcome:
    """Build the claimed row's report as of now and send it through its channel."""
    async with engine.connect() as conn:
        schedule = (await conn.execute(_SCHEDULE, {"id": claimed.schedule_id})).one_or_none()
        if schedule is None:
            return SendOutcome(False, "error", "the schedule was deleted")
        report = await compose(
            conn, schedule.kind, claimed.period_from, claimed.period_to, schedule.timezone
        )
    if schedule.channel == "webhook":
        body = render.webhook_body(report, str(schedule.id), schedule.name, claimed.id)
        url = decrypt(settings, schedule.webhook_url_encrypted)
        return await _post(settings, url, body, now)
    if not schedule.recipients:
        return SendOutcome(False, "error", "the schedule has no recipients")
    files = await render.attachments(report, list(schedule.formats))
    mail = _email(
        settings,
        schedule,
        f"[PSP] {report.title}",
        render.html(report, schedule.name, now),
        render.plain_text(report, schedule.name),
        files,
    )
    return await send_mail(settings, mail)


async def deliver_due(
    engine: AsyncEngine, settings: Settings, now: datetime | None = None
) -> Tally:
    """Send the due rows (one batch) as of `now` (default: the clock)."""
    now = now or datetime.now(UTC)
    sent = retrying = failed = 0
    for claimed in await _claim(engine, now):
        try:
            outcome = await send_one(engine, settings, claimed, now)
        except Exception as exc:  # a report that cannot be built is a failed attempt
            log.exception("report delivery failed", extra={"delivery_id": claimed.id})
            outcome = SendOutcome(False, "error", f"{type(exc).__name__}: could not build")
        later = None if outcome.delivered else next_attempt(claimed.attempts, now)
        status = "sent" if outcome.delivered else ("pending" if later else "failed")
        async with engine.begin() as conn:
            await conn.execute(
                _FINISH,
                {
                    "status": status,
                    "error": outcome.error,
                    "later": later,
                    "now": now,
                    "ok": status == "sent",
                    "id": claimed.id,
                    "attempts": claimed.attempts,
                },
            )
        if status == "sent":
            sent += 1
        elif status == "failed":
            failed += 1
            log.warning(
                "report delivery gave up",
                extra={"delivery_id": claimed.id, "error": outcome.error},
            )
        else:
            retrying += 1
    return Tally(0, sent, retrying, failed)


async def tick(engine: AsyncEngine, settings: Settings, now: datetime | None = None) -> Tally:
    """One worker tick: enqueue what is due, then send what is ready."""
    now = now or datetime.now(UTC)
    enqueued = await enqueue_due(engine, now)
    sent = await deliver_due(engine, settings, now)
    return Tally(enqueued, sent.sent, sent.retrying, sent.failed)
