"""Every status a transaction was seen with, and when (migration 0016).

Written by ingestion in the same database transaction as the rows (`sync/upsert.py`):
one entry when a row is first stored, one more whenever its status or original status
changes. Keyed by the transaction's unique key (source, source_id, created_at).
"""

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Identity,
    Index,
    PrimaryKeyConstraint,
    String,
    Table,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID

from psp_dashboard.models.base import metadata

transaction_status_history = Table(
    "transaction_status_history",
    metadata,
    Column("id", BigInteger, Identity(always=True), nullable=False),
    Column("source", String(20), nullable=False),
    Column("source_id", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("status", String(30), nullable=False),
    Column("original_status", String(50)),
    # The ingesting transaction's start (now()): equal to the row's `ingested_at`.
    Column("seen_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # The sync run that saw it; NULL for the migration's backfill and direct writers.
    Column("sync_run_id", UUID(as_uuid=True)),
    # A refund seen after the row was seen successful: a reversal (upi/rules.py).
    Column("reversal", Boolean, nullable=False, server_default=text("false")),
    PrimaryKeyConstraint("id", name="transaction_status_history_pkey"),
)
_h = transaction_status_history.c
# Short names: the convention's would pass PostgreSQL's 63 characters.
Index("ix_transaction_status_history_key", _h.source, _h.source_id, _h.created_at, _h.seen_at)
Index("ix_transaction_status_history_reversal", _h.created_at, postgresql_where=_h.reversal)
