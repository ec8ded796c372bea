"""The HTTP surface: contract shapes, filters, paging, roles, errors, exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from httpx import AsyncClient, Response
from sqlalchemy import text

from psp_dashboard.reconciliation.runs import day_lock
from psp_dashboard.runtime import Runtime
from tests.reconciliation.support import at, insert, payshack, vima
from tests.support.auth import sign_in

API = "/api/v1"
D = date(2026, 3, 10)


class Caller:
    def __init__(self, client: AsyncClient, runtime: Runtime) -> None:
        self.client, self.runtime = client, runtime
        self._headers: dict[str, dict[str, str]] = {}

    async def headers(self, role: str) -> dict[str, str]:
        if role not in self._headers:
            self._headers[role] = await sign_in(self.client, self.runtime, role)
        return self._headers[role]

    async def get(self, path: str, role: str = "viewer", **params: Any) -> Response:
        return await self.client.get(API + path, params=params, headers=await self.headers(role))

    async def post(self, path: str, body: Any, role: str = "analyst") -> Response:
        return await self.client.post(API + path, json=body, headers=await self.headers(role))


def payload(response: Response) -> Any:
    assert response.status_code == 200, response.text
    return json.loads(response.text, parse_float=Decimal)


@pytest.fixture
async def api(rt: Runtime, client: AsyncClient) -> AsyncIterator[Caller]:
    # The app's runtime is the session one: give it the test's reconciliation settings.
    app_runtime: Runtime = client._transport.app.state.runtime  # type: ignore[attr-defined]
    original, app_runtime.settings = app_runtime.settings, rt.settings
    await insert(
        rt,
        [
            vima("M1", at(D, 9)), payshack("M1", at(D, 9)),
            vima("M2", at(D, 9)), payshack("M2", at(D, 9, 5)),
            vima("A", at(D, 10), "1234.5678"), payshack("A", at(D, 10), "1234.0001"),
            vima("S", at(D, 11)), payshack("S", at(D, 11), status="failed"),
            vima("T", at(D, 12)), payshack("T", at(D, 13)),
            vima("X", at(D, 14), "99999999999.9999"),
            payshack("Y", at(D, 15), "0.01"),
        ],
    )  # fmt: skip
    yield Caller(client, rt)
    app_runtime.settings = original


async def test_run_then_summary_in_the_contract_shape(api: Caller) -> None:
    ran = payload(await api.post("/reconciliation/run", {"date": D.isoformat()}))["data"]
    assert ran["status"] == "completed" and ran["date"] == "2026-03-10"
    assert set(ran) >= {"run_id", "status", "message"}
    summary = payload(await api.get("/reconciliation/summary", date="2026-03-10"))["data"]
    assert summary["run_id"] == ran["run_id"]
    assert summary["total_transactions"] == 7
    assert summary["matched"] == {"count": 2, "percentage": Decimal("28.6")}
    assert summary["discrepancies"] == {
        "count": 3,
        "percentage": Decimal("42.9"),
        "by_type": {"amount": 1, "status": 1, "time": 1, "duplicate": 0},
    }
    assert summary["missing"] == {
        "count": 2,
        "percentage": Decimal("28.6"),
        "missing_vima": 1,
        "missing_payshack": 1,
    }
    assert summary["coverage"] == "complete"
    assert summary["changes"] is None
    risk = summary["money_at_risk"]
    assert risk["by_type"]["amount"] == Decimal("0.5677")
    assert risk["by_type"]["missing_payshack"] == Decimal("99999999999.9999")
    # 0.5677 (amount) + 100 (status) + 99999999999.9999 (X) + 0.01 (Y); the time-only
    # row T is not money at risk (docs/reconciliation.md).
    assert risk["total"] == Decimal("100000000100.5776")
    assert summary["run_at"].endswith("Z")


async def test_summary_of_a_day_never_run(api: Caller) -> None:
    summary = payload(await api.get("/reconciliation/summary", date="2026-03-09"))["data"]
    assert summary["run_id"] is None and summary["total_transactions"] == 0
    assert summary["matched"] == {"count": 0, "percentage": Decimal("0.0")}


async def test_summary_is_cached_until_a_run_or_a_resolution(api: Caller) -> None:
    await api.post("/reconciliation/run", {"date": D.isoformat()})
    first = payload(await api.get("/reconciliation/summary", date=D.isoformat()))["data"]
    rows = payload(await api.get("/reconciliation/discrepancies", type="status"))["data"]
    resolved = await api.post(
        f"/reconciliation/discrepancies/{rows[0]['id']}/resolve", {"resolution": "resolved"}
    )
    assert resolved.status_code == 200
    after = payload(await api.get("/reconciliation/summary", date=D.isoformat()))["data"]
    assert after["money_at_risk"]["total"] == first["money_at_risk"]["total"] - 100
    rerun = payload(await api.post("/reconciliation/run", {"date": D.isoformat()}))["data"]
    latest = payload(await api.get("/reconciliation/summary", date=D.isoformat()))["data"]
    assert latest["run_id"] == rerun["run_id"]
    assert latest["changes"] == {"new": 0, "cleared": 0, "changed_type": 0}


async def test_discrepancy_list_filters_and_pages(api: Caller) -> None:
    await api.post("/reconciliation/run", {"date": D.isoformat()})
    body = payload(await api.get("/reconciliation/discrepancies", limit=2, page=2))
    assert isinstance(body["meta"].pop("next_cursor"), str)  # keyset paging (tests/api)
    assert body["meta"] == {"page": 2, "limit": 2, "total": 5, "total_pages": 3}
    every = payload(await api.get("/reconciliation/discrepancies"))["data"]
    assert [(r["type"], r["client_operation_id"]) for r in every] == [
        ("amount", "A"), ("status", "S"), ("time", "T"),
        ("missing_payshack", "X"), ("missing_vima", "Y"),
    ]  # fmt: skip
    amount = every[0]
    assert (amount["vima_amount"], amount["payshack_amount"], amount["amount_diff"]) == (
        Decimal("1234.5678"),
        Decimal("1234.0001"),
        Decimal("0.5677"),
    )
    assert amount["details"]["differences"] == ["amount"]
    assert amount["resolution"] == "open" and amount["provisional"] is False
    for kind, key in [("missing_vima", "Y"), ("missing_payshack", "X"), ("time", "T")]:
        rows = payload(await api.get("/reconciliation/discrepancies", type=kind))["data"]
        assert [r["client_operation_id"] for r in rows] == [key]
    outside = await api.get(
        "/reconciliation/discrepancies", from_date="2026-03-11", to_date="2026-03-12"
    )
    assert payload(outside)["meta"]["total"] == 0
    one = payload(await api.get(f"/reconciliation/discrepancies/{amount['id']}"))["data"]
    # The detail is the list row plus the workbench's fields (both sides, history, …).
    assert {k: one[k] for k in amount} == amount
    assert {"vima", "payshack", "history", "comments"} <= one.keys()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 101}, "limit"),
        ({"from_date": "15-01-2026"}, "from_date"),
        ({"type": "missing"}, "type"),
        ({"resolution": "done"}, "resolution"),
        ({"from_date": "2026-03-12", "to_date": "2026-03-10"}, "to_date"),
    ],
)
async def test_invalid_list_parameters_are_400_envelopes(
    api: Caller, params: dict[str, Any], field: str
) -> None:
    response = await api.get("/reconciliation/discrepancies", **params)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR" and error["details"]["field"] == field


async def test_resolve_workflow_and_roles(api: Caller) -> None:
    await api.post("/reconciliation/run", {"date": D.isoformat()})
    row = payload(await api.get("/reconciliation/discrepancies", type="amount"))["data"][0]
    path = f"/reconciliation/discrepancies/{row['id']}/resolve"
    denied = await api.post(path, {"resolution": "resolved"}, role="viewer")
    assert denied.status_code == 403
    done = payload(await api.post(path, {"resolution": "acknowledged", "note": "checking"}))
    assert done["data"]["resolution"] == "acknowledged"
    assert done["data"]["resolved_by"] == "analyst@tests.local"
    assert done["data"]["resolved_at"].endswith("Z") and done["data"]["note"] == "checking"
    listed = payload(await api.get("/reconciliation/discrepancies", resolution="acknowledged"))
    assert [r["id"] for r in listed["data"]] == [row["id"]]
    reopened = payload(await api.post(path, {"resolution": "open"}))["data"]
    assert (reopened["resolution"], reopened["resolved_by"]) == ("open", None)
    bad = await api.post(path, {"resolution": "closed"})
    assert bad.status_code == 400
    missing = await api.post(
        "/reconciliation/discrepancies/00000000-0000-0000-0000-000000000000/resolve",
        {"resolution": "resolved"},
    )
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"


async def test_run_requires_analyst_and_conflicts_while_running(api: Caller) -> None:
    denied = await api.post("/reconciliation/run", {"date": D.isoformat()}, role="viewer")
    assert denied.status_code == 403
    async with day_lock(api.runtime.engine, D):
        busy = await api.post("/reconciliation/run", {"date": D.isoformat()})
    assert busy.status_code == 409 and busy.json()["error"]["code"] == "CONFLICT"
    future = (date.today() + timedelta(days=2)).isoformat()
    assert (await api.post("/reconciliation/run", {"date": future})).status_code == 400
    assert (await api.post("/reconciliation/run", {"date": "2026-3-1"})).status_code == 400


async def test_run_history_and_changes(api: Caller) -> None:
    first = payload(await api.post("/reconciliation/run", {"date": D.isoformat()}))["data"]
    await insert(api.runtime, [vima("N", at(D, 16))])
    second = payload(await api.post("/reconciliation/run", {"date": D.isoformat()}))["data"]
    runs = payload(await api.get("/reconciliation/runs", date=D.isoformat()))
    assert [r["run_id"] for r in runs["data"]] == [second["run_id"], first["run_id"]]
    assert [r["is_current"] for r in runs["data"]] == [True, False]
    assert runs["data"][0]["changes"] == {"new": 1, "cleared": 0, "changed_type": 0}
    assert runs["data"][0]["previous_run_id"] == first["run_id"]
    detail = payload(await api.get(f"/reconciliation/runs/{first['run_id']}"))["data"]
    assert detail["total_transactions"] == 7 and detail["status"] == "completed"
    new = payload(await api.get(f"/reconciliation/runs/{second['run_id']}/changes", kind="new"))
    assert [r["client_operation_id"] for r in new["data"]] == ["N"]
    unknown = await api.get("/reconciliation/runs/00000000-0000-0000-0000-000000000000")
    assert unknown.status_code == 404


async def test_csv_export_is_exact(api: Caller) -> None:
    await api.post("/reconciliation/run", {"date": D.isoformat()})
    response = await api.get("/export/reconciliation", role="analyst", date=D.isoformat())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'reconciliation_2026-03-10.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["client_operation_id"] for r in rows] == ["A", "S", "T", "X", "Y"]
    assert rows[3]["vima_amount"] == "99999999999.9999"
    assert rows[0]["amount_diff"] == "0.5677"
    matched = await api.get(
        "/export/reconciliation", role="analyst", date=D.isoformat(), type="matched"
    )
    pairs = list(csv.DictReader(io.StringIO(matched.content.decode("utf-8-sig"))))
    assert [(r["client_operation_id"], r["vima_amount"]) for r in pairs] == [
        ("M1", "100.00"),
        ("M2", "100.00"),
    ]
    everything = await api.get(
        "/export/reconciliation", role="analyst", date=D.isoformat(), type="all"
    )
    assert everything.headers["x-export-rows"] == "7"


async def test_xlsx_export_and_errors(api: Caller) -> None:
    await api.post("/reconciliation/run", {"date": D.isoformat()})
    response = await api.get(
        "/export/reconciliation", role="analyst", date=D.isoformat(), format="xlsx", type="amount"
    )
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    header, (row,) = values[0], values[1:]
    record = dict(zip(header, row, strict=True))
    assert record["client_operation_id"] == "A"
    assert Decimal(str(record["vima_amount"])) == Decimal("1234.5678")
    viewer = await api.get("/export/reconciliation", role="viewer", date=D.isoformat())
    assert viewer.status_code == 403
    never = await api.get("/export/reconciliation", role="analyst", date="2026-01-01")
    assert never.status_code == 404


async def test_pages_walk_days_newest_first(api: Caller) -> None:
    before = D - timedelta(days=1)
    await insert(api.runtime, [vima("B1", at(before, 9)), payshack("B2", at(before, 10))])
    for day in (before, D):
        assert (await api.post("/reconciliation/run", {"date": day.isoformat()})).status_code == 200
    seen: list[tuple[str, str]] = []
    for page in (1, 2, 3, 4):
        body = payload(await api.get("/reconciliation/discrepancies", limit=2, page=page))
        seen += [(r["recon_date"], r["client_operation_id"]) for r in body["data"]]
        assert body["meta"]["total"] == 7
    assert seen == [
        ("2026-03-10", "A"), ("2026-03-10", "S"), ("2026-03-10", "T"), ("2026-03-10", "X"),
        ("2026-03-10", "Y"), ("2026-03-09", "B1"), ("2026-03-09", "B2"),
    ]  # fmt: skip
    only = payload(await api.get("/reconciliation/discrepancies", from_date="2026-03-09",
                                 to_date="2026-03-09"))  # fmt: skip
    assert [r["client_operation_id"] for r in only["data"]] == ["B1", "B2"]


# ---------------------------------------------------------------- security findings 5, 9, 11

PAYER_NOTE = "payer x@y.com, phone 9876543210, vpa a9876@okhdfc"


async def test_notes_and_details_reach_viewers_masked(api: Caller) -> None:
    """Finding 5: `payer x@y.com, phone 98…, vpa a@okhdfc` came back verbatim to viewers
    in the discrepancy list and detail, and so did names under keys the masker did not
    know (`beneficiary.accountName`)."""
    await api.post("/reconciliation/run", {"date": D.isoformat()})
    row = payload(await api.get("/reconciliation/discrepancies", type="amount"))["data"][0]
    path = f"/reconciliation/discrepancies/{row['id']}/resolve"
    assert (await api.post(path, {"resolution": "acknowledged", "note": PAYER_NOTE})).is_success
    async with api.runtime.engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE reconciliation_results SET details = details || CAST(:extra AS jsonb) "
                "WHERE id = :id"
            ),
            {
                "id": row["id"],
                "extra": json.dumps(
                    {"beneficiary": {"accountName": "Asha Rao"}, "remark": "ask asha@example.in"}
                ),
            },
        )
    detail = payload(await api.get(f"/reconciliation/discrepancies/{row['id']}"))["data"]
    listed = payload(await api.get("/reconciliation/discrepancies", type="amount"))["data"][0]
    for seen in (detail, listed):
        assert seen["note"] == "payer x***@y.com, phone ******3210, vpa a9*76@okhdfc"
        assert seen["details"]["beneficiary"] == {"accountName": "A*** R***"}
        assert seen["details"]["remark"] == "ask a***@example.in"
        assert seen["resolved_by"] == "analyst@tests.local"  # staff, not payer data
    analyst = payload(await api.get(f"/reconciliation/discrepancies/{row['id']}", "analyst"))
    assert analyst["data"]["note"] == PAYER_NOTE


async def test_only_days_with_a_run_are_cached(api: Caller) -> None:
    """Finding 9: any day a viewer named was cached for an hour (584 bytes each)."""
    redis, prefix = api.runtime.cache.redis, api.runtime.cache.prefix
    for day in ("2001-01-01", "2031-07-04", D.isoformat()):
        assert (await api.get("/reconciliation/summary", date=day)).status_code == 200
    assert await redis.keys(f"{prefix}recon:summary:*") == []
    await api.post("/reconciliation/run", {"date": D.isoformat()})
    await api.get("/reconciliation/summary", date=D.isoformat())
    assert await redis.keys(f"{prefix}recon:summary:*") == [
        f"{prefix}recon:summary:{D.isoformat()}".encode()
    ]


async def test_a_run_of_a_day_before_2000_is_refused_and_not_recorded(api: Caller) -> None:
    """Finding 11: 0001-01-01 answered 200 with a recorded failed run (TypeError)."""
    refused = await api.post("/reconciliation/run", {"date": "0001-01-01"})
    assert refused.status_code == 400
    assert refused.json()["error"]["details"]["field"] == "date"
    async with api.runtime.engine.connect() as conn:
        runs = (await conn.execute(text("SELECT count(*) FROM reconciliation_runs"))).scalar_one()
    assert runs == 0
