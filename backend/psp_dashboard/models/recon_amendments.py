"""A run's amendments (one key re-classified after a re-fetch) and suggested matches
with their decisions (migration 0015 says why)."""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from psp_dashboard.models.base import metadata

reconciliation_amendments = Table(
    "reconciliation_amendments",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column(
        "recon_run_id",
        UUID(as_uuid=True),
        ForeignKey("reconciliation_runs.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("recon_date", Date, nullable=False),
    Column("client_operation_id", Text, nullable=False),
    Column("before_statuses", ARRAY(Text), nullable=False),
    Column("after_statuses", ARRAY(Text), nullable=False),
    Column("actor_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")),
    Column("actor_email", String(255), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.clock_timestamp()),
    Column("reason", String(40), nullable=False),
    Column("fetched", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
)
Index(
    "ix_reconciliation_amendments_run",
    reconciliation_amendments.c.recon_run_id,
    reconciliation_amendments.c.at,
)

reconciliation_suggestions = Table(
    "reconciliation_suggestions",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True),
    Column("recon_date", Date, nullable=False),
    Column("row_identity", Text, nullable=False),
    Column("side", String(10), nullable=False),
    Column("transaction_id", UUID(as_uuid=True), nullable=False),
    Column("reason", String(30), nullable=False),
    Column("status", String(20), nullable=False, server_default="open"),
    Column("note", Text),
    Column("decided_by", String(255)),
    Column("decided_at", DateTime(timezone=True)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint(
        "recon_date", "row_identity", "transaction_id", name="uq_reconciliation_suggestions_pair"
    ),
    CheckConstraint("side IN ('vima', 'payshack')", name="side"),
    CheckConstraint("status IN ('open', 'confirmed', 'dismissed')", name="status"),
)
Index(
    "ix_reconciliation_suggestions_txn",
    reconciliation_suggestions.c.transaction_id,
    postgresql_where=text("status = 'confirmed'"),
)
