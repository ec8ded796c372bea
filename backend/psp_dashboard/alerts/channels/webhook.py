"""Webhooks: a body Slack (`text`, `blocks`) or Telegram (`chat_id`, `text`) accepts, or
our JSON; signed `X-PSP-Signature: sha256=<hex HMAC-SHA256 of the body>` with the time
in `X-PSP-Timestamp`."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

import httpx

from psp_dashboard.alerts.channels.base import ChannelTarget, Notice, SendOutcome

TIMEOUT_SECONDS = 10.0


def payload(target: ChannelTarget, notice: Notice) -> dict[str, Any]:
    if target.format == "telegram":
        return {"chat_id": target.chat_id, "text": notice.text}
    if target.format == "json":
        return {
            "event": notice.event,
            "alert_id": str(notice.alert_id),
            "rule": notice.rule_name,
            "kind": notice.kind,
            "severity": notice.severity,
            "title": notice.title,
            "message": notice.message,
            "value": None if notice.value is None else str(notice.value),
            "threshold": None if notice.threshold is None else str(notice.threshold),
            "fired_at": notice.fired_at.isoformat(),
            "resolved_at": None if notice.resolved_at is None else notice.resolved_at.isoformat(),
            "text": notice.text,
        }
    return {
        "text": notice.subject,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": notice.text}}],
    }


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def send(target: ChannelTarget, notice: Notice, now: datetime | None = None) -> SendOutcome:
    if not target.url:
        return SendOutcome(False, "error", "the channel has no URL (or its key changed)")
    body = json.dumps(payload(target, notice), ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "X-PSP-Timestamp": str(int((now or datetime.now(UTC)).timestamp())),
    }
    if target.secret:
        headers["X-PSP-Signature"] = signature(target.secret, body)
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False) as http:
            response = await http.post(target.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        # The URL may hold a token (Slack, Telegram): only the kind of failure is kept.
        return SendOutcome(False, "error", type(exc).__name__)
    if 200 <= response.status_code < 300:
        return SendOutcome(True, "sent")
    return SendOutcome(False, f"http_{response.status_code}", f"HTTP {response.status_code}")
