"""Compaction merges each month of the mirror into one part and changes no answer:
updated rows keep their last version, deleted ones stay deleted."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import text

from psp_dashboard.analytics.compact import compact, split_partitions
from psp_dashboard.analytics.schema import TABLE
from psp_dashboard.analytics.store import AnalyticsStore
from psp_dashboard.runtime import Runtime
from tests.analytics.test_feed import DATASET, assert_equal, feed, raw_count
from tests.api.factory import load


async def parts_per_month(store: AnalyticsStore) -> dict[str, int]:
    rows = await store.rows(
        "SELECT partition_id, count() FROM system.parts "
        f"WHERE database = '{store.database}' AND table = '{TABLE}' AND active "
        "GROUP BY partition_id"
    )
    return {str(p): int(n) for p, n in rows}


async def test_compaction_leaves_one_part_per_month_and_the_same_answers(
    mirror: AnalyticsStore, clean_db: Runtime
) -> None:
    await load(clean_db, DATASET)
    await feed(clean_db, mirror, batch_rows=60)  # a part per batch
    await load(clean_db, [replace(r, status="refunded") for r in DATASET[::5]])
    async with clean_db.engine.begin() as conn:
        await conn.execute(text("DELETE FROM transactions WHERE status = 'failed'"))
    await feed(clean_db, mirror, batch_rows=60)
    before = await parts_per_month(mirror)
    assert set(before) == {"202610", "202611"}  # the dataset crosses a month edge
    assert max(before.values()) > 1
    sent = await raw_count(mirror)

    result = await compact(mirror)

    assert sorted(result.partitions) == sorted(p for p, n in before.items() if n > 1)
    assert await parts_per_month(mirror) == dict.fromkeys(before, 1)
    assert await raw_count(mirror) < sent  # superseded versions are gone for good
    await assert_equal(clean_db, mirror)
    assert await split_partitions(mirror) == []
    assert (await compact(mirror)).partitions == ()  # nothing to do: nothing rewritten
