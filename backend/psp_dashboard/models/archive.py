"""`partition_archives`: the monthly partitions of `transactions` archived to Parquet
(retention/, migration 0019), one row per month and source."""

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB

from psp_dashboard.models.base import metadata

partition_archives = Table(
    "partition_archives",
    metadata,
    Column("month", Date, nullable=False),
    Column("source", String(20), nullable=False),
    Column("path", Text, nullable=False),
    Column("rows", BigInteger, nullable=False),
    Column("sums", JSONB, nullable=False),
    Column("checksum", String(64), nullable=False),
    Column("archived_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("restored_at", DateTime(timezone=True)),
    PrimaryKeyConstraint("month", "source", name="pk_partition_archives"),
)
