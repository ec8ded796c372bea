"""What every channel sends: the notice of one alert event, and the outcome of a send."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

Event = Literal["firing", "resolved"]


@dataclass(frozen=True)
class Notice:
    event: Event
    alert_id: uuid.UUID
    rule_name: str
    kind: str
    severity: str
    title: str
    message: str
    value: Decimal | None
    threshold: Decimal | None
    fired_at: datetime
    resolved_at: datetime | None

    @property
    def subject(self) -> str:
        return f"[PSP] {self.event.upper()}: {self.title}"

    @property
    def text(self) -> str:
        lines = [self.subject, self.message, f"Rule: {self.rule_name} ({self.severity})"]
        lines.append(f"Fired at: {self.fired_at:%Y-%m-%d %H:%M:%S} UTC")
        if self.resolved_at is not None:
            lines.append(f"Resolved at: {self.resolved_at:%Y-%m-%d %H:%M:%S} UTC")
        lines.append(f"Alert: /alerts?id={self.alert_id}")
        return "\n".join(lines)


@dataclass(frozen=True)
class ChannelTarget:
    """A channel as a sender needs it: its secrets resolved (never shown, never logged)."""

    id: uuid.UUID
    name: str
    kind: str
    format: str | None
    chat_id: str | None
    url: str | None
    to: str | None
    secret: str | None


@dataclass(frozen=True)
class SendOutcome:
    delivered: bool
    status: str  # "sent", "http_500", "error", …
    error: str | None = None
