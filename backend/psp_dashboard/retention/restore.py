"""`psp retention restore YYYY-MM`: an archived month back into `transactions`.

In one transaction: each recorded file's checksum is checked, its rows are COPYed
into a staging table shaped like `transactions`, counts and sums per status are
compared with what was recorded when archiving, and then the staging table becomes
the month's partition (ATTACH). If rows for that month arrived after the archive (a
partition exists again), the archived rows are inserted into it instead, a row
already present winning. The rollups are not touched: they never lost the month.
Nothing is committed unless every check passes.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pyarrow.parquet as pq
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from psp_dashboard.kit.locks import session_lock
from psp_dashboard.models import partition_archives
from psp_dashboard.partitions import add_months, existing_partitions, partition_name
from psp_dashboard.retention.archive import (
    BATCH_ROWS,
    RETENTION_LOCK,
    ArchiveMismatch,
    same_sums,
    table_sums,
)
from psp_dashboard.retention.columns import ArchiveColumn, table_columns
from psp_dashboard.retention.store import ArchiveStore


class NothingArchived(Exception):
    """The month has no archive recorded."""


@dataclass
class MonthRestored:
    month: date
    rows: int
    merged: bool  # into a partition that existed again (else attached as the partition)


def read_batches(
    store: ArchiveStore, path: str, columns: dict[str, ArchiveColumn]
) -> Iterator[tuple[list[str], list[tuple[Any, ...]]]]:
    with store.filesystem.open_input_file(path) as handle:
        parquet = pq.ParquetFile(handle)
        names = parquet.schema_arrow.names
        unknown = [n for n in names if n not in columns]
        if unknown:
            raise ArchiveMismatch(f"{path}: columns {unknown} no longer exist in transactions")
        converters = [columns[n].to_db for n in names]
        for batch in parquet.iter_batches(batch_size=BATCH_ROWS):
            values = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            rows = [
                tuple(convert(v) for convert, v in zip(converters, row, strict=True))
                for row in zip(*values, strict=True)
            ]
            yield names, rows


async def load_file(
    conn: AsyncConnection,
    store: ArchiveStore,
    path: str,
    staging: str,
    columns: list[ArchiveColumn],
) -> int:
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    by_name = {c.name: c for c in columns}
    batches = read_batches(store, path, by_name)
    loaded = 0
    while (item := await asyncio.to_thread(next, batches, None)) is not None:
        names, rows = item
        await driver.copy_records_to_table(staging, records=rows, columns=names)
        loaded += len(rows)
    return loaded


async def restore_into(conn: AsyncConnection, store: ArchiveStore, month: date) -> MonthRestored:
    """Restore inside the caller's transaction (the caller commits)."""
    archives = (
        (await conn.execute(select(partition_archives).where(partition_archives.c.month == month)))
        .mappings()
        .all()
    )
    if not archives:
        raise NothingArchived(f"no archive recorded for {month:%Y-%m}")
    table = partition_name(month)
    staging = f"{table}_restore"
    await conn.execute(text(f'DROP TABLE IF EXISTS "{staging}"'))
    # What ATTACH requires of a partition: same columns, NOT NULL and CHECK constraints.
    await conn.execute(
        text(
            f'CREATE TABLE "{staging}" (LIKE transactions INCLUDING DEFAULTS '
            "INCLUDING CONSTRAINTS INCLUDING GENERATED)"
        )
    )
    columns = await table_columns(conn)
    rows = 0
    for archive in archives:
        path = store.path_of(archive["path"])
        checksum = await asyncio.to_thread(store.sha256, path)
        if checksum != archive["checksum"]:
            raise ArchiveMismatch(f"{archive['path']}: checksum differs from the recorded one")
        loaded = await load_file(conn, store, path, staging, columns)
        found = await table_sums(conn, staging, archive["source"])
        if loaded != archive["rows"] or not same_sums(found, archive["sums"]):
            raise ArchiveMismatch(
                f"{archive['path']}: loaded {loaded} rows {found}, "
                f"archived {archive['rows']} rows {archive['sums']}"
            )
        rows += loaded
    merged = table in await existing_partitions(conn)
    if merged:
        await conn.execute(
            text(f'INSERT INTO transactions SELECT * FROM "{staging}" ON CONFLICT DO NOTHING')
        )
        await conn.execute(text(f'DROP TABLE "{staging}"'))
    else:
        await conn.execute(text(f'ALTER TABLE "{staging}" RENAME TO "{table}"'))
        await conn.execute(
            text(
                f'ALTER TABLE transactions ATTACH PARTITION "{table}" FOR VALUES '
                f"FROM ('{month.isoformat()}') TO ('{add_months(month, 1).isoformat()}')"
            )
        )
    await conn.execute(
        update(partition_archives)
        .where(partition_archives.c.month == month)
        .values(restored_at=text("now()"))
    )
    return MonthRestored(month, rows, merged)


async def restore_month(engine: AsyncEngine, store: ArchiveStore, month: date) -> MonthRestored:
    """Wait for any archive run to finish, then restore `month` in one transaction."""
    async with session_lock(engine, RETENTION_LOCK, wait=True) as conn:
        assert conn is not None
        async with conn.begin():
            return await restore_into(conn, store, month)
