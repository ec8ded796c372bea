"""The ClickHouse mirror's feed (migration 0020, docs/analytics.md): its one state row
and the tombstones of deleted transactions still to be sent."""

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID

from psp_dashboard.models.base import metadata

# The id of the writing PostgreSQL transaction, as a bigint (xid8 has no asyncpg codec).
CURRENT_XID = text("(pg_current_xact_id())::text::bigint")

analytics_feed_state = Table(
    "analytics_feed_state",
    metadata,
    Column("name", String(40), primary_key=True),
    # Rows older than 0020 have no change_xid: fed once in id order first.
    Column("backfill_done", Boolean, nullable=False, server_default="false"),
    Column("backfill_after_id", UUID(as_uuid=True)),
    # Keyset position of the last sent change: (change_xid, id).
    Column("watermark_xid", BigInteger, nullable=False, server_default="0"),
    Column("watermark_id", UUID(as_uuid=True)),
    Column("deletions_xid", BigInteger, nullable=False, server_default="0"),
    Column("rows_fed", BigInteger, nullable=False, server_default="0"),
    Column("mirror_rows", BigInteger),
    Column("last_fed_at", DateTime(timezone=True)),
    # Start of the last round that sent every change below its bound.
    Column("caught_up_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("last_error_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

analytics_feed_deletions = Table(
    "analytics_feed_deletions",
    metadata,
    Column("change_xid", BigInteger, nullable=False, server_default=CURRENT_XID),
    Column("id", UUID(as_uuid=True), nullable=False),
    Column("source", String(20), nullable=False),
    Column("source_id", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    PrimaryKeyConstraint("change_xid", "id", name="pk_analytics_feed_deletions"),
)

# Per text dimension of the mirror, a small integer per value (migration 0021).
analytics_codes = Table(
    "analytics_codes",
    metadata,
    Column("dimension", String(40), nullable=False),
    Column("value", Text, nullable=False),
    Column("code", Integer, nullable=False),
    PrimaryKeyConstraint("dimension", "value"),
    UniqueConstraint("dimension", "code"),
    CheckConstraint("code BETWEEN 1 AND 65535", name="code_range"),
)
