"""Owners and history of reconciliation rows, keyed by day + identity + API type
(migration 0010 says why)."""

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID

from psp_dashboard.models.base import metadata

reconciliation_assignments = Table(
    "reconciliation_assignments",
    metadata,
    Column("recon_date", Date, nullable=False),
    Column("row_identity", Text, nullable=False),
    Column("api_type", String(30), nullable=False),
    Column(
        "owner_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), nullable=False
    ),
    Column("assigned_by", String(255), nullable=False),
    Column("assigned_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint(
        "recon_date", "row_identity", "api_type", name="pk_reconciliation_assignments"
    ),
)
Index(
    "ix_reconciliation_assignments_owner",
    reconciliation_assignments.c.owner_id,
    reconciliation_assignments.c.recon_date,
)

reconciliation_events = Table(
    "reconciliation_events",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("recon_date", Date, nullable=False),
    Column("row_identity", Text, nullable=False),
    Column("api_type", String(30), nullable=False),
    Column("result_id", UUID(as_uuid=True), nullable=False),
    Column("action", String(20), nullable=False),
    Column("actor_id", UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")),
    Column("actor_email", String(255), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("resolution", String(20)),
    Column("owner_id", UUID(as_uuid=True)),
    Column("note", Text),
    CheckConstraint("action IN ('resolve', 'assign', 'comment')", name="action"),
)
Index(
    "ix_reconciliation_events_identity",
    reconciliation_events.c.recon_date,
    reconciliation_events.c.row_identity,
    reconciliation_events.c.api_type,
    reconciliation_events.c.at,
)
