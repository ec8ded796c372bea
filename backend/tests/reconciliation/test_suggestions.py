"""Suggested matches: injected near-misses each come first with their reason; a clean
day has none; confirm resolves the pair (and survives a re-run), dismiss hides it; a
pair split across days outside the window is linked and counted once in money at risk."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from tests.reconciliation.support import Txn, at, insert, payshack, vima
from tests.reconciliation.test_api import Caller, payload

D = date(2026, 12, 3)
D2 = D + timedelta(days=1)
CLEAN = date(2026, 12, 1)


def with_utr(txn: Txn, utr: str) -> Any:
    return dataclasses.replace(txn.normalized(), utr=utr)


ROWS = [
    vima("A1", at(D, 1), "101.00"), payshack("A1\u00a0", at(D, 1, 5), "101.00"),  # no-break space
    vima("000777", at(D, 3), "102.00"), payshack("777", at(D, 3, 2), "102.00"),  # leading zeros
    vima("C1", at(D, 5), "103.00"), payshack("C1", at(D, 5), "103.00", project="monetix"),
    with_utr(vima("D1", at(D, 7), "104.00"), "UTR-424242"),
    with_utr(payshack("D1-X", at(D, 7, 50), "99.00"), "UTR-424242"),  # same UTR
    vima("LONE", at(D, 12), "105.00"),
    # An ASCII space around a key: the rules already trim it, so this pair matches.
    vima("S1", at(D, 14), "106.00"), payshack("S1 ", at(D, 14), "106.00"),
    # Seen in production: 23:42 and 02:32 next day, 2 h 50 min apart, G = 2 h.
    vima("E1", at(D, 23, 42), "250.00"), payshack("E1", at(D2, 2, 32), "250.00"),
    vima("OK", at(CLEAN, 9), "10.00"), payshack("OK", at(CLEAN, 9), "10.00"),
]  # fmt: skip


@pytest.fixture
async def api(rt: Runtime, client: AsyncClient) -> AsyncIterator[Caller]:
    app_runtime: Runtime = client._transport.app.state.runtime  # type: ignore[attr-defined]
    original, app_runtime.settings = app_runtime.settings, rt.settings
    await insert(rt, ROWS)
    yield Caller(client, rt)
    app_runtime.settings = original


async def run(api: Caller, day: date) -> dict[str, Any]:
    ran: dict[str, Any] = payload(await api.post("/reconciliation/run", {"date": day.isoformat()}))[
        "data"
    ]
    assert ran["status"] == "completed"
    return ran


async def rows(api: Caller, day: date) -> dict[str, dict[str, Any]]:
    body = payload(
        await api.get(
            "/reconciliation/discrepancies", from_date=day.isoformat(), to_date=day.isoformat(),
            limit=100,
        )
    )  # fmt: skip
    return {str(r["client_operation_id"]): r for r in body["data"]}


async def suggestions(api: Caller, row_id: str) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = payload(
        await api.get(f"/reconciliation/discrepancies/{row_id}/suggestions")
    )["data"]["items"]
    return got


async def test_each_near_miss_is_the_top_suggestion_with_its_reason(api: Caller) -> None:
    await run(api, D)
    day = await rows(api, D)
    expected = {
        "A1": ("normalized_key", "A1\u00a0"),
        "000777": ("normalized_key", "777"),
        "C1": ("other_project", "C1"),
        "D1": ("same_utr", "D1-X"),
        "E1": ("outside_window", "E1"),
    }
    for key, (reason, their_key) in expected.items():
        row = day[key]
        assert row["type"] == "missing_payshack", key
        items = await suggestions(api, row["id"])
        assert items, key
        top = items[0]
        assert (top["reason"], top["transaction"]["order_id"], top["rank"]) == (
            reason, their_key, 1,
        ), key  # fmt: skip
        assert top["side"] == "payshack" and top["reason_text"]
    e1 = (await suggestions(api, day["E1"]["id"]))[0]
    assert e1["reason_text"] == "The counterpart is 2 h 50 min later, outside the 2 h window"
    # The PayShack side of a near-miss sees the Vima row the same way.
    other_side = await rows(api, D)
    assert (await suggestions(api, other_side["777"]["id"]))[0]["transaction"][
        "client_operation_id"
    ] == "000777"
    assert await suggestions(api, day["LONE"]["id"]) == []
    assert "S1" not in day and "S1 " not in day


async def test_a_clean_day_has_nothing_to_suggest(api: Caller) -> None:
    ran = await run(api, CLEAN)
    assert ran["summary"]["missing"]["count"] == 0
    assert await rows(api, CLEAN) == {}


async def test_confirm_resolves_the_pair_and_survives_a_rerun(api: Caller) -> None:
    await run(api, D)
    day = await rows(api, D)
    top = (await suggestions(api, day["000777"]["id"]))[0]
    refused = await api.post(f"/reconciliation/suggestions/{top['id']}/confirm", {"note": "x"},
                             "viewer")  # fmt: skip
    assert refused.status_code == 403
    blank = await api.post(f"/reconciliation/suggestions/{top['id']}/confirm", {"note": " "})
    assert blank.status_code == 400
    done = payload(
        await api.post(
            f"/reconciliation/suggestions/{top['id']}/confirm", {"note": "zero-padded by the PSP"}
        )
    )["data"]
    assert done["resolution"] == "resolved"
    assert done["note"] == "Matched by hand: zero-padded by the PSP"
    assert done["matched_by_hand"]["transaction_id"] == top["transaction"]["id"]
    day = await rows(api, D)
    assert day["000777"]["resolution"] == day["777"]["resolution"] == "resolved"
    await run(api, D)  # a re-run: the classification stays, the resolution carries over
    again = await rows(api, D)
    assert again["000777"]["type"] == "missing_payshack"
    assert again["000777"]["resolution"] == again["777"]["resolution"] == "resolved"
    assert (await suggestions(api, again["000777"]["id"]))[0]["status"] == "confirmed"
    async with api.runtime.engine.connect() as conn:
        audited = (
            await conn.execute(
                text("SELECT count(*) FROM audit_log WHERE action = 'recon.suggestion_confirm'")
            )
        ).scalar_one()
    assert audited == 1


async def test_a_dismissed_suggestion_is_never_suggested_again(api: Caller) -> None:
    await run(api, D)
    day = await rows(api, D)
    top = (await suggestions(api, day["C1"]["id"]))[0]
    gone = await api.post(f"/reconciliation/suggestions/{top['id']}/dismiss", {})
    assert gone.status_code == 204
    assert all(s["id"] != top["id"] for s in await suggestions(api, day["C1"]["id"]))
    await run(api, D)
    again = await rows(api, D)
    assert all(s["id"] != top["id"] for s in await suggestions(api, again["C1"]["id"]))
    assert again["C1"]["type"] == "missing_payshack"  # the rules stay the judge
    async with api.runtime.engine.connect() as conn:
        audited = (
            await conn.execute(
                text("SELECT count(*) FROM audit_log WHERE action = 'recon.suggestion_dismiss'")
            )
        ).scalar_one()
    assert audited == 1
    refused = await api.post(f"/reconciliation/suggestions/{top['id']}/dismiss", {}, "viewer")
    assert refused.status_code == 403


async def test_a_cross_window_pair_is_linked_and_counted_once(api: Caller) -> None:
    await run(api, D)
    await run(api, D2)
    first, second = (await rows(api, D))["E1"], (await rows(api, D2))["E1"]
    assert first["type"] == "missing_payshack" and second["type"] == "missing_vima"
    assert first["counterpart"]["offset_text"] == (
        "the counterpart is 2 h 50 min later, outside the 2 h window"
    )
    assert first["counterpart"]["transaction_id"] == second["payshack_txn_id"]
    assert second["counterpart"]["offset_text"].startswith("the counterpart is 2 h 50 min earlier")
    s1 = payload(await api.get("/reconciliation/summary", date=D.isoformat()))["data"]
    s2 = payload(await api.get("/reconciliation/summary", date=D2.isoformat()))["data"]
    assert Decimal(s1["money_at_risk"]["by_type"]["missing_payshack"]) >= Decimal("250.00")
    # D2's only row is the later half of the pair: counted on D, not again.
    assert Decimal(s2["money_at_risk"]["total"]) == 0
    assert s2["money_at_risk"]["open_count"] == 1
