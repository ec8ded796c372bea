from sqlalchemy import (
    CHAR,
    BigInteger,
    Column,
    DateTime,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
)

from psp_dashboard.models.base import metadata

# 30-minute buckets: IST (UTC+05:30) hours and days are exact unions of them.
BUCKET_MINUTES = 30

transaction_rollup = Table(
    "transaction_rollup",
    metadata,
    Column("bucket", DateTime(timezone=True), nullable=False),
    Column("source", String(20), nullable=False),
    Column("project", String(100), nullable=False, server_default=""),
    Column("status", String(30), nullable=False),
    Column("original_status", String(50), nullable=False, server_default=""),
    Column("payment_method", String(50), nullable=False, server_default=""),
    Column("merchant_id", String(255), nullable=False, server_default=""),
    Column("currency", CHAR(3), nullable=False),
    Column("count", BigInteger, nullable=False),
    Column("amount", Numeric(24, 4), nullable=False),
    Column("fee", Numeric(24, 4), nullable=False),
    PrimaryKeyConstraint(
        "bucket",
        "source",
        "project",
        "status",
        "original_status",
        "payment_method",
        "merchant_id",
        "currency",
        name="pk_transaction_rollup",
    ),
)
