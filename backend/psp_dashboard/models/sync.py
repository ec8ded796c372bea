from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from psp_dashboard.models.base import metadata

sync_state = Table(
    "sync_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source", String(20), nullable=False),
    Column("last_create_cursor", String(100)),
    Column("last_update_cursor", String(100)),
    Column("last_sync_at", DateTime(timezone=True)),
    Column("last_successful_sync", DateTime(timezone=True)),
    Column("sync_status", String(20), server_default="idle"),
    Column("error_message", Text),
    Column("records_synced", Integer, server_default="0"),
    Column("updated_at", DateTime(timezone=True), server_default=func.now()),
    # Added beyond the seed: a source's own watermark (PayShack has no cursor) and
    # the checkpoint of a resumable backfill.
    Column("watermark", DateTime(timezone=True)),
    Column("checkpoint", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("next_sync_at", DateTime(timezone=True)),
    # The newest created_at the source has delivered (capped at our clock + a tolerance).
    Column("newest_record_at", DateTime(timezone=True)),
    # Named by PostgreSQL (the seed's inline UNIQUE), not by the naming convention.
    UniqueConstraint("source", name="sync_state_source_key"),
)

sync_runs = Table(
    "sync_runs",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("source", String(20), nullable=False),
    Column("kind", String(20), nullable=False, server_default="incremental"),
    Column("status", String(20), nullable=False),
    Column("started_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finished_at", DateTime(timezone=True)),
    Column("fetched", Integer, nullable=False, server_default="0"),
    Column("inserted", Integer, nullable=False, server_default="0"),
    Column("updated", Integer, nullable=False, server_default="0"),
    Column("unchanged", Integer, nullable=False, server_default="0"),
    Column("quarantined", Integer, nullable=False, server_default="0"),
    Column("unknown_statuses", Integer, nullable=False, server_default="0"),
    Column("pages", Integer, nullable=False, server_default="0"),
    Column("duration_ms", BigInteger),
    Column("error", Text),
    Column("params", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    # What the provider said the run's windows hold and what the run accounted for.
    Column("rows_expected", BigInteger),
    Column("rows_read", BigInteger),
    Column("completeness", JSONB, nullable=False, server_default=text("'[]'::jsonb")),
)
Index("ix_sync_runs_source_started", sync_runs.c.source, sync_runs.c.started_at.desc())

quarantine = Table(
    "quarantine",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("source", String(20), nullable=False),
    Column("source_record_id", String(255)),
    Column("reason", Text, nullable=False),
    Column("raw", JSONB, nullable=False),
    Column("raw_hash", String(64), nullable=False),
    Column("first_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("last_seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("seen_count", Integer, nullable=False, server_default="1"),
    UniqueConstraint("source", "raw_hash", name="uq_quarantine_source_raw_hash"),
)

sync_backfills = Table(
    "sync_backfills",
    metadata,
    Column("id", UUID(as_uuid=True), primary_key=True, server_default=text("gen_random_uuid()")),
    Column("source", String(20), nullable=False),
    Column("from_date", Date, nullable=False),
    Column("to_date", Date, nullable=False),
    Column("status", String(20), nullable=False, server_default="pending"),
    # {"2026-01-15": {"done": bool, "checkpoint": {...}, "rows": n}, ...}
    Column("shards", JSONB, nullable=False, server_default=text("'{}'::jsonb")),
    Column("requested_by", String(255)),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("error", Text),
)
