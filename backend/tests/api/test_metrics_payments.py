"""`payments` (each payment once) against a dataset whose payments are known by
construction, and comparisons of an in-progress period on a frozen clock."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from httpx import ASGITransport, AsyncClient

from psp_dashboard.main import create_app
from psp_dashboard.metrics.clock import current_time
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.records import NormalizedTransaction
from tests.api.conftest import Api
from tests.api.factory import load, make_transaction

DAY = date(2026, 4, 7)
START = datetime.combine(DAY, datetime.min.time(), UTC)


def dataset(seed: int) -> tuple[list[NormalizedTransaction], list[NormalizedTransaction]]:
    """(rows, the rows that are payments): pairs of 91game (Vima record + PayShack
    counterpart a few minutes later), duplicates, pairs out of the window, other
    projects' pairs and lone rows; the payments are every row but the counterparts."""
    rng = random.Random(seed)
    rows: list[NormalizedTransaction] = []
    counterparts: list[NormalizedTransaction] = []
    n = 0

    def row(source: str, key: str, at: datetime, project: str | None, **kw: Any) -> Any:
        nonlocal n
        n += 1
        base = make_transaction(rng, n, at, project=project, source=source, **kw)
        return replace(
            base,
            source_id=f"{source}-{n}",
            client_operation_id=key if source == "vima" else base.client_operation_id,
            order_id=key if source == "payshack" else None,
            raw_data={"n": n},
        )

    for i in range(300):
        at = START + timedelta(minutes=rng.randrange(0, 24 * 60 - 30))
        kind = rng.choice(("pair", "pair", "pair", "dup", "far", "other", "lone"))
        key = f"k{i}"
        v = row("vima", key, at, "91game")
        p = row("payshack", key, at + timedelta(seconds=rng.randrange(1, 900)), "91game")
        if kind == "pair":
            rows += [v, p]
            counterparts.append(p)
        elif kind == "dup":  # a second pay-in of the key, further away: a payment of its own
            extra = row("payshack", key, p.created_at + timedelta(minutes=20), "91game")
            rows += [v, p, extra]
            counterparts.append(p)
        elif kind == "far":  # outside the window (next day after the grace): not linked
            rows += [v, replace(p, created_at=START + timedelta(days=1, hours=3))]
        elif kind == "other":  # a project that is not reconciled
            rows += [replace(v, project="monetix"), replace(p, project="monetix")]
        else:
            rows.append(v)
    skip = {r.source_id for r in counterparts}
    return rows, [r for r in rows if r.source_id not in skip]


def in_day(rows: list[NormalizedTransaction]) -> list[NormalizedTransaction]:
    return [r for r in rows if START <= r.created_at < START + timedelta(days=1)]


async def test_payments_count_each_payment_once(api: Api) -> None:
    rows, payments = dataset(3)
    # The counterparts arrive a sync after their records.
    half = len(rows) // 2
    await load(api.runtime, rows[:half])
    await load(api.runtime, rows[half:])
    await api.runtime.cache.delete_pattern("*")
    rows, payments = in_day(rows), in_day(payments)
    day = {"from_date": DAY.isoformat(), "to_date": DAY.isoformat()}
    data = await api.data("/metrics/overview", **day)
    # Rows are unchanged: the contract's figures still count every row.
    assert data["total"]["count"] == len(rows)
    assert data["total"]["amount"] == sum(r.amount for r in rows)
    assert data["payments"]["count"] == len(payments)
    assert data["payments"]["amount"] == sum(r.amount for r in payments)
    assert data["linked"] == len(rows) - len(payments) > 50
    by_status = Counter(r.status for r in payments)
    for status, figure in data["payments"]["by_status"].items():
        assert figure["count"] == by_status[status], status
    per_project: dict[str | None, list[NormalizedTransaction]] = defaultdict(list)
    for r in payments:
        per_project[r.project].append(r)
    got = {p["project"]: (p["count"], p["amount"]) for p in data["payments"]["by_project"]}
    assert got == {k: (len(v), sum(r.amount for r in v)) for k, v in per_project.items()}

    projects = await api.data("/metrics/by-project", **day, unit="payments")
    assert {p["project"]: (p["count"], p["amount"]) for p in projects["projects"]} == got
    rows_view = await api.data("/metrics/by-project", **day)
    assert sum(p["count"] for p in rows_view["projects"]) == len(rows)

    trends = await api.data("/metrics/trends", **day, granularity="hour", unit="payments")
    assert sum(p["count"] for p in trends["points"]) == len(payments)
    assert sum(p["amount"] for p in trends["points"]) == sum(r.amount for r in payments)
    ok = sum(p["success_count"] for p in trends["points"])
    assert ok == by_status["success"]
    heat = await api.data("/metrics/heatmap", **day, unit="payments")
    assert sum(c["count"] for c in heat["cells"]) == len(payments)

    # A filter on one source: PayShack's payments are its rows that are not counterparts.
    only = await api.data("/metrics/overview", **day, source="payshack")
    assert only["payments"]["count"] == sum(1 for r in payments if r.source == "payshack")


@pytest.fixture
async def frozen(clean_db: Runtime) -> AsyncIterator[tuple[Api, list[datetime]]]:
    """An API whose clock reads the instants pushed to the returned list (last wins)."""
    clock: list[datetime] = []
    app = create_app(clean_db.settings, runtime=clean_db)
    app.dependency_overrides[current_time] = lambda: clock[-1]
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http:
        yield Api(http, clean_db), clock


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata"])
async def test_today_at_0520_compares_with_yesterday_until_0520(
    frozen: tuple[Api, list[datetime]], zone: str
) -> None:
    api, clock = frozen
    tz = ZoneInfo(zone)
    today = DAY

    def local(day: date, hour: int, minute: int) -> datetime:
        return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz).astimezone(UTC)

    yesterday = today - timedelta(days=1)
    rng = random.Random(1)
    at = [
        local(yesterday, 1, 0),
        local(yesterday, 5, 10),  # inside the compared span, in the bucket cut at 05:20
        local(yesterday, 5, 25),  # after 05:20: not compared
        local(yesterday, 14, 0),
        local(today, 0, 30),
        local(today, 5, 19),
    ]
    await load(
        api.runtime,
        [make_transaction(rng, i, t, source="vima", status="success") for i, t in enumerate(at)],
    )
    clock.append(local(today, 5, 20))
    data = await api.data("/metrics/overview", timezone=zone)
    assert data["period"]["from"] == today.isoformat()
    assert data["total"]["count"] == 2
    comparison = data["comparison"]
    assert comparison["partial"] is True
    assert comparison["elapsed_until"] == local(yesterday, 5, 20).isoformat().replace("+00:00", "Z")
    assert comparison["total"]["count"] == 2
    assert Decimal(data["trends"]["total_change"]) == 0

    # The same request for a finished day is a whole-day comparison.
    past = await api.data(
        "/metrics/overview", timezone=zone, from_date=yesterday.isoformat(),
        to_date=yesterday.isoformat(),
    )  # fmt: skip
    assert past["comparison"]["partial"] is False
    assert past["comparison"]["elapsed_until"] is None

    # Trends: the bucket holding "now" is partial, later ones are future, none is a fall.
    trends = await api.data(
        "/metrics/trends", timezone=zone, from_date=today.isoformat(),
        to_date=today.isoformat(), granularity="hour",
    )  # fmt: skip
    flags = [(p["partial"], p["future"]) for p in trends["points"]]
    assert flags == [(False, False)] * 5 + [(True, False)] + [(False, True)] * 18

    # A minute later the comparison moves with the clock (not a stale cached body).
    clock.append(local(today, 5, 21))
    later = await api.data("/metrics/overview", timezone=zone)
    assert later["comparison"]["elapsed_until"] == local(yesterday, 5, 21).isoformat().replace(
        "+00:00", "Z"
    )
