"""`GET /analytics/breakdown` and `GET /analytics/mirror`: engines, roles, validation."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from pydantic import SecretStr

from psp_dashboard.analytics.feed import Feeder
from psp_dashboard.analytics.schema import TABLE
from psp_dashboard.analytics.store import AnalyticsStore
from psp_dashboard.runtime import Runtime
from tests.api.conftest import Api
from tests.api.factory import load, random_dataset

DATASET = random_dataset(5, date(2026, 5, 1), 6, 200)
PERIOD = {"from_date": "2026-05-01", "to_date": "2026-05-06", "timezone": "Asia/Kolkata"}


def body(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal)["data"]


@pytest.fixture
async def served_mirror(api: Api, mirror: AnalyticsStore) -> AsyncIterator[AnalyticsStore]:
    """The mirror fed and readable from the API's process (as in `psp run`)."""
    await load(api.runtime, DATASET)
    await Feeder(api.runtime.engine, mirror).run()
    api.runtime.analytics = mirror
    yield mirror
    api.runtime.analytics = None


async def test_without_a_mirror_postgresql_answers(api: Api) -> None:
    await load(api.runtime, DATASET)
    got = body(await api.get("/analytics/breakdown", dimensions="project,status", **PERIOD))
    assert got["engine"] == "postgresql"
    assert got["totals"]["count"] == sum(r["count"] for r in got["rows"]) > 0
    assert got["dimensions"] == ["project", "status"] and not got["truncated"]
    failed = await api.get("/analytics/breakdown", engine="clickhouse", **PERIOD)
    assert failed.status_code == 409


async def test_the_mirror_answers_the_same_as_postgresql(
    api: Api, served_mirror: AnalyticsStore
) -> None:
    params = {"dimensions": "source,amount_band,weekday", **PERIOD}
    auto = body(await api.get("/analytics/breakdown", **params))
    plain = body(await api.get("/analytics/breakdown", engine="postgresql", **params))
    assert auto["engine"] == "clickhouse" and plain["engine"] == "postgresql"
    assert auto["rows"] == plain["rows"] and auto["totals"] == plain["totals"]
    total = sum((r.amount for r in DATASET), Decimal(0))
    whole = body(
        await api.get(
            "/analytics/breakdown", from_date="2026-04-01", to_date="2026-05-31", timezone="UTC"
        )
    )
    assert whole["totals"]["amount"] == total and whole["totals"]["count"] == len(DATASET)


async def test_limit_cuts_the_smallest_groups(api: Api, served_mirror: AnalyticsStore) -> None:
    got = body(await api.get("/analytics/breakdown", dimensions="day,hour", limit=5, **PERIOD))
    assert len(got["rows"]) == 5 and got["truncated"]
    assert got["totals"]["groups"] > 5
    counts = [r["count"] for r in got["rows"]]
    assert counts == sorted(counts, reverse=True)


async def test_unknown_dimensions_are_rejected(api: Api) -> None:
    response = await api.get("/analytics/breakdown", dimensions="project,payer_email")
    assert response.status_code in (400, 422)
    assert "error" in response.json()


async def test_payer_filters_need_the_analyst_role(api: Api) -> None:
    denied = await api.get("/analytics/breakdown", role="viewer", vpa="user-1@ybl")
    assert denied.status_code == 403
    allowed = await api.get("/analytics/breakdown", role="analyst", vpa="user-1@ybl")
    assert allowed.status_code == 200


async def test_mirror_state_shows_rows_watermark_and_lag(
    api: Api, served_mirror: AnalyticsStore, clean_db: Runtime
) -> None:
    got = body(await api.get("/analytics/mirror", role="viewer"))
    assert got["rows"] == len(DATASET) and got["pending_rows"] == 0
    assert got["backfill_done"] and got["watermark"] and got["last_error"] is None
    assert got["readable_here"] and got["lag_seconds"] is not None and got["lag_seconds"] >= 0


async def test_an_unreachable_server_leaves_postgresql_answering(api: Api) -> None:
    await load(api.runtime, DATASET)
    original = api.runtime.settings
    api.runtime.settings = original.model_copy(
        update={"clickhouse_url": SecretStr("http://127.0.0.1:9/")}  # nothing listens there
    )
    try:
        auto = body(await api.get("/analytics/breakdown", dimensions="status", **PERIOD))
        assert auto["engine"] == "postgresql" and auto["totals"]["count"] > 0
        forced = await api.get("/analytics/breakdown", engine="clickhouse", **PERIOD)
        assert forced.status_code == 503
        assert "ClickHouse" in forced.json()["error"]["message"]
    finally:
        api.runtime.settings = original
        api.runtime.analytics = None


async def test_a_mirror_emptied_for_a_new_layout_is_not_read_until_fed_again(
    api: Api, served_mirror: AnalyticsStore
) -> None:
    """Another process re-made the table (store.py) before the feed started over: the
    breakdown reads PostgreSQL, never the empty mirror; once fed again, the mirror."""
    query = {"dimensions": "project", **PERIOD}
    before = body(await api.get("/analytics/breakdown", **query))
    assert before["engine"] == "clickhouse"
    await served_mirror.command(f"TRUNCATE TABLE {served_mirror.database}.{TABLE}")
    meanwhile = body(await api.get("/analytics/breakdown", **query))
    assert meanwhile["engine"] == "postgresql" and meanwhile["rows"] == before["rows"]
    assert (await api.get("/analytics/breakdown", engine="clickhouse", **query)).status_code == 409
    await Feeder(api.runtime.engine, served_mirror).run()
    again = body(await api.get("/analytics/breakdown", **query))
    assert again["engine"] == "clickhouse" and again["rows"] == before["rows"]
