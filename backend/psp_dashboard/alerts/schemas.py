"""Request and response bodies of the alerts API (docs/alerts.md)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, StrictBool

# ASCII only, so the document's regex (ECMA) and the server's agree on every character.
EMAIL_PATTERN = r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$"
_PORT = r"([0-9]{1,4}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])"
URL_PATTERN = rf"^https?://[A-Za-z0-9.-]*[A-Za-z0-9](:{_PORT})?(/[!-~]*)?$"
Severity = Literal["critical", "warning"]


def _not_a_bool(value: Any) -> Any:
    # JSON's 60.0 is a whole number (JSON Schema says so); `false` is not one.
    if isinstance(value, bool):
        raise ValueError("a whole number of minutes, not a boolean")
    return value


CooldownMinutes = Annotated[
    int,
    Field(ge=0, le=10_080, description="Quiet minutes after a resolution"),
    BeforeValidator(_not_a_bool),
]
ScopeType = Literal["all", "source", "project"]
ChannelKind = Literal["in_app", "webhook", "email"]
WebhookFormat = Literal["slack", "telegram", "json"]
RuleKind = Literal[
    "success_rate_low",
    "traffic_stopped",
    "failures_spike",
    "sync_unhealthy",
    "browser_source_problem",
    "recon_money_at_risk",
    "recon_discrepancy_jump",
    "recon_not_reconciled",
]


class Scope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: ScopeType = "all"
    value: str | None = Field(default=None, max_length=100, description="Source or project")


class TransactionsLink(BaseModel):
    """The filter of the transactions list that shows what the alert is about."""

    model_config = ConfigDict(populate_by_name=True)

    from_: datetime = Field(alias="from")
    to: datetime
    project: str | None = None
    source: str | None = None
    status: str | None = None


class Evidence(BaseModel):
    transactions: TransactionsLink | None = None
    sync_run_id: uuid.UUID | None = None
    source: str | None = None
    recon_date: str | None = Field(default=None, description="YYYY-MM-DD")
    screenshot_url: str | None = Field(
        default=None, description="The browser reader's screenshot (authenticated route)"
    )


class Notification(BaseModel):
    channel: str
    event: Literal["firing", "resolved"]
    status: Literal["pending", "sent", "failed"]
    attempts: int
    delivered_at: datetime | None


class Alert(BaseModel):
    id: uuid.UUID
    rule_id: uuid.UUID
    rule_name: str
    kind: str
    severity: Severity
    scope: Scope
    state: Literal["firing", "resolved"]
    title: str
    message: str
    value: str | None = Field(description="Exact decimal, or null")
    threshold: str | None = Field(description="Exact decimal, or null")
    fired_at: datetime
    resolved_at: datetime | None
    acknowledged_by: str | None = Field(description="E-mail of who acknowledged")
    acknowledged_at: datetime | None
    evidence: Evidence
    notifications: list[Notification]


class AlertEnvelope(BaseModel):
    data: Alert


class PageMeta(BaseModel):
    page: int
    limit: int
    total: int
    total_pages: int


class AlertPage(BaseModel):
    data: list[Alert]
    meta: PageMeta


class AlertSummary(BaseModel):
    firing: int
    unacknowledged: int = Field(description="Firing alerts nobody acknowledged")
    latest: list[Alert] = Field(description="Up to 5 firing alerts, newest first")


class AlertSummaryEnvelope(BaseModel):
    data: AlertSummary


class RuleState(BaseModel):
    firing: int


class Rule(BaseModel):
    id: uuid.UUID
    name: str
    kind: RuleKind
    severity: Severity
    scope: Scope
    params: dict[str, Any] = Field(description="Per kind; decimals as strings")
    cooldown_minutes: int
    enabled: bool
    channel_ids: list[uuid.UUID]
    created_at: datetime
    updated_at: datetime
    state: RuleState


class RuleEnvelope(BaseModel):
    data: Rule


class RuleList(BaseModel):
    data: list[Rule]


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    kind: RuleKind
    severity: Severity = "warning"
    scope: Scope = Field(default_factory=Scope)
    params: dict[str, Any] = Field(default_factory=dict, description="Missing ones: defaults")
    cooldown_minutes: CooldownMinutes = 30
    enabled: StrictBool = True
    channel_ids: list[uuid.UUID] = Field(default_factory=list, max_length=20)


class RulePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=200)
    severity: Severity | None = None
    scope: Scope | None = None
    params: dict[str, Any] | None = None
    cooldown_minutes: CooldownMinutes | None = None
    enabled: StrictBool | None = None
    channel_ids: list[uuid.UUID] | None = Field(default=None, max_length=20)


class Channel(BaseModel):
    id: uuid.UUID
    name: str
    kind: ChannelKind
    target: str | None = Field(description="A webhook's scheme://host, an e-mail address")
    format: WebhookFormat | None
    has_secret: bool
    enabled: bool
    created_at: datetime


class ChannelEnvelope(BaseModel):
    data: Channel


class ChannelList(BaseModel):
    data: list[Channel]


class ChannelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    kind: ChannelKind
    url: SecretStr | None = Field(
        default=None,
        description="Webhook URL (stored encrypted); needed when kind is webhook",
        json_schema_extra={"pattern": URL_PATTERN, "maxLength": 2000},
    )
    format: WebhookFormat | None = Field(default=None, description="Webhook body; default slack")
    chat_id: str | None = Field(default=None, max_length=100, description="Telegram chat")
    to: str | None = Field(
        default=None,
        max_length=255,
        pattern=EMAIL_PATTERN,
        description="E-mail address; needed when kind is email",
    )
    secret_env: str | None = Field(
        default=None,
        max_length=100,
        pattern=r"^[A-Z_][A-Z0-9_]*$",
        description="Name of the environment variable holding the signing secret",
    )
    secret: SecretStr | None = Field(
        default=None, description="Signing secret, stored encrypted, never returned"
    )


class ChannelTest(BaseModel):
    delivered: bool
    status: str
    error: str | None


class ChannelTestEnvelope(BaseModel):
    data: ChannelTest


class Evaluation(BaseModel):
    evaluated: int
    fired: int
    resolved: int


class EvaluationEnvelope(BaseModel):
    data: Evaluation
