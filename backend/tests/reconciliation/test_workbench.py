"""The workbench: money at risk by its definition, the detail panel, owners, comments,
bulk resolutions and their carry-over across re-runs, the summary's schedule fields."""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from tests.reconciliation.support import Txn, at, insert, payshack, vima
from tests.reconciliation.test_api import API, Caller, payload
from tests.support.auth import ensure_test_user, role_email

D = date(2026, 3, 10)
VPA = "9012345601@axl"
PHONE = "9000003341"
NAME = "Asha Rao"


def with_payer(txn: Txn) -> Any:
    return dataclasses.replace(
        txn.normalized(),
        user_id=VPA if txn.source == "payshack" else "acct-7",
        user_name=NAME,
        user_phone=PHONE,
        utr="UTR123456" if txn.source == "payshack" else None,
        fee=Decimal("1.25"),
    )


# One row of every kind the definition tells apart (keys name them).
DAY = [
    vima("MATCH", at(D, 8)), payshack("MATCH", at(D, 8)),
    vima("TIME", at(D, 9)), payshack("TIME", at(D, 10, 2, 26)),  # 3,746 s later
    vima("TIMEFAIL", at(D, 9), status="failed"),
    payshack("TIMEFAIL", at(D, 11), status="failed"),
    vima("AMTFAIL", at(D, 9), "90.00", "failed"), payshack("AMTFAIL", at(D, 9), "80.00", "failed"),
    vima("AMTPOS", at(D, 10), "150.00"), payshack("AMTPOS", at(D, 10), "100.00"),
    vima("AMTNEG", at(D, 10), "100.00"), payshack("AMTNEG", at(D, 10), "130.50"),
    vima("AMTPEND", at(D, 10), "20.00", "pending"),
    payshack("AMTPEND", at(D, 10), "10.00", "pending"),
    vima("MPSUCC", at(D, 11), "200.00"),
    vima("MPFAIL", at(D, 11), "300.00", "failed"),
    vima("MPPEND", at(D, 11), "104.00", "pending"),
    payshack("MVSUCC", at(D, 12), "75.00"),
    payshack("MVFAIL", at(D, 12), "500.00", "failed"),
    vima("STV", at(D, 13), "100.00"), payshack("STV", at(D, 13), "100.00", "failed"),
    vima("STP", at(D, 13), "61.00", "failed"), payshack("STP", at(D, 13), "60.00"),
    vima("STNONE", at(D, 13), status="failed"), payshack("STNONE", at(D, 13), status="refunded"),
    vima("STPEND", at(D, 13), "40.00"), payshack("STPEND", at(D, 13), "40.00", "pending"),
    vima("DUP", at(D, 14), "55.00"), vima("DUP", at(D, 14, 5), "55.00"),
    payshack("DUP", at(D, 14), "55.00"),
]  # fmt: skip


def brute_force(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """docs/reconciliation.md, "Money at risk", read row by row."""
    by_type = dict.fromkeys(("amount", "missing_vima", "missing_payshack", "status"), Decimal(0))
    awaiting = [0, Decimal(0)]
    open_count = 0
    for r in rows:
        if r["resolution"] == "resolved":
            continue
        open_count += 1
        kind, vs, ps = r["type"], r["vima_status"], r["payshack_status"]
        if kind not in by_type:
            continue  # time-only, duplicate
        if "pending" in (vs, ps):
            awaiting[0] += 1
            awaiting[1] += (
                r["vima_amount"] if r["vima_amount"] is not None else r["payshack_amount"]
            )
            continue
        if kind == "amount" and "success" in (vs, ps):
            by_type[kind] += abs(r["vima_amount"] - r["payshack_amount"])
        elif kind == "status" and vs == "success":
            by_type[kind] += r["vima_amount"]
        elif kind == "status" and ps == "success":
            by_type[kind] += r["payshack_amount"]
        elif kind == "missing_payshack" and vs == "success":
            by_type[kind] += r["vima_amount"]
        elif kind == "missing_vima" and ps == "success":
            by_type[kind] += r["payshack_amount"]
    return {
        "total": sum(by_type.values(), Decimal(0)),
        "by_type": by_type,
        "awaiting": {"count": awaiting[0], "amount": awaiting[1]},
        "open_count": open_count,
    }


@pytest.fixture
async def wb(rt: Runtime, client: AsyncClient) -> AsyncIterator[Caller]:
    app_runtime: Runtime = client._transport.app.state.runtime  # type: ignore[attr-defined]
    original, app_runtime.settings = app_runtime.settings, rt.settings
    await insert(rt, [with_payer(t) for t in DAY])
    yield Caller(client, rt)
    app_runtime.settings = original


async def run_d(api: Caller) -> str:
    ran = payload(await api.post("/reconciliation/run", {"date": D.isoformat()}))["data"]
    assert ran["status"] == "completed"
    return str(ran["run_id"])


async def rows_by_key(api: Caller, role: str = "viewer", **params: Any) -> dict[str, Any]:
    body = payload(await api.get("/reconciliation/discrepancies", role, limit=100, **params))
    return {r["client_operation_id"]: r for r in body["data"]}


async def summary(api: Caller, day: date = D) -> dict[str, Any]:
    data: dict[str, Any] = payload(await api.get("/reconciliation/summary", date=day.isoformat()))[
        "data"
    ]
    return data


def money(value: str) -> Decimal:
    return Decimal(value)


# ---------------------------------------------------------------- money at risk


async def test_money_at_risk_equals_a_brute_force_reading_of_the_definition(wb: Caller) -> None:
    await run_d(wb)
    rows = await rows_by_key(wb)
    assert set(rows) == {
        "TIME", "TIMEFAIL", "AMTFAIL", "AMTPOS", "AMTNEG", "AMTPEND", "MPSUCC", "MPFAIL",
        "MPPEND", "MVSUCC", "MVFAIL", "STV", "STP", "STNONE", "STPEND", "DUP",
    }  # fmt: skip
    # A resolved row leaves the money; an acknowledged one stays in it.
    resolved = await wb.post(
        f"/reconciliation/discrepancies/{rows['STV']['id']}/resolve", {"resolution": "resolved"}
    )
    assert resolved.status_code == 200, resolved.text
    acked = await wb.post(
        f"/reconciliation/discrepancies/{rows['MVSUCC']['id']}/resolve",
        {"resolution": "acknowledged"},
    )
    assert acked.status_code == 200, acked.text
    rows = await rows_by_key(wb)
    stv = payload(await wb.get(f"/reconciliation/discrepancies/{rows['STV']['id']}"))["data"]
    assert [(h["action"], h["by"], h["resolution"]) for h in stv["history"]] == [
        ("resolve", role_email("analyst"), "resolved")
    ]
    risk = (await summary(wb))["money_at_risk"]
    expected = brute_force(list(rows.values()))
    assert risk["total"] == expected["total"]
    assert risk["by_type"] == expected["by_type"]
    assert risk["awaiting"] == expected["awaiting"]
    assert risk["open_count"] == expected["open_count"] == 15
    # The same figures by hand: |150−100| + |100−130.50|; 200 (MPSUCC); 75 (MVSUCC,
    # acknowledged); 60 (STP: PayShack's success, not Vima's 61); STV resolved.
    assert risk["by_type"] == {
        "amount": money("80.50"), "missing_vima": money("75.00"),
        "missing_payshack": money("200.00"), "status": money("60.00"),
    }  # fmt: skip
    assert risk["total"] == money("415.50")
    # AMTPEND (Vima's 20), MPPEND 104, STPEND 40: pending, not at risk.
    assert risk["awaiting"] == {"count": 3, "amount": money("164.00")}
    assert "time-only" in risk["definition"]
    # All first seen just now.
    assert risk["age_buckets"]["lt_1d"] == {"count": 15, "amount": money("415.50")}
    assert risk["age_buckets"]["gt_3d"] == {"count": 0, "amount": money("0.00")}


async def test_age_buckets_and_age_filter_follow_first_sighting(wb: Caller) -> None:
    await run_d(wb)
    now = datetime.now(UTC)
    async with wb.runtime.engine.begin() as conn:
        for key, age in (("AMTPOS", timedelta(days=2)), ("MPSUCC", timedelta(days=5))):
            await conn.execute(
                text(
                    "UPDATE reconciliation_results SET first_seen_at = :t "
                    "WHERE client_operation_id = :k"
                ),
                {"t": now - age, "k": key},
            )
    buckets = (await summary(wb))["money_at_risk"]["age_buckets"]
    assert buckets["d1_3"] == {"count": 1, "amount": money("50.00")}
    assert buckets["gt_3d"] == {"count": 1, "amount": money("200.00")}
    assert buckets["lt_1d"]["count"] == 14
    assert list(await rows_by_key(wb, age="d1_3")) == ["AMTPOS"]
    assert list(await rows_by_key(wb, age="gt_3d")) == ["MPSUCC"]
    assert len(await rows_by_key(wb, age="lt_1d")) == 14
    bad = await wb.get("/reconciliation/discrepancies", age="old")
    assert bad.status_code == 400


async def test_a_day_never_run_says_so_and_when_the_automatic_run_comes(wb: Caller) -> None:
    never = await summary(wb, date(2026, 3, 9))
    assert never["reconciled"] is False and never["run_id"] is None
    assert never["timezone"] == "UTC"
    assert never["money_at_risk"]["total"] == 0
    assert never["money_at_risk"]["by_type"]["amount"] == 0
    next_run = datetime.fromisoformat(never["next_run_at"])
    assert next_run > datetime.now(UTC) and (next_run.hour, next_run.minute) == (2, 0)
    assert next_run - datetime.now(UTC) <= timedelta(days=1)
    # 2026-03-10 02:00 has passed: no automatic run will reconcile 2026-03-09.
    assert never["day_auto_run_at"] is None
    today = datetime.now(UTC).date()
    ahead = await summary(wb, today)
    assert ahead["reconciled"] is False
    assert ahead["day_auto_run_at"] == f"{(today + timedelta(days=1)).isoformat()}T02:00:00Z"
    await run_d(wb)
    ran = await summary(wb)
    assert ran["reconciled"] is True and ran["next_run_at"] == never["next_run_at"]
    cached = await summary(wb)  # from the cache: the schedule fields are still there
    assert cached == ran


# ---------------------------------------------------------------- detail


async def test_detail_shows_both_sides_with_payer_data_masked_for_viewers(wb: Caller) -> None:
    await run_d(wb)
    rows = await rows_by_key(wb)
    analyst = payload(
        await wb.get(f"/reconciliation/discrepancies/{rows['TIME']['id']}", "analyst")
    )["data"]
    v, p = analyst["vima"], analyst["payshack"]
    assert v["original_status"] == "success" and p["original_status"] == "Success"
    assert analyst["time_gap_minutes"] == Decimal("62.43")  # 3,746 s
    assert analyst["amount_diff"] == 0
    assert (p["payer_vpa"], p["payer_name"], p["payer_phone"]) == (VPA, NAME, PHONE)
    assert v["payer_vpa"] is None and v["payer_name"] == NAME
    assert p["utr"] == "UTR123456" and p["fee"] == Decimal("1.25") and p["currency"] == "INR"
    assert v["amount"] == Decimal("100.00") and v["created_at"] == "2026-03-10T09:00:00Z"
    async with wb.runtime.engine.connect() as conn:
        ids = dict(
            (
                await conn.execute(
                    text("SELECT source, id FROM transactions WHERE client_operation_id = 'TIME'")
                )
            ).all()
        )
    assert v["transaction_id"] == str(ids["vima"]) and p["transaction_id"] == str(ids["payshack"])
    assert p["external_id"].startswith("p-")
    viewer = payload(await wb.get(f"/reconciliation/discrepancies/{rows['TIME']['id']}"))["data"]
    vp = viewer["payshack"]
    assert vp["payer_vpa"] == "90******01@axl"
    assert vp["payer_name"] == "A*** R***" and vp["payer_phone"] == "******3341"
    assert viewer["vima"]["payer_name"] == "A*** R***"
    # What /transactions shows a viewer for the same row.
    txn = payload(await wb.get(f"/transactions/{ids['payshack']}"))["data"]
    assert (txn["user_id"], txn["user_name"], txn["user_phone"]) == (
        vp["payer_vpa"], vp["payer_name"], vp["payer_phone"],
    )  # fmt: skip


async def test_detail_lists_a_duplicates_other_rows(wb: Caller) -> None:
    await run_d(wb)
    dup = (await rows_by_key(wb))["DUP"]
    detail = payload(await wb.get(f"/reconciliation/discrepancies/{dup['id']}"))["data"]
    assert detail["vima"]["created_at"] == "2026-03-10T14:00:00Z"
    assert [(d["side"], d["created_at"]) for d in detail["duplicates"]] == [
        ("vima", "2026-03-10T14:05:00Z")
    ]
    assert detail["time_gap_minutes"] is None
    plain = payload(
        await wb.get(f"/reconciliation/discrepancies/{(await rows_by_key(wb))['MPSUCC']['id']}")
    )["data"]
    assert plain["payshack"] is None and plain["duplicates"] == []
    assert plain["owner"] is None and plain["comments"] == [] and plain["history"] == []


# ---------------------------------------------------------------- acting


async def test_assign_comment_and_bulk_resolve_carry_over_a_rerun(wb: Caller) -> None:
    await run_d(wb)
    analyst_id = await ensure_test_user(wb.runtime, "analyst")
    rows = await rows_by_key(wb)
    amt = rows["AMTPOS"]["id"]
    assigned = await wb.post(
        f"/reconciliation/discrepancies/{amt}/assign", {"owner_id": str(analyst_id)}
    )
    assert payload(assigned)["data"]["owner"] == {
        "id": str(analyst_id),
        "email": role_email("analyst"),
    }
    commented = payload(
        await wb.post(
            f"/reconciliation/discrepancies/{amt}/comments",
            {"body": f"Payer {VPA} says charged twice"},
        )
    )["data"]
    assert [c["body"] for c in commented["comments"]] == [f"Payer {VPA} says charged twice"]
    bulk = await wb.post(
        "/reconciliation/discrepancies/resolve",
        {"ids": [amt, rows["AMTNEG"]["id"]], "resolution": "acknowledged", "note": "PSP ticket 42"},
    )
    assert payload(bulk)["data"] == {"updated": 2}

    await run_d(wb)  # a re-run: new rows, new ids
    after = await rows_by_key(wb)
    assert after["AMTPOS"]["id"] != amt
    mine = await rows_by_key(wb, "analyst", owner="me")
    assert list(mine) == ["AMTPOS"]
    assert list(await rows_by_key(wb, owner=str(analyst_id))) == ["AMTPOS"]
    assert "AMTPOS" not in await rows_by_key(wb, owner="none")
    assert len(await rows_by_key(wb, owner="none")) == 15
    assert mine["AMTPOS"]["owner"]["email"] == role_email("analyst")
    detail = payload(await wb.get(f"/reconciliation/discrepancies/{after['AMTPOS']['id']}"))["data"]
    assert (
        detail["resolution"] == "acknowledged" and after["AMTNEG"]["resolution"] == "acknowledged"
    )
    assert detail["owner"]["id"] == str(analyst_id)
    # A viewer reads the thread with the pasted VPA masked.
    assert [c["body"] for c in detail["comments"]] == ["Payer 90******01@axl says charged twice"]
    assert [(h["action"], h["by"], h["resolution"]) for h in detail["history"]] == [
        ("assign", role_email("analyst"), None),
        ("comment", role_email("analyst"), None),
        ("resolve", role_email("analyst"), "acknowledged"),
    ]
    assert detail["history"][0]["owner"]["id"] == str(analyst_id)
    assert detail["history"][2]["note"] == "PSP ticket 42"
    unassigned = await wb.post(
        f"/reconciliation/discrepancies/{after['AMTPOS']['id']}/assign", {"owner_id": None}
    )
    assert payload(unassigned)["data"]["owner"] is None
    async with wb.runtime.engine.connect() as conn:
        actions = (
            (
                await conn.execute(
                    text("SELECT action FROM audit_log WHERE action LIKE 'recon.%' ORDER BY id")
                )
            )
            .scalars()
            .all()
        )
    assert [a for a in actions if a != "recon.run"] == [
        "recon.assign",
        "recon.comment",
        "recon.resolve_bulk",
        "recon.assign",
    ]


async def test_bulk_resolve_is_all_or_nothing(wb: Caller) -> None:
    await run_d(wb)
    first = await rows_by_key(wb)
    await run_d(wb)
    current = await rows_by_key(wb)
    ids = [current["AMTPOS"]["id"], current["STP"]["id"]]

    async def resolutions() -> set[str]:
        return {r["resolution"] for r in (await rows_by_key(wb)).values()}

    stale = await wb.post(
        "/reconciliation/discrepancies/resolve",
        {"ids": [*ids, first["MPSUCC"]["id"]], "resolution": "resolved", "note": "x"},
    )
    assert stale.status_code == 409, stale.text
    assert stale.json()["error"]["details"]["ids"] == [first["MPSUCC"]["id"]]
    unknown = str(uuid.uuid4())
    missing = await wb.post(
        "/reconciliation/discrepancies/resolve",
        {"ids": [*ids, unknown], "resolution": "resolved"},
    )
    assert missing.status_code == 404 and missing.json()["error"]["details"]["ids"] == [unknown]
    too_many = await wb.post(
        "/reconciliation/discrepancies/resolve",
        {"ids": [str(uuid.uuid4()) for _ in range(501)], "resolution": "resolved"},
    )
    assert too_many.status_code == 400
    assert await resolutions() == {"open"}
    before = (await summary(wb))["money_at_risk"]["total"]
    ok = await wb.post(
        "/reconciliation/discrepancies/resolve",
        {"ids": [*ids, ids[0]], "resolution": "resolved", "note": "settled"},
    )
    assert payload(ok)["data"] == {"updated": 2}
    after = await rows_by_key(wb)
    assert after["AMTPOS"]["resolved_by"] == role_email("analyst")
    assert after["STP"]["note"] == "settled"
    # The summary's cache was dropped: 50 (AMTPOS) + 60 (STP) left the money.
    assert (await summary(wb))["money_at_risk"]["total"] == before - 110


async def test_viewers_read_analysts_act(wb: Caller) -> None:
    await run_d(wb)
    row = (await rows_by_key(wb))["AMTPOS"]["id"]
    viewer_id = await ensure_test_user(wb.runtime, "viewer")
    for path, body in (
        (f"/reconciliation/discrepancies/{row}/assign", {"owner_id": None}),
        (f"/reconciliation/discrepancies/{row}/comments", {"body": "hi"}),
        ("/reconciliation/discrepancies/resolve", {"ids": [row], "resolution": "resolved"}),
    ):
        refused = await wb.post(path, body, role="viewer")
        assert refused.status_code == 403, path
        assert (await wb.post(path, body, role="admin")).status_code == 200, path
    # An owner must be an active user.
    async with wb.runtime.engine.begin() as conn:
        await conn.execute(
            text("UPDATE users SET is_active = false WHERE id = :id"), {"id": viewer_id}
        )
    inactive = await wb.post(
        f"/reconciliation/discrepancies/{row}/assign", {"owner_id": str(viewer_id)}
    )
    assert (
        inactive.status_code == 400 and inactive.json()["error"]["details"]["field"] == "owner_id"
    )
    nobody = await wb.post(
        f"/reconciliation/discrepancies/{row}/assign", {"owner_id": str(uuid.uuid4())}
    )
    assert nobody.status_code == 400
    blank = await wb.post(f"/reconciliation/discrepancies/{row}/comments", {"body": "   "})
    assert blank.status_code == 400
    long = await wb.post(f"/reconciliation/discrepancies/{row}/comments", {"body": "x" * 2001})
    assert long.status_code == 400
    gone = await wb.post(f"/reconciliation/discrepancies/{uuid.uuid4()}/comments", {"body": "x"})
    assert gone.status_code == 404
    bad_owner = await wb.get("/reconciliation/discrepancies", "analyst", owner="someone")
    assert bad_owner.status_code == 400
    detail = payload(await wb.get(f"/reconciliation/discrepancies/{row}", "analyst"))["data"]
    comments = detail["comments"]
    assert [(c["author"], c["body"]) for c in comments] == [(role_email("admin"), "hi")]


async def test_acting_on_a_superseded_runs_row_is_refused(wb: Caller) -> None:
    await run_d(wb)
    old = (await rows_by_key(wb))["AMTPOS"]["id"]
    await run_d(wb)
    for path, body in (
        (f"/reconciliation/discrepancies/{old}/assign", {"owner_id": None}),
        (f"/reconciliation/discrepancies/{old}/comments", {"body": "late"}),
    ):
        refused = await wb.post(path, body)
        assert refused.status_code == 409, path
        assert refused.json()["error"]["details"]["reason"] == "superseded_run"


async def test_openapi_describes_the_workbench(wb: Caller) -> None:
    doc = wb.client._transport.app.openapi()  # type: ignore[attr-defined]
    paths = doc["paths"]
    assert f"{API}/reconciliation/discrepancies/resolve" in paths
    assert f"{API}/reconciliation/discrepancies/{{discrepancy_id}}/assign" in paths
    assert f"{API}/reconciliation/discrepancies/{{discrepancy_id}}/comments" in paths
    detail = doc["components"]["schemas"]["DiscrepancyDetail"]["properties"]
    assert {"vima", "payshack", "duplicates", "time_gap_minutes", "owner", "comments"} <= set(
        detail
    )
    risk = doc["components"]["schemas"]["MoneyAtRisk"]["properties"]
    assert {"awaiting", "age_buckets", "definition"} <= set(risk)
    assert json.dumps(doc)  # serializable
