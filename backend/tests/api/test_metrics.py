"""Metrics behaviour: contract shapes, defaults, validation, caching, currencies, late
status changes."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from psp_dashboard.kit.periods import today_in
from tests.api.conftest import Api
from tests.api.factory import load, make_transaction, random_dataset

DAY = date(2026, 3, 10)
NOON = datetime(2026, 3, 10, 12, tzinfo=UTC)
RANGE = {"from_date": "2026-03-10", "to_date": "2026-03-10"}


async def test_overview_has_the_contract_shape(api: Api) -> None:
    await load(api.runtime, random_dataset(5, DAY, 1, 50))
    data = await api.data("/metrics/overview", **RANGE)
    assert set(data) == {
        "period", "total", "by_status", "by_source", "conversion_rate", "avg_ticket", "trends",
        "comparison", "payments", "linked",
        # UPI figures (docs/upi.md)
        "deemed_after_minutes", "deemed_before", "deemed_count", "deemed_amount",
        "pending_fresh_count", "pending_fresh_amount", "reversals_count", "reversals_amount",
    }  # fmt: skip
    assert data["period"] == {"from": "2026-03-10", "to": "2026-03-10", "timezone": "UTC"}
    assert set(data["total"]) == {"count", "amount", "currency"}
    assert set(data["by_status"]) == {"success", "failed", "pending", "refunded"}
    assert set(data["by_source"]) == {"vima", "payshack"}
    assert all(set(f) == {"count", "amount"} for f in data["by_status"].values())
    assert {"total_change", "success_change", "failed_change"} <= set(data["trends"])
    assert data["conversion_rate"] == data["conversion_rate"].quantize(Decimal("0.1"))


async def test_by_project_and_trends_have_the_contract_shape(api: Api) -> None:
    await load(api.runtime, random_dataset(6, DAY, 1, 50))
    projects = await api.data("/metrics/by-project", **RANGE)
    assert set(projects) == {"period", "projects", "unit"}  # unit: addition (payments)
    assert projects["unit"] == "rows"
    assert {"project", "count", "amount", "success_rate"} <= set(projects["projects"][0])
    trends = await api.data("/metrics/trends", **RANGE, granularity="hour")
    assert set(trends) == {"period", "granularity", "points", "unit"}
    assert trends["granularity"] == "hour"
    assert len(trends["points"]) == 24
    assert set(trends["points"][0]) == {
        "timestamp", "count", "amount", "success_count", "failed_count", "partial", "future",
    }  # fmt: skip
    assert trends["points"][0]["timestamp"] == "2026-03-10T00:00:00Z"


async def test_default_period_is_today_in_the_time_zone(api: Api) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    rows = [make_transaction(random.Random(1), i, now - timedelta(seconds=i)) for i in range(3)]
    await load(api.runtime, rows)
    for tz in ("UTC", "Asia/Kolkata"):
        data = await api.data("/metrics/overview", timezone=tz)
        today = today_in(ZoneInfo(tz)).isoformat()
        assert data["period"] == {"from": today, "to": today, "timezone": tz}
        assert data["total"]["count"] == 3 or now.astimezone(ZoneInfo(tz)).hour == 0


async def test_empty_period_gives_zeros_and_nulls(api: Api) -> None:
    data = await api.data("/metrics/overview", **RANGE)
    assert data["total"] == {"count": 0, "amount": 0, "currency": "INR"}
    assert data["conversion_rate"] is None
    assert data["avg_ticket"] is None
    assert data["trends"]["total_change"] is None


async def test_validation_errors(api: Api) -> None:
    cases = [
        ("/metrics/trends", {"to_date": "2026-03-10"}, "from_date"),
        ("/metrics/trends", {**RANGE, "granularity": "minute"}, "granularity"),
        ("/metrics/trends", {"from_date": "2000-01-01", "to_date": "2099-12-31"}, "granularity"),
        ("/metrics/overview", {"timezone": "Asia/Kathmandu"}, "timezone"),
        ("/metrics/overview", {"timezone": "Nowhere/City"}, "timezone"),
        ("/metrics/overview", {"from_date": "2026-03-11", "to_date": "2026-03-10"}, "to_date"),
        ("/metrics/overview", {"from_date": "1999-12-31"}, "from_date"),
        ("/metrics/overview", {"compare": "last_year"}, "compare"),
        ("/metrics/overview", {"currency": "rupees"}, "currency"),
        ("/metrics/by-merchant", {"limit": 0}, "limit"),
    ]
    for path, params, field in cases:
        response = await api.get(path, **params)
        assert response.status_code == 400, (path, params, response.text)
        error = response.json()["error"]
        assert error["code"] == "VALIDATION_ERROR"
        assert error["details"]["field"] == field, (path, params)


async def test_responses_are_cached_with_the_seed_keys_and_ttls(api: Api) -> None:
    await load(api.runtime, random_dataset(8, DAY, 1, 20))
    cache = api.runtime.cache
    for path, kind, ttl, extra in [
        ("/metrics/overview", "overview", 60, {}),
        ("/metrics/trends", "trends", 300, {"granularity": "day"}),
        ("/metrics/by-project", "by_project", 300, {}),
    ]:
        first = await api.get(path, **RANGE, **extra)
        second = await api.get(path, **RANGE, **extra)
        assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
        assert first.content == second.content
        keys = [k.decode() async for k in cache.redis.scan_iter(f"{cache.prefix}metrics:{kind}:*")]
        assert len(keys) == 1
        assert 0 < await cache.redis.ttl(keys[0]) <= ttl


async def test_invalidation_makes_new_data_visible(api: Api) -> None:
    rows = random_dataset(9, DAY, 1, 10)
    await load(api.runtime, rows[:5])
    before = await api.data("/metrics/overview", **RANGE)
    await load(api.runtime, rows[5:])  # the pipeline invalidates after writing
    after = await api.data("/metrics/overview", **RANGE)
    assert after["total"]["count"] == before["total"]["count"] + len(rows) - 5


async def test_mixed_currencies_are_never_summed(api: Api) -> None:
    rng = random.Random(3)
    rows = [
        make_transaction(rng, 1, NOON, amount=Decimal("100.0000"), currency="INR"),
        make_transaction(rng, 2, NOON, amount=Decimal("5.2500"), currency="USD"),
        make_transaction(rng, 3, NOON, amount=Decimal("7.0000"), currency="USD"),
    ]
    await load(api.runtime, rows)
    data = await api.data("/metrics/overview", **RANGE)
    assert data["total"] == {
        "count": 3,
        "amount": None,
        "currency": None,
        "by_currency": {"INR": Decimal("100.00"), "USD": Decimal("12.25")},
    }
    assert data["avg_ticket"] is None
    usd = await api.data("/metrics/overview", **RANGE, currency="USD")
    assert usd["total"] == {"count": 2, "amount": Decimal("12.25"), "currency": "USD"}
    trends = await api.data("/metrics/trends", **RANGE, granularity="day")
    assert trends["points"][0]["amount"] is None
    assert trends["points"][0]["by_currency"] == {"INR": Decimal("100.00"), "USD": Decimal("12.25")}


async def test_late_status_change_moves_the_counts(api: Api) -> None:
    """Same source/source_id/created_at re-upserted with another status, through the
    pipeline's upsert (which moves the rollup): success ↔ failed."""
    rng = random.Random(4)
    rows = [
        make_transaction(rng, i, NOON + timedelta(minutes=i), status="success") for i in range(6)
    ]
    await load(api.runtime, rows)
    first = await api.data("/metrics/overview", **RANGE)
    assert (first["by_status"]["success"]["count"], first["by_status"]["failed"]["count"]) == (6, 0)
    # The pipeline detects changes by the raw record's hash: the provider's record changed.
    failed = [
        replace(r, status="failed", original_status="fail", raw_data={**r.raw_data, "s": "fail"})
        for r in rows[:2]
    ]
    await load(api.runtime, failed)
    second = await api.data("/metrics/overview", **RANGE)
    assert (second["by_status"]["success"]["count"], second["by_status"]["failed"]["count"]) == (
        4,
        2,
    )
    assert second["total"]["count"] == 6
    moved = sum((r.amount for r in rows[:2]), Decimal(0))
    assert second["by_status"]["failed"]["amount"] == moved.quantize(Decimal("0.0001"))
    trend = await api.data("/metrics/trends", **RANGE, granularity="day")
    assert (trend["points"][0]["success_count"], trend["points"][0]["failed_count"]) == (4, 2)
    listing = (await api.get("/transactions", status="failed")).json()
    assert listing["meta"]["total"] == 2
    back = [replace(r, status="success", raw_data={**r.raw_data, "s": "ok"}) for r in failed]
    await load(api.runtime, back)  # and back
    third = await api.data("/metrics/overview", **RANGE)
    assert (third["by_status"]["success"]["count"], third["by_status"]["failed"]["count"]) == (6, 0)
    failures = await api.data("/metrics/failures", **RANGE)
    assert failures["failed"]["count"] == 0 and failures["by_original_status"] == []


async def test_trends_compare_adds_the_previous_points(api: Api) -> None:
    await load(api.runtime, random_dataset(10, DAY - timedelta(days=7), 8, 100))
    data = await api.data("/metrics/trends", **RANGE, granularity="hour", compare="previous_week")
    comparison = data["comparison"]
    assert comparison["period"]["from"] == "2026-03-03"
    assert len(comparison["points"]) == len(data["points"]) == 24
    week_ago = await api.data(
        "/metrics/trends", from_date="2026-03-03", to_date="2026-03-03", granularity="hour"
    )
    assert comparison["points"] == week_ago["points"]
