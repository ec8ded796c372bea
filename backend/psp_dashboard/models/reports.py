"""Scheduled reports (docs/reports.md): schedules and the history of their deliveries,
which is also the outbox the delivery job sends from (migration 0017)."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID

from psp_dashboard.models.base import metadata

report_schedules = Table(
    "report_schedules",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("channel", String(20), nullable=False),
    Column("recipients", ARRAY(Text), nullable=False, server_default=text("'{}'::text[]")),
    # Webhook URLs carry tokens: encrypted like the alert channels' (alerts/channels/secrets).
    Column("webhook_url_encrypted", Text),
    # What the API may show of the URL: scheme://host.
    Column("webhook_target", String(255)),
    Column("formats", ARRAY(Text), nullable=False, server_default=text("'{csv}'::text[]")),
    Column("send_at", Time(timezone=False), nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("weekday", SmallInteger),
    Column("enabled", Boolean, nullable=False, server_default="true"),
    # Due times before this are never sent: a new or re-timed schedule does not send
    # the past (schedule.py).
    Column("not_before", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("created_by", String(255)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("kind IN ('daily_summary', 'weekly_reconciliation')", name="kind"),
    CheckConstraint("channel IN ('email', 'webhook')", name="channel"),
    CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
    CheckConstraint(
        "(kind = 'weekly_reconciliation') = (weekday IS NOT NULL)", name="weekly_has_weekday"
    ),
)

report_deliveries = Table(
    "report_deliveries",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "schedule_id",
        UUID(as_uuid=True),
        ForeignKey("report_schedules.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("due_at", DateTime(timezone=True), nullable=False),
    Column("trigger", String(20), nullable=False),
    Column("status", String(20), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # A claimed row is `sending` until then; past it, a crashed sender's row is retaken.
    Column("lease_until", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("sent_at", DateTime(timezone=True)),
    Column("period_from", Date, nullable=False),
    Column("period_to", Date, nullable=False),
    Column("requested_by", String(255)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    CheckConstraint("trigger IN ('schedule', 'manual')", name="trigger"),
    CheckConstraint("status IN ('pending', 'sending', 'sent', 'failed')", name="status"),
)
# The exactly-once key: however many workers find a due time, one row is inserted.
Index(
    "uq_report_deliveries_due",
    report_deliveries.c.schedule_id,
    report_deliveries.c.due_at,
    unique=True,
    postgresql_where=text("trigger = 'schedule'"),
)
Index("ix_report_deliveries_schedule_id", report_deliveries.c.schedule_id, report_deliveries.c.id)
Index(
    "ix_report_deliveries_todo",
    report_deliveries.c.next_attempt_at,
    postgresql_where=text("status IN ('pending', 'sending')"),
)
