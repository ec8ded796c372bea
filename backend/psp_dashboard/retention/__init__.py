"""Retention: monthly partitions of `transactions` older than RETENTION_MONTHS archived to
Parquet under ARCHIVE_DIR and dropped; any month restorable (docs/retention.md)."""
