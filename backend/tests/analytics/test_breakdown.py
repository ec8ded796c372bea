"""The same data gives the same breakdown on PostgreSQL and ClickHouse (chdb), for many
dimension combinations, zones and filters, sums exact; and both equal a brute-force
computation of the definition."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from psp_dashboard.analytics.breakdown import BAND_EDGES, BAND_LABELS, BreakdownSpec, ordered
from psp_dashboard.analytics.feed import Feeder
from psp_dashboard.analytics.service import groups_from_clickhouse, groups_from_postgresql
from psp_dashboard.analytics.store import AnalyticsStore
from psp_dashboard.runtime import Runtime
from tests.api.factory import load, random_dataset

FIRST = date(2026, 3, 25)  # spans a month edge, IST and UTC day edges (boundary instants)
DATASET = random_dataset(11, FIRST, 14, 600)
# Quotes, backslashes, colons and percent signs in filter values: literals, not SQL.
ODD = replace(
    DATASET[0],
    source_id="odd-1",
    created_at=datetime(2026, 3, 30, 12, 0, tzinfo=UTC),
    utr="U'1\\:x%",
    user_id="O'Brien@ybl",
)
KOLKATA = ZoneInfo("Asia/Kolkata")
UTC_ZONE = ZoneInfo("UTC")

COMBOS: list[tuple[str, ...]] = [
    (),
    ("project",),
    ("source",),
    ("status",),
    ("direction",),
    ("method",),
    ("merchant",),
    ("original_status",),
    ("currency",),
    ("hour",),
    ("weekday",),
    ("day",),
    ("amount_band",),
    ("project", "status"),
    ("source", "hour"),
    ("weekday", "amount_band"),
    ("project", "source", "status", "method", "amount_band"),
    ("day", "merchant", "original_status", "hour", "weekday", "project"),
]


@pytest.fixture(scope="module")
async def loaded(runtime: Runtime, chdb_store: AnalyticsStore) -> AnalyticsStore:
    from tests.analytics.conftest import empty_mirror
    from tests.api.conftest import reset

    await reset(runtime)
    await empty_mirror(runtime, chdb_store)
    await load(runtime, [*DATASET, ODD])
    await Feeder(runtime.engine, chdb_store).run()
    return chdb_store


def spec(dimensions: tuple[str, ...], tz: ZoneInfo = UTC_ZONE, **filters: str) -> BreakdownSpec:
    start = datetime.combine(FIRST + timedelta(days=1), datetime.min.time(), tz)
    end = start + timedelta(days=10)
    return BreakdownSpec(start.astimezone(UTC), end.astimezone(UTC), tz, dimensions, **filters)


@pytest.mark.parametrize("dimensions", COMBOS, ids=lambda c: "+".join(c) or "none")
@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata"])
async def test_both_engines_give_the_same_groups(
    loaded: AnalyticsStore, runtime: Runtime, dimensions: tuple[str, ...], zone: str
) -> None:
    query = spec(dimensions, ZoneInfo(zone))
    on_pg = ordered(await groups_from_postgresql(runtime.engine, query))
    on_ch = ordered(await groups_from_clickhouse(loaded, query, runtime.engine))
    assert on_pg and on_ch == on_pg


@pytest.mark.parametrize(
    "filters",
    [
        {"project": "91game"},
        {"source": "payshack", "status": "success"},
        {"method": "UPI_INTENT", "merchant": "vima-acc-1"},
        {"direction": "payin"},
        {"vpa": "user-7"},
        {"payer": "payer.12@example.com"},
        {"payer": "9000000012"},
        {"utr": "U'1\\:x%"},
        {"vpa": "o'brien@YBL"},
    ],
    ids=lambda f: ",".join(f),
)
async def test_filters_agree_and_take_odd_values_literally(
    loaded: AnalyticsStore, runtime: Runtime, filters: dict[str, str]
) -> None:
    query = spec(("project", "status"), **filters)
    on_pg = ordered(await groups_from_postgresql(runtime.engine, query))
    on_ch = ordered(await groups_from_clickhouse(loaded, query, runtime.engine))
    assert on_pg and on_ch == on_pg


def band(amount: Decimal) -> str:
    for edge, label in zip(BAND_EDGES, BAND_LABELS, strict=False):
        if amount < edge:
            return label
    return BAND_LABELS[-1]


async def test_groups_equal_a_brute_force_count(loaded: AnalyticsStore, runtime: Runtime) -> None:
    query = spec(("project", "hour", "amount_band"), KOLKATA)
    expected: dict[tuple[object, ...], list[object]] = defaultdict(
        lambda: [0, Decimal(0), 0, Decimal(0)]
    )
    for row in [*DATASET, ODD]:
        if not query.start <= row.created_at < query.end:
            continue
        key = (row.project, row.created_at.astimezone(KOLKATA).hour, band(row.amount))
        acc = expected[key]
        acc[0] += 1  # type: ignore[operator]
        acc[1] += row.amount  # type: ignore[operator]
        if row.status == "success":
            acc[2] += 1  # type: ignore[operator]
            acc[3] += row.amount  # type: ignore[operator]
    got = {
        tuple(g.keys.values()): [g.count, g.amount, g.success_count, g.success_amount]
        for g in await groups_from_clickhouse(loaded, query, runtime.engine)
    }
    assert got == dict(expected)
