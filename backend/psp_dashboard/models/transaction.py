from sqlalchemy import (
    CHAR,
    Column,
    DateTime,
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
    PrimaryKeyConstraint("id", "created_at", name="transactions_pkey"),
    postgresql_partition_by="RANGE (created_at)",
)

# Columns only the system reads: the rest is the REST contract's transaction object, in
# the contract's order (the table was laid out in that order).
INTERNAL_COLUMNS = frozenset(
    {"source_create_cursor", "source_update_cursor", "raw_data", "data_hash", "ingested_at"}
)
CONTRACT_FIELDS: tuple[str, ...] = tuple(
    c.name for c in transactions.columns if c.name not in INTERNAL_COLUMNS
)
# What ingestion writes: everything but the generated id and ingestion time.
INGESTED_COLUMNS: tuple[str, ...] = tuple(
    c.name for c in transactions.columns if c.name not in {"id", "ingested_at"}
)
