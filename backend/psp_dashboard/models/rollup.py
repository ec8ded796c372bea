"""The rollups: `transactions` summed per 30-minute bucket, and those buckets per UTC day.

`transaction_rollup` is written by the ingestion pipeline in the same database
transaction as the rows it sums (`sync/upsert.py`); `transaction_rollup_daily` by a
trigger on it (migration 0005), so both are exact whenever a transaction commits.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    CHAR,
    BigInteger,
    Column,
    Date,
    DateTime,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
)

from psp_dashboard.models.base import metadata

# 30 minutes, not an hour: Asia/Kolkata is UTC+05:30, so IST hours and days are exact
# unions of half-hour buckets where hourly UTC buckets could not be regrouped into them.
BUCKET = timedelta(minutes=30)
BUCKET_ORIGIN = datetime(2000, 1, 1, tzinfo=UTC)
BUCKET_INTERVAL_SQL = f"interval '{int(BUCKET.total_seconds()) // 60} minutes'"


def bucket_sql(column: str) -> str:
    """SQL for the start of the bucket a timestamp column falls in."""
    origin = BUCKET_ORIGIN.strftime("%Y-%m-%d %H:%M:%S+00")
    return f"date_bin({BUCKET_INTERVAL_SQL}, {column}, TIMESTAMPTZ '{origin}')"


def bucket_start(instant: datetime) -> datetime:
    """The start of the bucket `instant` falls in (as `bucket_sql` computes it)."""
    return BUCKET_ORIGIN + (instant - BUCKET_ORIGIN) // BUCKET * BUCKET


def on_bucket_edge(instant: datetime) -> bool:
    """Whether a range may start or end at `instant` and still be summed exactly from
    whole buckets."""
    return (instant - BUCKET_ORIGIN) % BUCKET == timedelta(0)


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
    # Rows of the bucket that are another row's counterpart (payments/links.py, 0009).
    Column("counterpart_count", BigInteger, nullable=False, server_default="0"),
    Column("counterpart_amount", Numeric(24, 4), nullable=False, server_default="0"),
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

# Only the dimensions every whole-day total needs: a 30-day overview sums a few
# thousand of these rows instead of ~170k buckets.
transaction_rollup_daily = Table(
    "transaction_rollup_daily",
    metadata,
    Column("day", Date, nullable=False),
    Column("source", String(20), nullable=False),
    Column("project", String(100), nullable=False, server_default=""),
    Column("status", String(30), nullable=False),
    Column("currency", CHAR(3), nullable=False),
    Column("count", BigInteger, nullable=False),
    Column("amount", Numeric(24, 4), nullable=False),
    Column("counterpart_count", BigInteger, nullable=False, server_default="0"),
    Column("counterpart_amount", Numeric(24, 4), nullable=False, server_default="0"),
    PrimaryKeyConstraint(
        "day", "source", "project", "status", "currency", name="pk_transaction_rollup_daily"
    ),
)
