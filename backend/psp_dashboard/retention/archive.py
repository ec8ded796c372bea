"""Monthly partitions older than RETENTION_MONTHS: to Parquet, verified, then dropped.

Per month, in ONE database transaction (so a crash anywhere loses nothing):
1. `LOCK` the partition against writes (readers go on);
2. per source, stream its rows into `<ARCHIVE_DIR>/transactions/YYYY-MM/<source>.parquet`
   (written under a temporary name, renamed when complete);
3. read each file back and compare row count, SUM(amount) and SUM(fee) per status with
   the partition's own (exact decimals); any difference aborts;
4. record the files in `partition_archives`, then DETACH and DROP the partition;
5. commit. Until this commit nothing is dropped and nothing is recorded: a crash or a
   failed check leaves the partition as it was, and the next run writes the files again.
The rollups (`transaction_rollup*`) are separate tables that no partition change
touches: the overview and trends keep covering archived months.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from psp_dashboard.kit.locks import session_lock
from psp_dashboard.models import partition_archives
from psp_dashboard.partitions import (
    add_months,
    current_month,
    existing_partitions,
    forget_known_partitions,
    partition_name,
)
from psp_dashboard.retention.columns import ArchiveColumn, arrow_schema, table_columns
from psp_dashboard.retention.store import ArchiveStore

log = logging.getLogger(__name__)

RETENTION_LOCK = "retention"
BATCH_ROWS = 20_000
CURSOR = "psp_retention_archive"
# DETACH waits for every query on `transactions` to end and blocks new ones meanwhile:
# past this, give up (rolled back, files rewritten next run) rather than queue the API.
DETACH_LOCK_TIMEOUT = "15s"

# {status: {"count": n, "amount": "…", "fee": "…"}}: exact decimals as strings.
Sums = dict[str, dict[str, Any]]


class ArchiveMismatch(Exception):
    """A written file does not hold what the partition holds; nothing was dropped."""


@dataclass
class MonthArchived:
    month: date
    files: dict[str, str] = field(default_factory=dict)  # source → uri
    rows: int = 0


def partition_month(name: str) -> date | None:
    """transactions_2026_03 → 2026-03-01; None for any other table name."""
    parts = name.removeprefix("transactions_").split("_")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    return date(int(parts[0]), int(parts[1]), 1)


def cutoff(retention_months: int, today_month: date | None = None) -> date:
    """The first month kept: the current month and the RETENTION_MONTHS before it stay."""
    return add_months(today_month or current_month(), -retention_months)


async def months_to_archive(conn: AsyncConnection, first_kept: date) -> list[date]:
    months = (partition_month(name) for name in await existing_partitions(conn))
    return sorted(m for m in months if m is not None and m < first_kept)


def empty_sums() -> dict[str, Any]:
    return {"count": 0, "amount": Decimal(0), "fee": Decimal(0)}


def as_json(sums: dict[str, dict[str, Any]]) -> Sums:
    return {
        status: {"count": int(v["count"]), "amount": str(v["amount"]), "fee": str(v["fee"])}
        for status, v in sorted(sums.items())
    }


async def table_sums(conn: AsyncConnection, table: str, source: str) -> Sums:
    rows = await conn.execute(
        text(
            f"SELECT status, COUNT(*), COALESCE(SUM(amount), 0), COALESCE(SUM(fee), 0) "
            f'FROM "{table}" WHERE source = :s GROUP BY status'
        ),
        {"s": source},
    )
    return as_json({r[0]: {"count": r[1], "amount": r[2], "fee": r[3]} for r in rows})


def file_sums(store: ArchiveStore, path: str) -> Sums:
    """Count and exact sums per status, read back from the written file."""
    totals: dict[str, dict[str, Any]] = {}
    with store.filesystem.open_input_file(path) as handle:
        parquet = pq.ParquetFile(handle)
        for batch in parquet.iter_batches(columns=["status", "amount", "fee"]):
            statuses = batch.column(0).to_pylist()
            amounts = batch.column(1).to_pylist()
            fees = batch.column(2).to_pylist()
            for status, amount, fee in zip(statuses, amounts, fees, strict=True):
                entry = totals.setdefault(status, empty_sums())
                entry["count"] += 1
                entry["amount"] += amount
                entry["fee"] += fee or 0
    return as_json(totals)


def same_sums(a: Sums, b: Sums) -> bool:
    """Equal counts and equal decimal values (scale aside: 1.50 == 1.5000)."""
    if a.keys() != b.keys():
        return False
    return all(
        a[s]["count"] == b[s]["count"]
        and Decimal(a[s]["amount"]) == Decimal(b[s]["amount"])
        and Decimal(a[s]["fee"]) == Decimal(b[s]["fee"])
        for s in a
    )


def to_batch(schema: pa.Schema, records: Sequence[Any]) -> pa.RecordBatch:
    arrays = [pa.array([r[i] for r in records], type=f.type) for i, f in enumerate(schema)]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


async def write_source(
    conn: AsyncConnection,
    store: ArchiveStore,
    table: str,
    source: str,
    columns: list[ArchiveColumn],
    path: str,
) -> int:
    """Stream one source's rows of the partition into `path`; returns the row count."""
    schema = arrow_schema(columns)
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    select = ", ".join(c.select for c in columns)
    literal = "'" + source.replace("'", "''") + "'"
    # An SQL cursor, closed explicitly: an open portal would keep the partition "in use"
    # in this session and so stop its DROP at the end of the transaction.
    declare = f'DECLARE {CURSOR} NO SCROLL CURSOR FOR SELECT {select} FROM "{table}" '
    declare += f"WHERE source = {literal}"
    written = store.writing_path(path)
    await asyncio.to_thread(store.prepare, path)
    rows = 0
    stream = await asyncio.to_thread(store.filesystem.open_output_stream, written)
    try:
        writer = pq.ParquetWriter(stream, schema, compression="zstd")
        try:
            await driver.execute(declare)
            while records := await driver.fetch(f"FETCH {BATCH_ROWS} FROM {CURSOR}"):
                batch = to_batch(schema, records)
                await asyncio.to_thread(writer.write_batch, batch)
                rows += len(records)
            await driver.execute(f"CLOSE {CURSOR}")
        finally:
            await asyncio.to_thread(writer.close)
    finally:
        await asyncio.to_thread(stream.close)
    await asyncio.to_thread(store.commit, written, path)
    return rows


async def archive_month(conn: AsyncConnection, store: ArchiveStore, month: date) -> MonthArchived:
    """Archive and drop one month's partition, inside the caller's transaction (the
    caller commits; see the module docstring for the order of things)."""
    table = partition_name(month)
    done = MonthArchived(month)
    # Writers of this month wait (none are expected this far back); readers go on.
    await conn.execute(text(f'LOCK TABLE "{table}" IN SHARE MODE'))
    columns = await table_columns(conn)
    sources = (
        (await conn.execute(text(f'SELECT DISTINCT source FROM "{table}" ORDER BY 1')))
        .scalars()
        .all()
    )
    for source in sources:
        path = store.path(month, source)
        rows = await write_source(conn, store, table, source, columns, path)
        expected = await table_sums(conn, table, source)
        found = await asyncio.to_thread(file_sums, store, path)
        if not same_sums(expected, found) or rows != sum(v["count"] for v in expected.values()):
            raise ArchiveMismatch(f"{table} {source}: the file holds {found}, the table {expected}")
        checksum = await asyncio.to_thread(store.sha256, path)
        values = {
            "month": month,
            "source": source,
            "path": store.uri(path),
            "rows": rows,
            "sums": expected,
            "checksum": checksum,
        }
        stmt = insert(partition_archives).values(**values)
        await conn.execute(
            stmt.on_conflict_do_update(
                constraint="pk_partition_archives",
                set_={**values, "archived_at": stmt.excluded.archived_at, "restored_at": None},
            )
        )
        done.files[source] = store.uri(path)
        done.rows += rows
    await conn.execute(text(f"SET LOCAL lock_timeout = '{DETACH_LOCK_TIMEOUT}'"))
    await conn.execute(text(f'ALTER TABLE transactions DETACH PARTITION "{table}"'))
    await conn.execute(text(f'DROP TABLE "{table}"'))
    return done


async def run_retention(
    engine: AsyncEngine,
    store: ArchiveStore,
    retention_months: int,
    *,
    today_month: date | None = None,
) -> list[MonthArchived] | None:
    """Archive every month before the cutoff, oldest first, each in its own
    transaction. None: another process is archiving (the advisory lock is taken)."""
    first_kept = cutoff(retention_months, today_month)
    async with session_lock(engine, RETENTION_LOCK) as conn:
        if conn is None:
            return None
        months = await months_to_archive(conn, first_kept)
        await conn.commit()
        archived: list[MonthArchived] = []
        for month in months:
            async with conn.begin():
                result = await archive_month(conn, store, month)
            forget_known_partitions()  # this process must not think the month exists
            log.info(
                "partition archived",
                extra={"month": month.isoformat(), "rows": result.rows, "files": result.files},
            )
            archived.append(result)
        return archived
