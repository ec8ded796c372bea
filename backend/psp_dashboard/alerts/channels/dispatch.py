"""One send through whatever kind of channel it is."""

from __future__ import annotations

import os
from typing import Any

from psp_dashboard.alerts.channels import email, webhook
from psp_dashboard.alerts.channels.base import ChannelTarget, Notice, SendOutcome
from psp_dashboard.alerts.channels.secrets import decrypt
from psp_dashboard.config import Settings


def target_of(settings: Settings, row: Any) -> ChannelTarget:
    """A stored channel with its URL and secret resolved (env name, stored, or the
    ALERT_WEBHOOK_SECRET default)."""
    secret = None
    if row.secret_env:
        secret = os.environ.get(row.secret_env) or None
    elif row.secret_encrypted:
        secret = decrypt(settings, row.secret_encrypted)
    elif settings.alert_webhook_secret is not None:
        secret = settings.alert_webhook_secret.get_secret_value()
    return ChannelTarget(
        id=row.id,
        name=row.name,
        kind=row.kind,
        format=row.format,
        chat_id=row.chat_id,
        url=decrypt(settings, row.url_encrypted),
        to=row.target if row.kind == "email" else None,
        secret=secret,
    )


async def send(settings: Settings, target: ChannelTarget, notice: Notice) -> SendOutcome:
    if target.kind == "webhook":
        return await webhook.send(target, notice)
    if target.kind == "email":
        return await email.send(settings, target, notice)
    # In-app: the alert row is the notification; the bell and the alert centre read it.
    return SendOutcome(True, "sent")
