"""The mirror's ClickHouse table: the columns of `transactions` that analytics reads.

ReplacingMergeTree keeps, per sorting key (the PostgreSQL unique key), the row with the
highest `version` — the PostgreSQL transaction id that wrote it (`change_xid`, 0020) —
and `is_deleted = 1` marks a tombstone. A row sent twice (a feed batch repeated after a
crash) is the same key and version: one row after FINAL. Queries read `FINAL`, so
results are exact before background merges catch up.

Partitioned by month like PostgreSQL: a key never moves between partitions (created_at
is part of it), so FINAL never has to merge across them.
"""

from __future__ import annotations

TABLE = "transactions"

# (name, ClickHouse type); the order is the feed's JSON order. Money is Decimal(18,4), the
# PostgreSQL NUMERIC(18,4); sums are Decimal(38,4): exact.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "UUID"),
    ("source", "LowCardinality(String)"),
    ("source_id", "String"),
    ("direction", "LowCardinality(String)"),
    ("project", "LowCardinality(Nullable(String))"),
    ("merchant_id", "Nullable(String)"),
    ("amount", "Decimal(18, 4)"),
    ("fee", "Nullable(Decimal(18, 4))"),
    ("currency", "LowCardinality(String)"),
    ("status", "LowCardinality(String)"),
    ("original_status", "LowCardinality(Nullable(String))"),
    ("payment_method", "LowCardinality(Nullable(String))"),
    ("user_id", "Nullable(String)"),
    ("user_email", "Nullable(String)"),
    ("user_phone", "Nullable(String)"),
    ("user_name", "Nullable(String)"),
    ("utr", "Nullable(String)"),
    ("created_at", "DateTime64(6, 'UTC')"),
    ("updated_at", "Nullable(DateTime64(6, 'UTC'))"),
    ("version", "UInt64"),
    ("is_deleted", "UInt8"),
)
# Text columns the breakdown groups by, each also sent as a code (analytics_codes, 0021):
# ClickHouse groups fixed-size integers faster than strings (docs/analytics.md). 0 is NULL.
CODED: tuple[str, ...] = (
    "source",
    "direction",
    "project",
    "currency",
    "status",
    "original_status",
    "payment_method",
)


def code_column(column: str) -> str:
    return f"{column}_code"


CODE_COLUMNS: tuple[tuple[str, str], ...] = tuple((code_column(c), "UInt16") for c in CODED)
# What the feed reads from PostgreSQL (every column but the two it computes).
SOURCE_COLUMNS: tuple[str, ...] = tuple(
    name for name, _ in COLUMNS if name not in ("version", "is_deleted")
)


# Explicit codecs for the columns every breakdown reads. Left to the default, ClickHouse
# may pick ZSTD for large parts (chdb does once a month is compacted into one), and
# decompressing ZSTD took over half of a breakdown's time; T64 packs the integers'
# significant bits and LZ4 decompresses several times faster (docs/analytics.md).
FAST_CODEC = "CODEC(T64, LZ4)"
CODECS: dict[str, str] = {
    "amount": FAST_CODEC,
    "created_at": FAST_CODEC,
    "version": FAST_CODEC,
    "is_deleted": FAST_CODEC,
    **{name: FAST_CODEC for name, _ in CODE_COLUMNS},
}


def _column(name: str, kind: str) -> str:
    codec = CODECS.get(name)
    return f"{name} {kind} {codec}" if codec else f"{name} {kind}"


def create_statements(database: str) -> list[str]:
    columns = ",\n    ".join(_column(name, kind) for name, kind in (*COLUMNS, *CODE_COLUMNS))
    return [
        f"CREATE DATABASE IF NOT EXISTS {database}",
        f"""CREATE TABLE IF NOT EXISTS {database}.{TABLE} (
    {columns}
)
ENGINE = ReplacingMergeTree(version, is_deleted)
PARTITION BY toYYYYMM(created_at)
ORDER BY (source, source_id, created_at)""",
    ]


# Settings every read of the mirror uses: FINAL within a partition only (see above).
READ_SETTINGS = "SETTINGS do_not_merge_across_partitions_select_final = 1"
