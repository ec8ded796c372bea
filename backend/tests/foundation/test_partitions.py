from datetime import UTC, datetime
from uuid import UUID

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from psp_dashboard import partitions
from psp_dashboard.partitions import ensure_partitions, existing_partitions
from psp_dashboard.runtime import Runtime

MONTHS = [
    datetime(2019, 3, 14, 12, 0, tzinfo=UTC),
    datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC),
    datetime(2026, 1, 1, 0, 0, tzinfo=UTC),
    datetime(2026, 1, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2026, 6, 15, 8, 30, tzinfo=UTC),
    datetime(2026, 11, 26, 4, 0, tzinfo=UTC),
    datetime(2027, 11, 30, 18, 0, tzinfo=UTC),
]

INSERT = text(
    "INSERT INTO transactions (source, source_id, amount, status, created_at) "
    "VALUES ('vima', :sid, 100.5, 'success', :ts) RETURNING id, tableoid::regclass::text"
)


async def test_rows_from_any_month_land_in_their_own_partition(clean_db: Runtime) -> None:
    async with clean_db.engine.begin() as conn:
        await ensure_partitions(conn, MONTHS)
        placed = {}
        for i, ts in enumerate(MONTHS):
            row = (await conn.execute(INSERT, {"sid": f"op-{i}", "ts": ts})).one()
            assert isinstance(row[0], UUID)
            placed[ts] = row[1]
    assert placed[MONTHS[0]] == "transactions_2019_03"
    assert placed[MONTHS[1]] == "transactions_2024_02"
    assert placed[MONTHS[2]] == placed[MONTHS[3]] == "transactions_2026_01"
    assert placed[MONTHS[4]] == "transactions_2026_06"
    assert placed[MONTHS[6]] == "transactions_2027_11"
    assert len(set(placed.values())) == 6


async def test_ensure_creates_months_ahead_and_is_idempotent(clean_db: Runtime) -> None:
    async with clean_db.engine.begin() as conn:
        await ensure_partitions(conn, [datetime(2031, 5, 2, tzinfo=UTC)], ahead=2)
        again = await ensure_partitions(conn, [datetime(2031, 5, 9, tzinfo=UTC)], ahead=2)
        names = await existing_partitions(conn)
    assert {"transactions_2031_05", "transactions_2031_06", "transactions_2031_07"} <= names
    assert again == []


async def test_source_key_is_unique_per_created_at(clean_db: Runtime) -> None:
    ts = datetime(2026, 3, 3, 3, 3, tzinfo=UTC)
    async with clean_db.engine.begin() as conn:
        await ensure_partitions(conn, [ts])
        await conn.execute(INSERT, {"sid": "dup", "ts": ts})
    with pytest.raises(IntegrityError):
        async with clean_db.engine.begin() as conn:
            await conn.execute(INSERT, {"sid": "dup", "ts": ts})


async def test_partition_cache_survives_a_rolled_back_creation(clean_db: Runtime) -> None:
    ts = datetime(2033, 8, 8, tzinfo=UTC)
    with pytest.raises(RuntimeError):
        async with clean_db.engine.begin() as conn:
            await ensure_partitions(conn, [ts])
            raise RuntimeError("batch failed after the DDL")
    async with clean_db.engine.begin() as conn:
        created = await ensure_partitions(conn, [ts])
        await conn.execute(INSERT, {"sid": "after-rollback", "ts": ts})
    assert created == ["transactions_2033_08"]


async def test_a_month_another_process_dropped_is_created_again(
    clean_db: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Processes remember the months they saw for a minute only: `psp retention run`
    elsewhere may drop one, and a later row for it must still be stored."""
    month = datetime(2018, 5, 9, tzinfo=UTC)
    async with clean_db.engine.begin() as conn:
        await ensure_partitions(conn, [month])  # created
        await ensure_partitions(conn, [month])  # now remembered
        await conn.execute(text('DROP TABLE "transactions_2018_05"'))  # "another process"
        assert await ensure_partitions(conn, [month]) == []  # still believed to exist
        monkeypatch.setattr(partitions, "KNOWN_SECONDS", 0.0)  # the minute has passed
        assert await ensure_partitions(conn, [month]) == ["transactions_2018_05"]
        row = (await conn.execute(INSERT, {"sid": "late", "ts": month})).one()
    assert row[1] == "transactions_2018_05"
