"""Monthly partitions of `transactions`, created by code before rows need them.

A transaction from any month (2019 or next year) must be stored, never rejected, so
every write batch first ensures the partitions of the months it touches.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, date, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# Serialises partition DDL across processes (two syncs may touch a new month at once).
PARTITION_LOCK_KEY = 0x7073_7070_6172_74  # "psppart"

# Months this process already knows exist (and since when, monotonic); saves a catalogue
# query per batch. Forgotten after KNOWN_SECONDS: another process may have dropped one
# (`psp retention run`), and the next batch for that month must create it again.
_known: dict[tuple[str, date], float] = {}
KNOWN_SECONDS = 60.0


def _still_known(database: str, month: date, now: float) -> bool:
    since = _known.get((database, month))
    return since is not None and now - since < KNOWN_SECONDS


def month_start(value: date | datetime) -> date:
    if isinstance(value, datetime):
        value = value.astimezone(UTC).date()
    return date(value.year, value.month, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def partition_name(month: date) -> str:
    return f"transactions_{month.year:04d}_{month.month:02d}"


async def existing_partitions(conn: AsyncConnection) -> set[str]:
    rows = await conn.execute(
        text(
            "SELECT c.relname FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent "
            "WHERE p.relname = 'transactions'"
        )
    )
    return {row[0] for row in rows}


async def ensure_partitions(
    conn: AsyncConnection, months: Iterable[date | datetime], *, ahead: int = 0
) -> list[str]:
    """Create the partitions for `months` (and `ahead` months after the latest) if missing.

    Runs inside the caller's transaction, so the DDL commits with the batch that needed it.
    Returns the names created.
    """
    database = (await conn.execute(text("SELECT current_database()"))).scalar_one()
    wanted = {month_start(m) for m in months}
    if wanted and ahead:
        last = max(wanted)
        wanted |= {add_months(last, i) for i in range(1, ahead + 1)}
    now = time.monotonic()
    missing = {m for m in wanted if not _still_known(database, m, now)}
    if not missing:
        return []
    await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PARTITION_LOCK_KEY})
    present = await existing_partitions(conn)
    created: list[str] = []
    for month in sorted(missing):
        name = partition_name(month)
        if name not in present:
            upper = add_months(month, 1)
            await conn.execute(
                text(
                    f'CREATE TABLE "{name}" PARTITION OF transactions '
                    f"FOR VALUES FROM ('{month.isoformat()}') TO ('{upper.isoformat()}')"
                )
            )
            created.append(name)
    # Only remember after the caller commits would be exact; a rollback merely costs one
    # extra catalogue query later, because `present` is re-read before any DDL.
    _known.update(((database, m), now) for m in missing if partition_name(m) not in created)
    return created


def forget_known_partitions() -> None:
    """Tests drop and recreate schemas; the cache must not outlive them."""
    _known.clear()


def current_month() -> date:
    return month_start(datetime.now(UTC))
