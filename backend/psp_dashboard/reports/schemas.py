"""Request and response bodies of the reports API (docs/reports.md)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, StrictBool

from psp_dashboard.alerts.schemas import EMAIL_PATTERN, URL_PATTERN
from psp_dashboard.reports.schedule import Kind

Channel = Literal["email", "webhook"]
Format = Literal["csv", "xlsx"]
Trigger = Literal["schedule", "manual"]
Status = Literal["pending", "sending", "sent", "failed"]
SEND_AT_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
Recipient = Annotated[str, Field(pattern=EMAIL_PATTERN, max_length=255)]
MAX_RECIPIENTS = 20


def _not_a_bool(value: object) -> object:
    # JSON's 3.0 is a whole number (JSON Schema says so); `true` is not one.
    if isinstance(value, bool):
        raise ValueError("a whole number, not a boolean")
    return value


Weekday = Annotated[
    int, Field(ge=0, le=6, description="0 = Monday … 6 = Sunday"), BeforeValidator(_not_a_bool)
]


class Delivery(BaseModel):
    id: int
    schedule_id: uuid.UUID
    due_at: datetime = Field(description="When it was due (a manual run: when asked)")
    trigger: Trigger
    status: Status
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    next_attempt_at: datetime | None = Field(description="While pending: the next attempt")
    period_from: date = Field(description="First day the report covers, in its zone")
    period_to: date = Field(description="Last day the report covers, in its zone")
    requested_by: str | None = Field(description="Who asked for a manual run")


class DeliveryEnvelope(BaseModel):
    data: Delivery


class DeliveryList(BaseModel):
    data: list[Delivery]


class Schedule(BaseModel):
    id: uuid.UUID
    name: str
    kind: Kind
    channel: Channel
    recipients: list[str]
    webhook_url_set: bool = Field(description="The URL itself is write-only")
    webhook_target: str | None = Field(description="The webhook's scheme://host")
    formats: list[Format]
    send_at: str = Field(description="HH:MM, wall-clock time in `timezone`")
    timezone: str
    weekday: int | None = Field(description="Weekly report: 0 = Monday … 6 = Sunday")
    enabled: bool
    next_run_at: datetime | None = Field(description="Next due time (UTC); null if disabled")
    last_delivery: Delivery | None
    created_by: str | None
    created_at: datetime


class ScheduleEnvelope(BaseModel):
    data: Schedule


class ScheduleList(BaseModel):
    data: list[Schedule]


_WEBHOOK_URL = Field(
    default=None,
    description="Webhook URL (channel webhook); stored encrypted, never returned",
    json_schema_extra={"pattern": URL_PATTERN, "maxLength": 2000},
)


def _default_formats() -> list[Format]:
    return ["csv"]


class ScheduleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    kind: Kind
    channel: Channel
    recipients: list[Recipient] = Field(
        default_factory=list, max_length=MAX_RECIPIENTS, description="E-mail addresses"
    )
    webhook_url: SecretStr | None = _WEBHOOK_URL
    formats: list[Format] = Field(default_factory=_default_formats, max_length=2)
    send_at: str = Field(pattern=SEND_AT_PATTERN, description="HH:MM")
    timezone: str = Field(min_length=1, max_length=64, description="IANA zone")
    weekday: Weekday | None = None
    enabled: StrictBool = True


class SchedulePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200, pattern=r"\S")
    channel: Channel | None = None
    recipients: list[Recipient] | None = Field(default=None, max_length=MAX_RECIPIENTS)
    webhook_url: SecretStr | None = _WEBHOOK_URL
    formats: list[Format] | None = Field(default=None, max_length=2)
    send_at: str | None = Field(default=None, pattern=SEND_AT_PATTERN, description="HH:MM")
    timezone: str | None = Field(default=None, min_length=1, max_length=64)
    weekday: Weekday | None = None
    enabled: StrictBool | None = None
