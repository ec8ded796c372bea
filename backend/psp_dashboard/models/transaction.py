from sqlalchemy import (
    CHAR,
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

from psp_dashboard.models.base import metadata

MONEY = Numeric(18, 4)

transactions = Table(
    "transactions",
    metadata,
    Column("id", UUID(as_uuid=True), server_default=text("gen_random_uuid()"), nullable=False),
    Column("source", String(20), nullable=False),
    Column("source_id", String(255), nullable=False),
    Column("reference_id", String(255)),
    Column("client_operation_id", String(255)),
    Column("order_id", String(255)),
    Column("project", String(100)),
    Column("merchant_id", String(255)),
    Column("amount", MONEY, nullable=False),
    Column("currency", CHAR(3), nullable=False, server_default="INR"),
    Column("fee", MONEY),
    Column("status", String(30), nullable=False),
    # 'payin' (money in) or 'payout' (PayShack wallet pay-outs, 0013); pay-outs stay out
    # of the rollups, reconciliation and payment links.
    Column("direction", String(10), nullable=False, server_default="payin"),
    Column("original_status", String(50)),
    Column("user_id", String(255)),
    Column("user_email", String(255)),
    Column("user_phone", String(50)),
    Column("user_name", String(255)),
    Column("country", CHAR(2)),
    Column("utr", String(100)),
    Column("payment_method", String(50)),
    Column("payment_product", String(100)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True)),
    Column("completed_at", DateTime(timezone=True)),
    Column("source_create_cursor", String(100)),
    Column("source_update_cursor", String(100)),
    Column("raw_data", JSONB),
    Column("data_hash", String(64)),
    Column("ingested_at", DateTime(timezone=True), server_default=func.now()),
    # On a PayShack row: the Vima row that is the same payment (0009, payments/links.py).
    Column("counterpart_of", UUID(as_uuid=True)),
    # The PostgreSQL transaction that last wrote the row (0020): the ClickHouse feed's
    # change marker (analytics/feed.py). A default on insert, a trigger on update.
    Column("change_xid", BigInteger, server_default=text("(pg_current_xact_id())::text::bigint")),
    PrimaryKeyConstraint("id", "created_at", name="transactions_pkey"),
    CheckConstraint("direction IN ('payin', 'payout')", name="direction"),
    postgresql_partition_by="RANGE (created_at)",
)
_c = transactions.c
# The seed's indexes (0001), kept with their names.
Index("idx_txn_source_date", _c.source, _c.created_at.desc())
Index("idx_txn_project", _c.project, _c.created_at.desc())
Index("idx_txn_status", _c.status, _c.created_at.desc())
Index("idx_txn_client_op_id", _c.client_operation_id)
Index("idx_txn_order_id", _c.order_id)
Index("idx_txn_data_hash", _c.data_hash)
Index("idx_txn_source_source_id", _c.source, _c.source_id, _c.created_at, unique=True)
# The read API's (0005): the unfiltered list order, and one per arm of the search's OR.
Index("ix_transactions_created_at", _c.created_at.desc())
Index("ix_transactions_utr", _c.utr, postgresql_where=_c.utr.isnot(None))
Index(
    "ix_transactions_user_email_lower",
    func.lower(_c.user_email),
    postgresql_where=_c.user_email.isnot(None),
)
Index("ix_transactions_user_phone", _c.user_phone, postgresql_where=_c.user_phone.isnot(None))
# Payments counted once (0009): who points at a Vima row.
Index(
    "ix_transactions_counterpart_of",
    _c.counterpart_of,
    postgresql_where=_c.counterpart_of.isnot(None),
)
# Pay-outs (0013): a small share of the table, listed and summed from this index.
Index(
    "ix_transactions_payout_created_at",
    _c.created_at.desc(),
    postgresql_where=_c.direction == "payout",
)
# The ClickHouse feed's keyset (0020).
Index("ix_transactions_change_xid", _c.change_xid, _c.id)
# Search by payer VPA (PayShack's `user_id`) and name (0012).
Index(
    "ix_transactions_user_id_lower",
    func.lower(_c.user_id),
    postgresql_where=_c.user_id.isnot(None),
)
Index(
    "ix_transactions_user_name_lower",
    func.lower(_c.user_name),
    postgresql_where=_c.user_name.isnot(None),
)

# Columns only the system reads: the rest is the REST contract's transaction object, in
# the contract's order (the table was laid out in that order).
INTERNAL_COLUMNS = frozenset(
    {
        "source_create_cursor",
        "source_update_cursor",
        "raw_data",
        "data_hash",
        "ingested_at",
        "counterpart_of",
        "change_xid",
    }
)
CONTRACT_FIELDS: tuple[str, ...] = tuple(
    c.name for c in transactions.columns if c.name not in INTERNAL_COLUMNS
)
# What ingestion writes: everything but the generated id, ingestion time and the link
# (kept by payments/links.py, never by a record).
INGESTED_COLUMNS: tuple[str, ...] = tuple(
    c.name
    for c in transactions.columns
    if c.name not in {"id", "ingested_at", "counterpart_of", "change_xid"}
)
