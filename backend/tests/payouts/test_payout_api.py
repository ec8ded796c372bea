"""Pay-outs through the read API: the list and export filter, net flow against the
sandbox truth, pay-in figures untouched."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from httpx import AsyncClient
from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.payouts import payout_truth
from psp_dashboard.sandbox.testing import SandboxHandle
from psp_dashboard.sandbox.truth import daily_totals
from psp_dashboard.sync.service import sync_source
from tests.api.conftest import Api
from tests.payouts.conftest import truth_rows

IST = "Asia/Kolkata"
PERIOD = {"from_date": "2026-01-14", "to_date": "2026-01-16", "timezone": IST}
Cell = tuple[int, Decimal]


@pytest.fixture
async def api(wired: Runtime, client: AsyncClient) -> AsyncIterator[Api]:
    for stream in ("vima", "payshack", "payshack_payouts"):
        result = await sync_source(wired, stream)
        assert result.status == "success", result.error
    yield Api(client, wired)


def parse_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def truth_payouts_by_day(handle: SandboxHandle) -> dict[tuple[str, str | None], Cell]:
    """Successful pay-outs per (IST day, project), from the sandbox's truth."""
    cells: dict[tuple[str, str | None], Cell] = defaultdict(lambda: (0, Decimal(0)))
    with handle.world.lock:
        truth = payout_truth(handle.world.payouts)
    for p in truth:
        if p.status == "success":
            key = (p.created_at.astimezone(ZoneInfo(IST)).date().isoformat(), p.project)
            count, amount = cells[key]
            cells[key] = (count + 1, amount + p.amount)
    return dict(cells)


async def payins_by_day(runtime: Runtime) -> dict[tuple[str, str | None], Cell]:
    """Brute force from the rows, by docs/payments.md: successful pay-in rows that are
    not another row's counterpart, per (IST day, project)."""
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT (created_at AT TIME ZONE :tz)::date, project, COUNT(*), SUM(amount) "
                "FROM transactions WHERE direction = 'payin' AND status = 'success' "
                "AND counterpart_of IS NULL GROUP BY 1, 2"
            ),
            {"tz": IST},
        )
        return {(r[0].isoformat(), r[1]): (int(r[2]), Decimal(r[3])) for r in rows}


async def test_net_flow_per_project_and_day_is_exact(api: Api, sandbox: SandboxHandle) -> None:
    body = await api.data("/metrics/net-flow", **PERIOD)
    got = {(i["date"], i["project"]): i for i in body["items"]}
    payouts = truth_payouts_by_day(sandbox)
    payins = await payins_by_day(api.runtime)
    assert set(got) == set(payouts) | set(payins)
    for key, item in got.items():
        in_count, in_amount = payins.get(key, (0, Decimal(0)))
        out_count, out_amount = payouts.get(key, (0, Decimal(0)))
        assert (item["payin_count"], item["payin_amount"]) == (in_count, in_amount), key
        assert (item["payout_count"], item["payout_amount"]) == (out_count, out_amount), key
        assert item["net_amount"] == in_amount - out_amount, key
    totals = body["totals"]
    assert totals["payout_amount"] == sum((a for _, a in payouts.values()), Decimal(0))
    assert totals["net_amount"] == totals["payin_amount"] - totals["payout_amount"]
    assert totals["payout_count"] == sum(c for c, _ in payouts.values())
    assert totals["payout_amount"] > 0 and totals["payin_amount"] > 0
    for project in body["projects"]:
        mine = [i for i in body["items"] if i["project"] == project["project"]]
        assert project["net_amount"] == sum((i["net_amount"] for i in mine), Decimal(0))
        assert project["payout_count"] == sum(i["payout_count"] for i in mine)
    assert sum((p["net_amount"] for p in body["projects"]), Decimal(0)) == totals["net_amount"]


async def test_net_flow_payins_of_unreconciled_projects_equal_the_truth(
    api: Api, sandbox: SandboxHandle
) -> None:
    """Projects nobody links (not in RECON_PROJECTS) are each row a payment: the pay-in
    side is the sandbox's own successful totals of both providers."""
    body = await api.data("/metrics/net-flow", **PERIOD)
    want: dict[tuple[str, str | None], Cell] = defaultdict(lambda: (0, Decimal(0)))
    for source in ("vima", "payshack"):
        for t in daily_totals(sandbox.world, source, timezone=IST):
            if t.status == "success" and t.project not in ("91game", None):
                count, amount = want[(t.day.isoformat(), t.project)]
                want[(t.day.isoformat(), t.project)] = (count + t.count, amount + t.amount)
    got = {
        (i["date"], i["project"]): (i["payin_count"], i["payin_amount"])
        for i in body["items"]
        if i["project"] not in ("91game", None) and i["payin_count"]
    }
    assert got == dict(want)


async def test_net_flow_filters_by_project_and_source(api: Api) -> None:
    everything = await api.data("/metrics/net-flow", **PERIOD)
    only = await api.data("/metrics/net-flow", project="indigate_payout", **PERIOD)
    assert {i["project"] for i in only["items"]} == {"indigate_payout"}
    assert only["items"] == [i for i in everything["items"] if i["project"] == "indigate_payout"]
    vima = await api.data("/metrics/net-flow", source="vima", **PERIOD)
    assert vima["totals"]["payout_count"] == 0  # pay-outs are PayShack's only


async def test_payin_figures_are_the_same_with_and_without_payouts(
    wired: Runtime, client: AsyncClient
) -> None:
    for stream in ("vima", "payshack"):
        await sync_source(wired, stream)
    api = Api(client, wired)
    asks: list[tuple[str, dict[str, Any]]] = [
        ("/metrics/overview", {**PERIOD, "now": None}),
        ("/metrics/by-project", {**PERIOD, "unit": "payments"}),
        ("/metrics/trends", {**PERIOD, "granularity": "day"}),
        ("/metrics/failures", PERIOD),
        ("/transactions", {"direction": "payin", "limit": 5, **PERIOD}),
    ]
    before = [(await api.get(path, **params)).text for path, params in asks]
    result = await sync_source(wired, "payshack_payouts")
    assert result.status == "success" and result.counts.inserted > 0
    await wired.cache.delete_pattern("*")
    api = Api(client, wired)  # the cache flush signed everyone out
    after = [(await api.get(path, **params)).text for path, params in asks]
    for (path, _), old, new in zip(asks, before, after, strict=True):
        assert figures(old) == figures(new), path


def figures(body: str) -> Any:
    """The answer without `deemed_before`: the clock's minute at the request (now − the
    deemed threshold), which moves on if the minute turns between the two asks."""
    data = json.loads(body)
    if isinstance(data.get("data"), dict):
        data["data"].pop("deemed_before", None)
    return data


async def test_list_filters_by_direction_and_finds_a_payout_by_its_bare_id(
    api: Api, sandbox: SandboxHandle
) -> None:
    truth = truth_rows(sandbox)
    payouts = await api.get("/transactions", direction="payout", limit=100)
    body = payouts.json()
    assert body["meta"]["total"] == len(truth)
    assert {i["direction"] for i in body["data"]} == {"payout"}
    both = (await api.get("/transactions", limit=1)).json()["meta"]["total"]
    payins = (await api.get("/transactions", direction="payin", limit=1)).json()["meta"]["total"]
    assert both == payins + len(truth)
    bare = truth[0][0].removeprefix("payout:")
    found = (await api.get("/transactions", search=bare)).json()["data"]
    assert [(i["source_id"], i["direction"]) for i in found] == [(truth[0][0], "payout")]


async def test_exports_carry_direction_and_honour_the_filter(
    api: Api, sandbox: SandboxHandle
) -> None:
    truth = {r[0]: r for r in truth_rows(sandbox)}
    response = await api.get("/export/transactions", direction="payout")
    assert response.status_code == 200, response.text
    lines = parse_csv(response.content)
    assert {line["source_id"] for line in lines} == set(truth)
    assert {line["direction"] for line in lines} == {"payout"}
    for line in lines:
        assert Decimal(line["amount"]) == truth[line["source_id"]][3]
    everything = parse_csv((await api.get("/export/transactions")).content)
    assert {line["direction"] for line in everything} == {"payin", "payout"}
    assert sum(line["direction"] == "payout" for line in everything) == len(truth)
    xlsx = await api.get("/export/transactions", direction="payout", format="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content))["Transactions"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    column = list(header).index("direction")
    assert len(rows) == len(truth) and {r[column] for r in rows} == {"payout"}


async def test_net_flow_is_for_every_role_and_dates_default_to_today(api: Api) -> None:
    response = await api.get("/metrics/net-flow", role="viewer")
    assert response.status_code == 200
    assert response.json()["data"]["period"]["from"] == date.today().isoformat()
