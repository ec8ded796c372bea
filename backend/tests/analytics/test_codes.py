"""The mirror's integer codes: each value of a grouped text column gets one code, once;
the breakdown names groups from them; a mirror that lost its rows, its codes or an old
layout is fed again from scratch and ends equal to PostgreSQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from psp_dashboard.analytics.breakdown import BreakdownSpec, name_codes, ordered, whole_months
from psp_dashboard.analytics.schema import CODECS, TABLE
from psp_dashboard.analytics.service import groups_from_clickhouse, groups_from_postgresql
from psp_dashboard.analytics.store import AnalyticsStore, prepare
from psp_dashboard.runtime import Runtime
from tests.analytics.test_feed import DATASET, assert_equal, feed
from tests.api.factory import load

EVERYTHING = BreakdownSpec(
    datetime(2026, 1, 1, tzinfo=UTC),
    datetime(2027, 1, 1, tzinfo=UTC),
    ZoneInfo("UTC"),
    ("project", "source", "status", "method", "original_status"),
)


async def codes(runtime: Runtime) -> dict[tuple[str, str], int]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(text("SELECT dimension, value, code FROM analytics_codes"))
        return {(d, v): c for d, v, c in rows}


async def same_answers(runtime: Runtime, store: AnalyticsStore) -> None:
    on_pg = ordered(await groups_from_postgresql(runtime.engine, EVERYTHING))
    on_ch = ordered(await groups_from_clickhouse(store, EVERYTHING, runtime.engine))
    assert on_pg and on_ch == on_pg


async def test_each_value_gets_one_code_for_good(mirror: AnalyticsStore, clean_db: Runtime) -> None:
    await load(clean_db, DATASET)
    await feed(clean_db, mirror, batch_rows=70)
    first = await codes(clean_db)
    projects = {r.project for r in DATASET if r.project is not None}
    assert {v for d, v in first if d == "project"} == projects
    for dimension in {d for d, _ in first}:  # 1 … n per dimension, no gaps
        assigned = sorted(c for (d, _), c in first.items() if d == dimension)
        assert assigned == list(range(1, len(assigned) + 1))

    async with clean_db.engine.begin() as conn:  # everything sent again
        await conn.execute(text("UPDATE analytics_feed_state SET watermark_xid = 0"))
    await feed(clean_db, mirror)
    moved = [
        replace(r, project="brand-new", raw_data={**r.raw_data, "moved": 1}) for r in DATASET[:3]
    ]
    await load(clean_db, moved)
    await feed(clean_db, mirror)
    after = await codes(clean_db)
    assert {k: v for k, v in after.items() if k in first} == first  # never changed
    top = max(c for (d, _), c in first.items() if d == "project")
    assert after[("project", "brand-new")] == top + 1
    await same_answers(clean_db, mirror)


async def rows_lost(runtime: Runtime, store: AnalyticsStore) -> None:
    await store.command(f"TRUNCATE TABLE {store.database}.{TABLE}")  # its files gone


async def codes_lost(runtime: Runtime, store: AnalyticsStore) -> None:
    async with runtime.engine.begin() as conn:  # e.g. a restored database
        await conn.execute(text("TRUNCATE analytics_codes"))


async def old_layout(runtime: Runtime, store: AnalyticsStore) -> None:
    for column in ("project_code", "status_code"):  # as the mirror was before codes
        await store.command(f"ALTER TABLE {store.database}.{TABLE} DROP COLUMN {column}")
    await prepare(store)  # at the next start


async def old_codecs(runtime: Runtime, store: AnalyticsStore) -> None:
    # As made before the codecs: the server's default compression (the engine's
    # version columns cannot be altered: the others stand for them).
    for column in set(CODECS) - {"version", "is_deleted"}:
        await store.command(
            f"ALTER TABLE {store.database}.{TABLE} MODIFY COLUMN {column} REMOVE CODEC"
        )
    await prepare(store)  # at the next start
    found = await store.rows(
        f"SELECT name, compression_codec FROM system.columns WHERE database = "
        f"'{store.database}' AND table = '{TABLE}' AND compression_codec != ''"
    )
    assert dict((str(n), str(c)) for n, c in found) == CODECS


@pytest.mark.parametrize(
    "lose", [rows_lost, codes_lost, old_layout, old_codecs], ids=lambda f: f.__name__
)
async def test_a_mirror_out_of_step_with_its_feed_is_fed_again(
    mirror: AnalyticsStore, clean_db: Runtime, lose: Callable[..., Awaitable[None]]
) -> None:
    await load(clean_db, DATASET)
    await feed(clean_db, mirror)
    await lose(clean_db, mirror)
    result = await feed(clean_db, mirror)
    assert result.changed == len(DATASET)
    await assert_equal(clean_db, mirror)
    await same_answers(clean_db, mirror)


def test_a_code_without_a_name_is_an_error_not_a_wrong_group() -> None:
    spec = replace(EVERYTHING, dimensions=("project",))
    assert name_codes(spec, [[0, 1, "5", 0, "0"]], {"project": {}}) == [[None, 1, "5", 0, "0"]]
    with pytest.raises(KeyError):
        name_codes(spec, [[7, 1, "5", 0, "0"]], {"project": {1: "91game"}})


def test_whole_months_are_the_partitions_inside_the_period() -> None:
    def at(*args: int) -> datetime:
        return datetime(*args, tzinfo=UTC)

    assert whole_months(at(2026, 9, 8), at(2026, 12, 7)) == ["202610", "202611"]
    assert whole_months(at(2026, 12, 1), at(2027, 1, 1)) == ["202612"]
    assert whole_months(at(2026, 12, 1), at(2026, 12, 31)) == []
    assert whole_months(at(2026, 11, 30, 18, 30), at(2027, 2, 28, 18, 30)) == ["202612", "202701"]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2026, 10, 30, 5, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)),  # edge + whole
        (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 5, 7, tzinfo=UTC)),  # whole + edge
        (datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)),  # whole only
        (datetime(2026, 10, 29, 12, tzinfo=UTC), datetime(2026, 11, 3, tzinfo=UTC)),  # edges only
    ],
)
async def test_whole_and_edge_months_add_up_to_postgresqls_answer(
    mirror: AnalyticsStore, clean_db: Runtime, start: datetime, end: datetime
) -> None:
    await load(clean_db, DATASET)
    await feed(clean_db, mirror, batch_rows=90)
    for dimensions in [(), ("project", "amount_band"), ("day", "status")]:
        spec = BreakdownSpec(start, end, ZoneInfo("Asia/Kolkata"), dimensions)
        on_pg = ordered(await groups_from_postgresql(clean_db.engine, spec))
        on_ch = ordered(await groups_from_clickhouse(mirror, spec, clean_db.engine))
        assert on_pg and on_ch == on_pg
