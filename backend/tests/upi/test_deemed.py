"""Deemed (stuck) UPI pay-ins: counted apart from the fresh pendings in the overview, by
the setting and the request's clock, exactly; the list's flag and the row's `upi`."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from psp_dashboard.sync.records import NormalizedTransaction
from tests.api.conftest import Api
from tests.api.factory import load, make_transaction
from tests.support.runtime import runtime_with

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
DAY = {"from_date": "2026-06-10", "to_date": "2026-06-10"}


def rows() -> list[NormalizedTransaction]:
    """Pendings of every kind at known ages, plus noise, with 4-decimal amounts."""
    rng = random.Random(17)
    out: list[NormalizedTransaction] = []

    def add(source: str, minutes_old: int, status: str = "pending", **kw: Any) -> None:
        n = len(out) + 1
        fields = {"project": "mncl_m5", "payment_product": None, **kw}
        row = make_transaction(rng, n, NOW - timedelta(minutes=minutes_old), source=source,
                               source_id=f"{source}-{n}", status=status, **fields)  # fmt: skip
        out.append(row)

    for minutes in (5, 29, 31, 45, 180, 600):
        add("payshack", minutes, payment_method="UPI_INTENT")  # PayShack: always UPI
        add("vima", minutes, payment_method="apm")  # not UPI: never deemed
        add("vima", minutes, payment_method="upi")  # a Vima pay-in by UPI
    add("payshack", 90, status="success")
    add("payshack", 90, status="failed")
    # A 91game pair, both pending 40 minutes: one payment (the Vima record counts).
    add("vima", 40, payment_method="UPI", project="91game", client_operation_id="k-1")
    add("payshack", 40, project="91game", order_id="k-1", payment_method="UPI_INTENT")
    return [replace(r, amount=Decimal(1000 + i) + Decimal("0.0101")) for i, r in enumerate(out)]


def expected(data: list[NormalizedTransaction], minutes: int) -> tuple[int, Decimal, int, Decimal]:
    """Brute force of docs/upi.md: (deemed count, amount, fresh pending count, amount),
    in payments (the pair's PayShack counterpart left out)."""
    cut = NOW - timedelta(minutes=minutes)
    payments = [r for r in data if not (r.source == "payshack" and r.project == "91game")]
    pending = [r for r in payments if r.status == "pending"]

    def upi(r: NormalizedTransaction) -> bool:
        return r.source == "payshack" or "upi" in (r.payment_method or "").lower()

    deemed = [r for r in pending if upi(r) and r.created_at < cut]
    fresh = [r for r in pending if r not in deemed]
    return (len(deemed), sum((r.amount for r in deemed), Decimal(0)),
            len(fresh), sum((r.amount for r in fresh), Decimal(0)))  # fmt: skip


def figures(body: dict[str, Any]) -> tuple[int, Decimal, int, Decimal]:
    return (body["deemed_count"], body["deemed_amount"],
            body["pending_fresh_count"], body["pending_fresh_amount"])  # fmt: skip


async def test_overview_counts_deemed_apart_and_the_setting_moves_them(
    frozen: tuple[Api, list[datetime]],
) -> None:
    api, clock = frozen
    data = rows()
    await load(api.runtime, data)
    clock.append(NOW)
    body = await api.data("/metrics/overview", **DAY)
    assert figures(body) == expected(data, 30)
    # By hand: PayShack and Vima-by-UPI at 31, 45, 180 and 600 minutes, and the pair.
    assert body["deemed_count"] == 9
    assert (
        body["deemed_count"] + body["pending_fresh_count"]
        == (body["payments"]["by_status"]["pending"]["count"])
    )
    assert body["deemed_before"] == "2026-06-10T11:30:00Z"
    with runtime_with(api.runtime, settings={"upi_deemed_after_minutes": 60}):
        later = await api.data("/metrics/overview", **DAY)
    assert figures(later) == expected(data, 60)
    assert later["deemed_count"] < body["deemed_count"]
    # 26 minutes on, the UPI pendings of 5 and 29 minutes are past 30 too (2 + 2).
    clock.append(NOW + timedelta(minutes=26))
    assert (await api.data("/metrics/overview", **DAY))["deemed_count"] == 13


async def test_list_flag_and_row_flags_agree_with_the_definition(
    frozen: tuple[Api, list[datetime]],
) -> None:
    api, clock = frozen
    data = rows()
    await load(api.runtime, data)
    clock.append(NOW)
    cut = NOW - timedelta(minutes=30)
    want = {
        r.source_id
        for r in data
        if r.status == "pending"
        and (r.source == "payshack" or "upi" in (r.payment_method or "").lower())
        and r.created_at < cut
    }
    flagged = await api.data("/transactions", flag="deemed", limit=100)
    assert {r["source_id"] for r in flagged} == want
    assert all(r["upi"]["deemed"] for r in flagged)
    everything = await api.data("/transactions", limit=100)
    assert {r["source_id"] for r in everything if r["upi"]["deemed"]} == want
    response = await api.get("/transactions", flag="deemed", limit=100)
    assert response.json()["meta"]["total"] == len(want)
