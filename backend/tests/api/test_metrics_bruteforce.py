"""Every metric equals a brute-force computation over the `transactions` rows.

One random dataset (2,000+ rows over two weeks, with rows placed on and around UTC and
IST day and hour edges) is loaded once through the pipeline's upsert; the API answers
from the rollup and Python recomputes each figure from the raw rows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient

from psp_dashboard.metrics import schemas
from psp_dashboard.runtime import Runtime
from tests.api import daily_level
from tests.api import expected as ex
from tests.api.conftest import Api, reset
from tests.api.factory import db_rows, load, random_dataset

FIRST = date(2026, 3, 20)  # 14 days: Europe/London's DST change (29 March) inside
DAYS = 14
LAST = FIRST + timedelta(days=DAYS - 1)
FILTERS: list[dict[str, str]] = [
    {},
    {"source": "vima"},
    {"project": "91game"},
    {"source": "payshack", "project": "monetix"},
]
ZONES = ("UTC", "Asia/Kolkata")


@pytest.fixture(scope="module")
async def rows(runtime: Runtime) -> AsyncIterator[list[dict[str, Any]]]:
    """Both rollup levels hold the data: whole UTC days are read from the daily level,
    partial days (every IST period's edges) and sub-day buckets from the 30-minute one."""
    await reset(runtime)
    await load(runtime, random_dataset(11, FIRST, DAYS, 2000))
    assert await daily_level.days(runtime) > 0
    assert await daily_level.mismatches(runtime) == 0
    yield await db_rows(runtime)


@pytest.fixture
async def api(rows: list[dict[str, Any]], client: AsyncClient, runtime: Runtime) -> Api:
    return Api(client, runtime)


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def as_tuples(points: list[dict[str, Any]]) -> list[Any]:
    return [
        (
            ts(p["timestamp"]),
            p["count"],
            Decimal(p["amount"]),
            p["success_count"],
            p["failed_count"],
        )
        for p in points
    ]


@pytest.mark.parametrize("tz", ZONES)
@pytest.mark.parametrize("granularity", ["hour", "day", "week"])
async def test_trends_equal_brute_force(
    api: Api, rows: list[dict[str, Any]], tz: str, granularity: str
) -> None:
    zone = ZoneInfo(tz)
    first, last = FIRST + timedelta(days=1), FIRST + timedelta(days=9)
    for filters in FILTERS:
        data = await api.data(
            "/metrics/trends",
            from_date=first.isoformat(),
            to_date=last.isoformat(),
            granularity=granularity,
            timezone=tz,
            **filters,
        )
        schemas.Trends.model_validate(data)
        subset = ex.in_period(rows, FIRST, LAST, zone, **filters)
        assert as_tuples(data["points"]) == ex.trends(subset, first, last, zone, granularity)


async def test_trends_across_a_dst_change(api: Api, rows: list[dict[str, Any]]) -> None:
    zone = ZoneInfo("Europe/London")
    first, last = date(2026, 3, 28), date(2026, 3, 30)
    for granularity in ("hour", "day"):
        data = await api.data(
            "/metrics/trends",
            from_date=first.isoformat(),
            to_date=last.isoformat(),
            granularity=granularity,
            timezone="Europe/London",
        )
        assert as_tuples(data["points"]) == ex.trends(rows, first, last, zone, granularity)
    hours = await api.data(
        "/metrics/trends", from_date="2026-03-29", to_date="2026-03-29", granularity="hour",
        timezone="Europe/London",
    )  # fmt: skip
    assert len(hours["points"]) == 23  # the day the clocks go forward


async def test_empty_buckets_are_zeros(api: Api) -> None:
    data = await api.data(
        "/metrics/trends",
        from_date=(FIRST - timedelta(days=2)).isoformat(),
        to_date=FIRST.isoformat(),
        granularity="hour",
        timezone="Asia/Kolkata",
    )
    assert len(data["points"]) == 72
    data_start = ex.midnight(FIRST, ZoneInfo("UTC"))
    before = [p for p in data["points"] if ts(p["timestamp"]) + timedelta(hours=1) <= data_start]
    assert before and all(p["count"] == 0 and p["amount"] == 0 for p in before)
    assert all(ts(p["timestamp"]).minute == 30 for p in data["points"])  # IST hours
    week = await api.data(
        "/metrics/trends", from_date="2026-03-25", to_date="2026-03-25", granularity="week"
    )
    assert [p["timestamp"] for p in week["points"]] == ["2026-03-23T00:00:00Z"]  # a Monday


@pytest.mark.parametrize("tz", ZONES)
async def test_overview_equals_brute_force(api: Api, rows: list[dict[str, Any]], tz: str) -> None:
    zone = ZoneInfo(tz)
    for first, last in [(FIRST + timedelta(days=8), FIRST + timedelta(days=8)),
                        (FIRST + timedelta(days=5), FIRST + timedelta(days=9))]:  # fmt: skip
        for filters in FILTERS:
            data = await api.data(
                "/metrics/overview",
                from_date=first.isoformat(),
                to_date=last.isoformat(),
                timezone=tz,
                **filters,
            )
            schemas.Overview.model_validate(data)
            current = ex.in_period(rows, first, last, zone, **filters)
            days = (last - first).days + 1
            before = ex.in_period(
                rows, first - timedelta(days=days), first - timedelta(days=1), zone, **filters
            )
            count, amount = ex.figure(current)
            assert (data["total"]["count"], data["total"]["amount"]) == (count, amount)
            assert data["total"]["currency"] == "INR"
            for status in ("success", "failed", "pending", "refunded"):
                subset = [r for r in current if r["status"] == status]
                figure = data["by_status"][status]
                assert (figure["count"], figure["amount"]) == ex.figure(subset)
            for source in ("vima", "payshack"):
                subset = [r for r in current if r["source"] == source]
                figure = data["by_source"][source]
                assert (figure["count"], figure["amount"]) == ex.figure(subset)
            ok = sum(r["status"] == "success" for r in current)
            assert data["conversion_rate"] == ex.pct(ok, count)
            assert data["avg_ticket"] == (amount / count).quantize(Decimal("0.0001"))
            trends = data["trends"]
            assert trends["total_change"] == ex.pct(count - len(before), len(before))
            prev_ok = sum(r["status"] == "success" for r in before)
            assert trends["success_change"] == ex.pct(ok - prev_ok, prev_ok)
            prev_failed = sum(r["status"] == "failed" for r in before)
            failed = sum(r["status"] == "failed" for r in current)
            assert trends["failed_change"] == ex.pct(failed - prev_failed, prev_failed)
            assert data["comparison"]["total"]["count"] == len(before)


async def test_overview_compare_previous_week(api: Api, rows: list[dict[str, Any]]) -> None:
    first, last = FIRST + timedelta(days=9), FIRST + timedelta(days=10)
    data = await api.data(
        "/metrics/overview",
        from_date=first.isoformat(),
        to_date=last.isoformat(),
        compare="previous_week",
    )
    zone = ZoneInfo("UTC")
    before = ex.in_period(rows, first - timedelta(days=7), last - timedelta(days=7), zone)
    now = ex.in_period(rows, first, last, zone)
    assert data["comparison"]["period"] == {
        "from": (first - timedelta(days=7)).isoformat(),
        "to": (last - timedelta(days=7)).isoformat(),
        "timezone": "UTC",
    }
    assert data["trends"]["total_change"] == ex.pct(len(now) - len(before), len(before))


async def test_overview_change_is_null_when_previous_period_is_empty(api: Api) -> None:
    data = await api.data(
        "/metrics/overview", from_date=FIRST.isoformat(), to_date=LAST.isoformat()
    )
    assert data["total"]["count"] > 0
    assert data["trends"]["total_change"] is None
    assert data["trends"]["success_change"] is None


@pytest.mark.parametrize("tz", ZONES)
async def test_breakdowns_equal_brute_force(api: Api, rows: list[dict[str, Any]], tz: str) -> None:
    zone = ZoneInfo(tz)
    first, last = FIRST + timedelta(days=2), FIRST + timedelta(days=6)
    params = {"from_date": first.isoformat(), "to_date": last.isoformat(), "timezone": tz}
    for filters in FILTERS:
        subset = ex.in_period(rows, first, last, zone, **filters)
        projects = await api.data("/metrics/by-project", **params, **filters)
        schemas.ByProject.model_validate(projects)
        assert projects["projects"] == ex.ranked(subset, "project")
        methods = await api.data("/metrics/by-payment-method", **params, **filters)
        assert methods["payment_methods"] == ex.ranked(subset, "payment_method")
        merchants = await api.data("/metrics/by-merchant", **params, **filters, limit=2)
        assert merchants["merchants"] == ex.ranked(subset, "merchant_id")[:2]
        assert merchants["total_merchants"] == len({r["merchant_id"] for r in subset})


async def test_failures_equal_brute_force(api: Api, rows: list[dict[str, Any]]) -> None:
    zone = ZoneInfo("Asia/Kolkata")
    data = await api.data(
        "/metrics/failures", from_date=FIRST.isoformat(), to_date=LAST.isoformat(),
        timezone="Asia/Kolkata",
    )  # fmt: skip
    schemas.Failures.model_validate(data)
    failed = [r for r in ex.in_period(rows, FIRST, LAST, zone) if r["status"] == "failed"]
    assert (data["failed"]["count"], data["failed"]["amount"]) == ex.figure(failed)
    groups = ex.grouped(failed, lambda r: (r["source"], r["original_status"]))
    expected = sorted(
        (
            {
                "source": source,
                "original_status": original,
                "count": len(members),
                "amount": ex.figure(members)[1],
                "share": ex.pct(len(members), len(failed)),
            }
            for (source, original), members in groups.items()
        ),
        key=lambda d: (-d["count"], d["source"], d["original_status"] or ""),
    )
    assert data["by_original_status"] == expected


@pytest.mark.parametrize("tz", ZONES)
async def test_heatmap_equals_brute_force(api: Api, rows: list[dict[str, Any]], tz: str) -> None:
    zone = ZoneInfo(tz)
    data = await api.data(
        "/metrics/heatmap", from_date=FIRST.isoformat(), to_date=LAST.isoformat(), timezone=tz,
        source="vima",
    )  # fmt: skip
    schemas.Heatmap.model_validate(data)
    assert len(data["cells"]) == 7 * 24
    subset = ex.in_period(rows, FIRST, LAST, zone, source="vima")
    groups = ex.grouped(
        subset,
        lambda r: (
            r["created_at"].astimezone(zone).weekday(),
            r["created_at"].astimezone(zone).hour,
        ),
    )
    for cell in data["cells"]:
        members = groups.get((cell["weekday"], cell["hour"]), [])
        assert (cell["count"], cell["amount"]) == ex.figure(members), cell
