"""A batch retried after a deadlock keeps what concurrent batches counted meanwhile.

Backfill shards write batches concurrently into one `RunCounts`. When PostgreSQL picks a
batch as a deadlock victim, its transaction is rolled back and `write_batch` writes it
again; the counts must then hold every batch once — the victim's and the ones other
shards committed while it waited. The deadlock itself is PostgreSQL's business and is
raised here by the victim's checkpoint hook; everything else is the real pipeline.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import DBAPIError

from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.pipeline import Batch, write_batch
from psp_dashboard.sync.records import NormalizedTransaction, Source
from psp_dashboard.sync.state import RunCounts, start_run


class _Deadlock(Exception):
    sqlstate = "40P01"


def batch_of(source: Source, prefix: str, n: int) -> Batch:
    batch = Batch()
    batch.rows = [
        NormalizedTransaction(
            source=source, source_id=f"{prefix}{i}", amount=Decimal("1.00"),
            status="success", created_at=datetime(2026, 3, 1, 12, i, tzinfo=UTC),
        )
        for i in range(n)
    ]  # fmt: skip
    batch.fetched, batch.pages = n, 1
    return batch


async def test_a_deadlock_retry_keeps_what_other_batches_counted_meanwhile(
    clean_db: Runtime,
) -> None:
    run_id = await start_run(clean_db.engine, "payshack", "backfill", {})
    # The month's partition first, so that neither batch takes the partition lock (a
    # partition is remembered by the writer after the one that created it: hence two
    # writes); and two sources, so that no row lock is shared while the victim waits.
    for _ in range(2):
        await write_batch(clean_db, "payshack", batch_of("payshack", "W", 1), RunCounts(), run_id)
    counts = RunCounts()
    other_done = asyncio.Event()
    attempts = 0

    async def victim_save(conn: Any, batch: Batch, changed: int) -> None:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            await other_done.wait()  # another shard commits while this one waits…
            raise DBAPIError("INSERT …", {}, _Deadlock("deadlock detected"))  # …then loses

    async def no_checkpoint(conn: Any, batch: Batch, changed: int) -> None:
        return None

    async def other() -> None:
        await write_batch(clean_db, "vima", batch_of("vima", "B", 5), counts, run_id,
                          save=no_checkpoint)  # fmt: skip
        other_done.set()

    await asyncio.gather(
        write_batch(
            clean_db, "payshack", batch_of("payshack", "A", 3), counts, run_id, save=victim_save
        ),
        other(),
    )
    assert attempts == 2
    assert (counts.inserted, counts.fetched, counts.pages) == (8, 8, 2)
