"""Truth's reconciliation for hand-made tiny worlds: one case per rule of
reconciliation.md, at and beyond each tolerance."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from psp_dashboard.sandbox import (
    HandmadePayment,
    PayShackSpec,
    ReconParams,
    SandboxConfig,
    VimaSpec,
    World,
    WorldConfig,
    sandbox_thread,
)
from psp_dashboard.sandbox.recon_rules import ReconRow
from psp_dashboard.sandbox.truth import expected_reconciliation

D = date(2026, 3, 10)
NEXT = D + timedelta(days=1)


def at(hour: int, minute: int = 0, second: int = 0, day: date = D) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)


def pay(
    key: str | None,
    v: datetime | None = None,
    p: datetime | None = None,
    *,
    v_amount: str = "100.00",
    p_amount: str | None = None,
    v_status: str = "success",
    p_status: str = "Success",
    paid: str | None = None,
    key_mode: str = "field",
) -> HandmadePayment:
    vima = None if v is None else VimaSpec(v, Decimal(v_amount), v_status, key_mode=key_mode)  # type: ignore[arg-type]
    payshack = None
    if p is not None:
        payshack = PayShackSpec(
            p,
            Decimal(p_amount or v_amount),
            p_status,
            paid_amount="auto" if paid is None else Decimal(paid),
        )
    return HandmadePayment(key, vima, payshack)


def world(*payments: HandmadePayment) -> World:
    return World(WorldConfig(start=D, days=1, per_day=0), handmade=payments)


def recon(w: World, day: date = D, **params: object) -> list[ReconRow]:
    return expected_reconciliation(w, day, replace(ReconParams(), **params))  # type: ignore[arg-type]


def only(rows: list[ReconRow]) -> ReconRow:
    assert len(rows) == 1, rows
    return rows[0]


CASES = [
    ("matched", [pay("101", at(10), at(10, 0, 30))], "matched", None),
    (
        "duplicate_vima",
        [pay("102", at(10), at(10, 1)), pay("102", at(10, 5))],
        "discrepancy",
        "duplicate",
    ),
    (
        "duplicate_payshack",
        [pay("103", at(10), at(10, 1)), pay("103", p=at(10, 2))],
        "discrepancy",
        "duplicate",
    ),
    ("missing_payshack", [pay("104", at(10))], "missing_payshack", "missing"),
    ("missing_vima", [pay("105", p=at(10))], "missing_vima", "missing"),
    ("status", [pay("106", at(10), at(10, 1), p_status="Failed")], "discrepancy", "status"),
    (
        "status_refund",
        [pay("107", at(10), at(10, 1), p_status="Cb_Refunded")],
        "discrepancy",
        "status",
    ),
    ("amount", [pay("108", at(10), at(10, 1), p_amount="100.01")], "discrepancy", "amount"),
    ("paid_amount", [pay("109", at(10), at(10, 1), paid="99.50")], "discrepancy", "amount"),
    ("time", [pay("110", at(10), at(10, 30, 1))], "discrepancy", "time"),
    ("time_at_tolerance", [pay("111", at(10), at(10, 30))], "matched", None),
    ("key_only_in_c_id", [pay("112", at(10), at(10, 1), key_mode="c_id_only")], "matched", None),
    (
        "pending_both",
        [pay("113", at(10), at(10, 1), v_status="in_process", p_status="INITIATED")],
        "matched",
        None,
    ),
]


@pytest.mark.parametrize(("name", "payments", "status", "kind"), CASES, ids=[c[0] for c in CASES])
def test_one_rule_per_world(
    name: str, payments: list[HandmadePayment], status: str, kind: str | None
) -> None:
    row = only(recon(world(*payments)))
    assert (row.match_status, row.discrepancy_type) == (status, kind)
    assert len(row.vima_ids) == sum(p.vima is not None for p in payments)
    assert len(row.payshack_ids) == sum(p.payshack is not None for p in payments)


def test_vima_row_without_key_is_missing_payshack_no_key() -> None:
    row = only(recon(world(pay(None, at(10)))))
    assert (row.match_status, row.discrepancy_type, row.key) == (
        "missing_payshack",
        "missing",
        None,
    )
    assert row.details["reason"] == "no_key"


def test_amount_at_tolerance_matches_and_beyond_it_differs() -> None:
    w = world(
        pay("201", at(10), at(10, 1), p_amount="99.50"),
        pay("202", at(11), at(11, 1), p_amount="99.49"),
    )
    rows = {r.key: r for r in recon(w, amount_tolerance=Decimal("0.50"))}
    assert rows["201"].match_status == "matched" and rows["201"].amount_diff is None
    assert rows["202"].discrepancy_type == "amount"
    assert rows["202"].amount_diff == Decimal("0.51")  # vima − payshack


def test_first_rule_wins_and_every_difference_is_listed() -> None:
    row = only(recon(world(pay("301", at(10), at(11), p_status="Failed", p_amount="90.00"))))
    assert row.discrepancy_type == "status"
    assert row.details["differences"] == ["status", "amount", "time"]
    assert row.amount_diff is None
    assert (row.vima_status, row.payshack_status) == ("success", "failed")


def test_cross_midnight_inside_grace_is_one_match_on_the_vima_day() -> None:
    w = world(pay("401", at(23, 59), at(0, 1, day=NEXT)))
    row = only(recon(w, D))
    assert row.match_status == "matched" and len(row.payshack_ids) == 1
    assert recon(w, NEXT) == []


def test_cross_midnight_outside_grace_is_missing_on_both_days() -> None:
    w = world(pay("402", at(23), at(2, 30, day=NEXT)))
    assert only(recon(w, D)).match_status == "missing_payshack"
    assert only(recon(w, NEXT)).match_status == "missing_vima"
    # With a longer grace window the same pair is found (and is then a time discrepancy).
    assert only(recon(w, D, grace_minutes=240)).discrepancy_type == "time"
    assert recon(w, NEXT, grace_minutes=240) == []


def test_timezone_moves_the_day_boundary() -> None:
    w = world(pay("501", at(20), at(20, 1)))  # 01:30 IST on the next day
    assert [r.key for r in recon(w, D, timezone="Asia/Kolkata")] == []
    assert [r.key for r in recon(w, NEXT, timezone="Asia/Kolkata")] == ["501"]


def test_bad_records_are_left_out() -> None:
    bad = HandmadePayment(
        "601",
        VimaSpec(at(10), Decimal("100"), bad="unparseable_date"),
        PayShackSpec(at(10, 1), Decimal("100")),
    )
    assert only(recon(world(bad))).match_status == "missing_vima"


def test_admin_endpoint_states_the_same_truth(http: httpx.Client) -> None:
    w = world(pay("701", at(10), at(10, 1)), pay("702", at(11), at(11, 45)), pay(None, at(12)))
    with sandbox_thread(SandboxConfig(), world=w) as sb:
        body = http.get(
            sb.vima_origin + "/_sandbox/truth/reconciliation", params={"date": D.isoformat()}
        ).json()
    assert body["rows"] == [r.as_json() for r in recon(w)]
    assert body["summary"]["total_transactions"] == 3
    assert body["summary"]["by_match_status"] == {
        "matched": 1,
        "discrepancy": 1,
        "missing_payshack": 1,
    }


PREV = D - timedelta(days=1)
# Rule 1 within the window (issue #20): duplicates straddling a midnight, as the truth
# states them on both days. (name, payments, kinds on PREV, on D, on NEXT, rows listed.)
CROSS_MIDNIGHT_DUPLICATES = [
    (
        "two_operations_one_payin",
        [pay("801", at(23, 30, day=PREV)), pay("801", at(0, 30), at(0, 10))],
        ["duplicate"], ["duplicate"], [], 3,
    ),
    (
        "two_payins_no_operation",
        [pay("802", p=at(23, 30)), pay("802", p=at(0, 30, day=NEXT))],
        [], ["duplicate"], ["duplicate"], 2,
    ),
    (
        "two_payins_one_operation_after_midnight",
        [pay("803", p=at(23, 30, day=PREV)), pay("803", at(0, 10), at(0, 30))],
        [], ["duplicate"], [], 3,
    ),
    (
        "two_operations_no_payin",
        [pay("804", at(23, 30)), pay("804", at(0, 30, day=NEXT))],
        [], ["duplicate"], ["duplicate"], 2,
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "payments", "on_prev", "on_day", "on_next", "listed"),
    CROSS_MIDNIGHT_DUPLICATES,
    ids=[c[0] for c in CROSS_MIDNIGHT_DUPLICATES],
)
def test_duplicates_across_midnight_are_duplicates_on_each_reporting_day(
    name: str,
    payments: list[HandmadePayment],
    on_prev: list[str],
    on_day: list[str],
    on_next: list[str],
    listed: int,
) -> None:
    w = World(WorldConfig(start=PREV, days=3, per_day=0), handmade=payments)
    for day, kinds in ((PREV, on_prev), (D, on_day), (NEXT, on_next)):
        rows = recon(w, day)
        assert [r.discrepancy_type for r in rows] == kinds, (day, rows)
        for row in rows:  # every row of the key within the day's window is listed
            assert len(row.vima_ids) + len(row.payshack_ids) == listed
