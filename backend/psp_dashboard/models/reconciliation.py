from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID

from psp_dashboard.models.base import metadata

MONEY = Numeric(18, 4)

reconciliation_results = Table(
    "reconciliation_results",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("recon_date", Date, nullable=False),
    Column("recon_run_id", UUID(as_uuid=True), nullable=False),
    Column("run_started_at", DateTime(timezone=True)),
    Column("run_completed_at", DateTime(timezone=True)),
    Column("vima_txn_id", UUID(as_uuid=True)),
    Column("payshack_txn_id", UUID(as_uuid=True)),
    Column("client_operation_id", String(255)),
    Column("match_status", String(30), nullable=False),
    Column("discrepancy_type", String(50)),
    Column("vima_amount", MONEY),
    Column("payshack_amount", MONEY),
    Column("amount_diff", MONEY),
    Column("vima_status", String(30)),
    Column("payshack_status", String(30)),
    Column("details", JSONB),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
    # Beyond the seed: resolution workflow and provisional "missing" rows.
    Column("resolution", String(20), nullable=False, server_default="open"),
    Column("resolved_by", String(255)),
    Column("resolved_at", DateTime(timezone=True)),
    Column("note", Text),
    Column("provisional", Boolean, nullable=False, server_default="false"),
    Column("first_seen_at", DateTime(timezone=True)),
    Column("change", String(20)),
)
# Results are always read through their run, in listing order (keys in byte order).
_r = reconciliation_results.c
Index(
    "ix_reconciliation_results_run_type",
    _r.recon_run_id,
    _r.match_status,
    _r.discrepancy_type,
    _r.client_operation_id.collate("C"),
)

reconciliation_runs = Table(
    "reconciliation_runs",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("recon_date", Date, nullable=False),
    Column("status", String(20), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("completed_at", DateTime(timezone=True)),
    Column("triggered_by", String(255)),
    Column("is_current", Boolean, nullable=False, server_default="false"),
    Column("coverage", String(20)),
    Column("watermarks", JSONB),
    Column("settings", JSONB),
    Column("summary", JSONB),
    Column("total", Integer),
    Column("error", Text),
    Column("previous_run_id", UUID(as_uuid=True)),
)
Index(
    "ix_reconciliation_runs_date",
    reconciliation_runs.c.recon_date,
    reconciliation_runs.c.started_at.desc(),
)
# At most one current run per day: the guarantee behind "a re-run supersedes".
Index(
    "uq_reconciliation_runs_current",
    reconciliation_runs.c.recon_date,
    unique=True,
    postgresql_where=reconciliation_runs.c.is_current,
)

# Matched pairs of a run, stored as arrays in chunks (a 1M-key day is ~900k pairs).
reconciliation_matches = Table(
    "reconciliation_matches",
    metadata,
    Column(
        "recon_run_id",
        UUID(as_uuid=True),
        ForeignKey("reconciliation_runs.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("chunk", Integer, nullable=False),
    Column("recon_date", Date, nullable=False),
    Column("keys", ARRAY(Text), nullable=False),
    Column("vima_txn_ids", ARRAY(UUID(as_uuid=True)), nullable=False),
    Column("payshack_txn_ids", ARRAY(UUID(as_uuid=True)), nullable=False),
    PrimaryKeyConstraint("recon_run_id", "chunk", name="pk_reconciliation_matches"),
)
