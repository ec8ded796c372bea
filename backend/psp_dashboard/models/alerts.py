"""Alerts (docs/alerts.md): rules, channels, one state row per (rule, subject), the
history of alerts and the outbox of their deliveries (migration 0012)."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from psp_dashboard.models.base import metadata

alert_channels = Table(
    "alert_channels",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", String(100), nullable=False),
    Column("kind", String(20), nullable=False),
    # What the API shows: a webhook's scheme://host, an e-mail address; never a secret.
    Column("target", String(255)),
    Column("format", String(20)),
    Column("chat_id", String(100)),
    # Webhook URLs carry tokens (Slack, Telegram): stored encrypted like secrets.
    Column("url_encrypted", Text),
    Column("secret_env", String(100)),
    Column("secret_encrypted", Text),
    Column("enabled", Boolean, nullable=False, server_default="true"),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("name", name="uq_alert_channels_name"),
    CheckConstraint("kind IN ('in_app', 'webhook', 'email')", name="kind"),
)

alert_rules = Table(
    "alert_rules",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("severity", String(20), nullable=False, server_default="warning"),
    Column("scope_type", String(20), nullable=False, server_default="all"),
    Column("scope_value", String(100)),
    Column("params", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("cooldown_minutes", Integer, nullable=False, server_default="30"),
    Column("enabled", Boolean, nullable=False, server_default="true"),
    Column(
        "channel_ids",
        ARRAY(UUID(as_uuid=True)),
        nullable=False,
        server_default=text("'{}'::uuid[]"),
    ),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("severity IN ('critical', 'warning')", name="severity"),
    CheckConstraint("scope_type IN ('all', 'source', 'project')", name="scope_type"),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    # History outlives its rule: the name and kind are copied, the id may dangle.
    Column("rule_id", UUID(as_uuid=True), nullable=False),
    Column("rule_name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("severity", String(20), nullable=False),
    Column("scope_type", String(20), nullable=False),
    Column("scope_value", String(100)),
    Column("subject", String(200), nullable=False),
    Column("source", String(20)),
    Column("project", String(100)),
    Column("state", String(20), nullable=False),
    Column("title", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("value", Numeric(24, 4)),
    Column("threshold", Numeric(24, 4)),
    Column("fired_at", DateTime(timezone=True), nullable=False),
    Column("resolved_at", DateTime(timezone=True)),
    Column("acknowledged_by", String(255)),
    Column("acknowledged_at", DateTime(timezone=True)),
    Column("evidence", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    CheckConstraint("state IN ('firing', 'resolved')", name="state"),
)
Index("ix_alerts_fired_at", alerts.c.fired_at.desc())
Index(
    "ix_alerts_firing",
    alerts.c.fired_at.desc(),
    postgresql_where=text("state = 'firing'"),
)

# One row per (rule, subject): the state machine ok → firing → ok (resolved).
alert_states = Table(
    "alert_states",
    metadata,
    Column(
        "rule_id",
        UUID(as_uuid=True),
        ForeignKey("alert_rules.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("subject", String(200), nullable=False),
    Column("state", String(20), nullable=False, server_default="ok"),
    Column("alert_id", UUID(as_uuid=True)),
    Column("last_resolved_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("rule_id", "subject", name="alert_states_pkey"),
    CheckConstraint("state IN ('ok', 'firing')", name="state"),
)

# The outbox: written with the state change that causes it, sent by the delivery job.
alert_deliveries = Table(
    "alert_deliveries",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "alert_id",
        UUID(as_uuid=True),
        ForeignKey("alerts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column(
        "channel_id",
        UUID(as_uuid=True),
        ForeignKey("alert_channels.id", ondelete="SET NULL"),
    ),
    Column("channel_name", String(100), nullable=False),
    Column("event", String(20), nullable=False),
    Column("status", String(20), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_error", Text),
    Column("delivered_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("alert_id", "channel_id", "event", name="uq_alert_deliveries_once"),
    CheckConstraint("event IN ('firing', 'resolved')", name="event"),
    CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
)
Index("ix_alert_deliveries_alert_id", alert_deliveries.c.alert_id)
Index(
    "ix_alert_deliveries_due",
    alert_deliveries.c.next_attempt_at,
    postgresql_where=text("status = 'pending'"),
)
