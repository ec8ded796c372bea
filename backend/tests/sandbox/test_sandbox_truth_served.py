"""Truth describes exactly what is served: an independent reading of the served JSON
gives the same totals and the same bad records; the generated world holds every kind of
case the reconciliation has to handle."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from psp_dashboard.sandbox import SandboxHandle
from psp_dashboard.sandbox.kinds import Kind
from psp_dashboard.sandbox.statuses import PAYSHACK_BASE_CODES
from psp_dashboard.sandbox.truth import (
    bad_records,
    daily_totals,
    expected_reconciliation,
    recon_days,
)
from tests.sandbox.conftest import payshack_login, payshack_page, vima_get

VIMA = {
    "success": "success",
    "fail": "failed",
    "in_process": "pending",
    "user_input_required": "pending",
}
PAYSHACK = {
    "Success": "success",
    "SUCCESS": "success",
    "Failed": "failed",
    "FAILED": "failed",
    "Tampered": "failed",
    "Refunded": "refunded",
    "Cb_Refunded": "refunded",
}
IST = ZoneInfo("Asia/Kolkata")
Totals = dict[tuple[str, date, str, str], tuple[int, Decimal]]


def _when(text: Any) -> datetime | None:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _money(value: Any) -> Decimal | None:
    return value if isinstance(value, Decimal | int) and not isinstance(value, bool) else None


def _add(totals: dict[Any, list[Any]], key: Any, amount: Decimal) -> None:
    entry = totals.setdefault(key, [0, Decimal(0)])
    entry[0] += 1
    entry[1] += amount


def read_vima(http: httpx.Client, sb: SandboxHandle) -> tuple[dict[Any, list[Any]], set[str]]:
    totals: dict[Any, list[Any]] = {}
    bad: set[str] = set()
    cursor = None
    while True:
        params: dict[str, Any] = {"count": 100, "descending": "false"}
        if cursor:
            params["from_operation_create_id"] = cursor
        rows = json.loads(vima_get(http, sb, **params).text, parse_float=Decimal)
        if not rows:
            return totals, bad
        cursor = max((r["operation_create_id"] for r in rows), key=int)
        for r in rows:
            created = _when(r.get("operation_created_at"))
            value = _money(r["create_params"]["params"]["payment"]["amount"]["value"])
            amount = (
                _money(r["complete_amount"])
                if "complete_amount" in r
                else (None if value is None else Decimal(value) / 100)
            )
            if not r.get("operation_id") or created is None or amount is None:
                bad.add(r["operation_create_id"])
                continue
            raw = r.get("payment_status") or r["current_status"]
            _add(totals, (created.date(), r["project"], VIMA.get(raw, "pending")), amount)


def read_payshack(http: httpx.Client, sb: SandboxHandle) -> tuple[dict[Any, list[Any]], set[str]]:
    totals: dict[Any, list[Any]] = {}
    bad: set[str] = set()
    headers = payshack_login(http, sb)
    page = 1
    while page:
        body = json.loads(
            payshack_page(http, sb, headers, page=page, limit=100).text, parse_float=Decimal
        )["data"]
        for t in body["transactions"]:
            created = _when(t.get("createdAt"))
            paid = t.get("paidAmount")
            amount = _money(paid if paid is not None else t.get("amount"))
            if not t.get("txnId") or created is None or amount is None:
                bad.add(str(t["_id"]))
                continue
            project = {
                "91G_TECH_PVT_LTD": "91game",
                "MNCL_M5_Pvt_Ltd": "mncl_m5",
                "Mn CL THREE_PVT_LTD": "mncl_three",
            }[t["clientName"]]
            _add(totals, (created.date(), project, PAYSHACK.get(t["txnStatus"], "pending")), amount)
        page = body["nextPage"]
    return totals, bad


def truth_totals(sb: SandboxHandle, source: str) -> dict[Any, list[Any]]:
    return {
        (t.day, t.project, t.status): [t.count, t.amount]
        for t in daily_totals(sb.world, source)  # type: ignore[arg-type]
    }


def test_served_json_gives_truths_totals_and_bad_records(
    shared_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    vima_totals, vima_bad = read_vima(http, shared_sandbox)
    ps_totals, ps_bad = read_payshack(http, shared_sandbox)
    assert vima_totals == truth_totals(shared_sandbox, "vima")
    assert ps_totals == truth_totals(shared_sandbox, "payshack")
    bad = bad_records(shared_sandbox.world)
    assert vima_bad == {b.locator for b in bad if b.source == "vima"}
    assert ps_bad == {b.locator for b in bad if b.source == "payshack"}
    assert {b.reason for b in bad} == {"missing_id", "non_numeric_amount", "unparseable_date"}


def test_world_holds_every_status_and_every_reconciliation_case(
    shared_sandbox: SandboxHandle,
) -> None:
    w = shared_sandbox.world
    served_statuses = {w.statuses.payshack[w.pstat[e]] for e in w.ps_order}
    assert set(PAYSHACK_BASE_CODES) <= served_statuses
    rows = [r for d in recon_days(w, "Asia/Kolkata") for r in expected_reconciliation(w, d)]
    assert {r.match_status for r in rows} == {
        "matched",
        "discrepancy",
        "missing_payshack",
        "missing_vima",
    }
    assert {r.discrepancy_type for r in rows} == {
        None,
        "duplicate",
        "missing",
        "status",
        "amount",
        "time",
    }
    assert any(r.details.get("reason") == "no_key" for r in rows)
    subrupee = [r for r in rows if r.amount_diff is not None and abs(r.amount_diff) < 1]
    large = [r for r in rows if r.amount_diff is not None and abs(r.amount_diff) >= 10]
    assert subrupee and large


def test_cross_midnight_pairs_land_inside_and_outside_the_grace_window(
    shared_sandbox: SandboxHandle,
) -> None:
    w = shared_sandbox.world
    by_txn: dict[str, Any] = {}
    for d in recon_days(w, "Asia/Kolkata"):
        for r in expected_reconciliation(w, d):
            for txn in r.payshack_ids:
                by_txn[txn] = (d, r)
    outcomes: dict[int, set[str]] = defaultdict(set)
    for e in range(len(w)):
        kind = w.kinds[e]
        facts = w.payin_facts(e)
        if kind in (Kind.PAIR_CROSS_IN, Kind.PAIR_CROSS_OUT) and facts and facts.bad is None:
            vima = w.vima_facts(e)
            if vima is None or vima.bad is not None:
                continue
            payin_time = datetime.fromtimestamp(facts.created_ms / 1000, IST)
            day, row = by_txn[w.ids.txn_id(e, payin_time.year)]
            vima_day = datetime.fromtimestamp(vima.created_ms / 1000, IST).date()
            assert payin_time.date() == vima_day + timedelta(days=1)  # across midnight
            outcomes[kind].add(row.match_status)
            # inside: reported once, on the Vima row's day; outside: on the pay-in's own day
            assert day == (vima_day if kind == Kind.PAIR_CROSS_IN else payin_time.date())
    assert outcomes[Kind.PAIR_CROSS_IN] and outcomes[Kind.PAIR_CROSS_IN] <= {
        "matched",
        "discrepancy",
    }
    assert outcomes[Kind.PAIR_CROSS_OUT] == {"missing_vima"}
