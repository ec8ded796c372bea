"""The ClickHouse mirror equals PostgreSQL after syncs, updates, deletions and re-runs;
a crash mid-feed resumes without loss or duplicates; late commits are never skipped."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from psp_dashboard.analytics.feed import Feeder, FeedResult
from psp_dashboard.analytics.schema import READ_SETTINGS, TABLE
from psp_dashboard.analytics.store import AnalyticsStore
from psp_dashboard.partitions import forget_known_partitions
from psp_dashboard.runtime import Runtime
from tests.api.factory import load, random_dataset

FIELDS = "source, source_id, status, amount, fee, project, original_status, payment_method, utr"


async def pg_rows(runtime: Runtime) -> set[tuple[Any, ...]]:
    async with runtime.engine.connect() as conn:
        result = await conn.execute(
            text(
                f"SELECT {FIELDS}, to_char(created_at AT TIME ZONE 'UTC', "
                "'YYYY-MM-DD HH24:MI:SS.US') FROM transactions"
            )
        )
        return {
            (*r[:3], str(r[3].normalize()), None if r[4] is None else str(r[4].normalize()), *r[5:])
            for r in result
        }


async def mirror_rows(store: AnalyticsStore) -> set[tuple[Any, ...]]:
    rows = await store.rows(
        "SELECT source, source_id, status, toString(amount), "
        "if(fee IS NULL, NULL, toString(fee)), project, original_status, payment_method, "
        f"utr, toString(created_at) FROM {store.database}.{TABLE} FINAL {READ_SETTINGS}"
    )
    from decimal import Decimal

    return {
        (
            *r[:3],
            str(Decimal(r[3]).normalize()),
            None if r[4] is None else str(Decimal(r[4]).normalize()),
            *r[5:],
        )
        for r in rows
    }


async def raw_count(store: AnalyticsStore) -> int:
    return int((await store.rows(f"SELECT count() FROM {store.database}.{TABLE}"))[0][0])


async def final_count(store: AnalyticsStore) -> int:
    rows = await store.rows(f"SELECT count() FROM {store.database}.{TABLE} FINAL")
    return int(rows[0][0])


async def feed(runtime: Runtime, store: AnalyticsStore, **options: Any) -> FeedResult:
    return await Feeder(runtime.engine, store, **options).run()


async def assert_equal(runtime: Runtime, store: AnalyticsStore) -> None:
    expected = await pg_rows(runtime)
    assert await mirror_rows(store) == expected
    assert await final_count(store) == len(expected)


DATASET = random_dataset(7, date(2026, 10, 28), 12, 300)  # crosses a month edge


async def test_first_feed_mirrors_every_row(mirror: AnalyticsStore, clean_db: Runtime) -> None:
    await load(clean_db, DATASET)
    result = await feed(clean_db, mirror, batch_rows=97)
    assert result.changed == len(DATASET) and result.caught_up
    await assert_equal(clean_db, mirror)
    again = await feed(clean_db, mirror)
    assert again.changed == 0 and again.deleted == 0  # nothing new: nothing sent


async def test_status_changes_reach_the_mirror(mirror: AnalyticsStore, clean_db: Runtime) -> None:
    await load(clean_db, DATASET)
    await feed(clean_db, mirror)
    changed = [
        replace(r, status="refunded", raw_data={**r.raw_data, "refunded": True})
        for r in DATASET[::7]
    ]
    await load(clean_db, changed)
    result = await feed(clean_db, mirror)
    assert result.changed == len(changed)
    await assert_equal(clean_db, mirror)


async def test_a_repeated_feed_from_the_start_adds_no_duplicates(
    mirror: AnalyticsStore, clean_db: Runtime
) -> None:
    await load(clean_db, DATASET)
    await feed(clean_db, mirror)
    async with clean_db.engine.begin() as conn:  # the watermark lost: everything again
        await conn.execute(text("UPDATE analytics_feed_state SET watermark_xid = 0"))
    result = await feed(clean_db, mirror)
    assert result.changed == len(DATASET)
    assert await raw_count(mirror) >= len(DATASET)  # sent twice …
    await assert_equal(clean_db, mirror)  # … counted once


async def test_a_crash_between_insert_and_watermark_resumes_without_loss_or_duplicates(
    mirror: AnalyticsStore, clean_db: Runtime
) -> None:
    await load(clean_db, DATASET)
    batches = 0

    async def crash_on_third(_: str) -> None:
        nonlocal batches
        batches += 1
        if batches == 3:
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError, match="worker killed"):
        await feed(clean_db, mirror, batch_rows=50, after_insert=crash_on_third)
    async with clean_db.engine.connect() as conn:
        state = (
            await conn.execute(text("SELECT rows_fed, last_error FROM analytics_feed_state"))
        ).one()
    assert state.rows_fed == 100 and "worker killed" in state.last_error
    assert await final_count(mirror) == 150  # the third batch reached ClickHouse
    await feed(clean_db, mirror, batch_rows=50)
    await assert_equal(clean_db, mirror)
    async with clean_db.engine.connect() as conn:
        cleared = await conn.scalar(text("SELECT last_error FROM analytics_feed_state"))
    assert cleared is None


async def test_a_write_committed_after_a_later_one_is_not_skipped(
    mirror: AnalyticsStore, clean_db: Runtime
) -> None:
    await load(clean_db, DATASET)
    await feed(clean_db, mirror)
    change = "UPDATE transactions SET status = 'failed' WHERE source_id = :sid"
    async with clean_db.engine.connect() as slow:
        transaction = await slow.begin()
        # The older transaction id, still running …
        await slow.execute(text(change), {"sid": DATASET[0].source_id})
        async with clean_db.engine.begin() as fast:  # … while a newer one commits first.
            await fast.execute(text(change), {"sid": DATASET[1].source_id})
        first = await feed(clean_db, mirror)
        assert first.changed == 0  # the bound stops below the running writer
        await transaction.commit()
    second = await feed(clean_db, mirror)
    assert second.changed == 2
    await assert_equal(clean_db, mirror)


async def test_deleted_rows_leave_the_mirror(mirror: AnalyticsStore, clean_db: Runtime) -> None:
    await load(clean_db, DATASET)
    await feed(clean_db, mirror)
    async with clean_db.engine.begin() as conn:
        gone = await conn.execute(
            text("DELETE FROM transactions WHERE status = 'failed' RETURNING id")
        )
        removed = len(gone.all())
    assert removed > 0
    result = await feed(clean_db, mirror)
    assert result.deleted == removed
    await assert_equal(clean_db, mirror)
    async with clean_db.engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM analytics_feed_deletions")) == 0


async def test_rows_from_before_the_change_marker_are_backfilled_once(
    mirror: AnalyticsStore, clean_db: Runtime
) -> None:
    await load(clean_db, DATASET)
    async with clean_db.engine.begin() as conn:
        # As after migration 0020: old rows have no marker (the trigger held off).
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(text("UPDATE transactions SET change_xid = NULL WHERE amount > 50"))
    result = await feed(clean_db, mirror, batch_rows=64)
    assert result.backfilled > 0
    assert result.backfilled + result.changed == len(DATASET)
    await assert_equal(clean_db, mirror)
    assert (await feed(clean_db, mirror)).backfilled == 0


async def test_a_month_dropped_by_retention_leaves_the_mirror(
    mirror: AnalyticsStore, clean_db: Runtime
) -> None:
    await load(clean_db, DATASET)  # October and November 2026
    await feed(clean_db, mirror)
    october = sum(1 for r in DATASET if r.created_at.month == 10)
    assert october > 0
    async with clean_db.engine.begin() as conn:  # as retention does: no row trigger fires
        await conn.execute(text("DROP TABLE transactions_2026_10"))
    forget_known_partitions()
    result = await feed(clean_db, mirror)
    assert result.deleted == october
    await assert_equal(clean_db, mirror)
