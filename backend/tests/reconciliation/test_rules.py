"""One case per rule of reconciliation.md and per boundary, run through the engine.

Each case stores rows, runs the day, and states every result row (key, match_status,
discrepancy_type); the rows are also checked against the sandbox's independent reading
of the rules (sandbox/recon_rules.py), key by key.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.config import ReconParams
from psp_dashboard.sandbox.recon_rules import reconcile_day
from psp_dashboard.sandbox.truth_records import TruthRecord
from psp_dashboard.sync.connectors.vima.normalize import normalize_vima
from tests.reconciliation.support import (
    STATUSES,
    Txn,
    at,
    brief,
    comparable,
    insert,
    payshack,
    run,
    vima,
    with_settings,
)

D = date(2026, 3, 10)
NEXT = D + timedelta(days=1)
PREV = D - timedelta(days=1)

Expected = list[tuple[str | None, str, str | None]]


def _truth(rows: list[Txn], stored: dict[str, str], day: date, rt: Runtime) -> list[Any]:
    s = rt.settings
    params = ReconParams(
        timezone=s.recon_timezone,
        grace_minutes=s.recon_grace_minutes,
        amount_tolerance=s.recon_amount_tolerance,
        time_tolerance_minutes=s.recon_time_tolerance_minutes,
        projects=tuple(s.recon_projects),
    )
    records = [
        TruthRecord(
            source=r.source,  # type: ignore[arg-type]
            source_id=stored[id(r)],  # type: ignore[index]
            key=(r.key or "").strip() or None,
            project=r.project,
            created_at=r.at,
            amount=Decimal(r.amount),
            status=r.status,  # type: ignore[arg-type]
            original_status=r.status,
            entry=i,
        )
        for i, r in enumerate(rows)
    ]
    return reconcile_day(
        day,
        [t for t in records if t.source == "vima"],
        [t for t in records if t.source == "payshack"],
        params,
    )


async def classify(rt: Runtime, rows: list[Txn], day: date = D) -> Expected:
    """Store the rows, reconcile `day`; the result rows, checked against the truth."""
    normalized = [r.normalized() for r in rows]
    stored = {id(r): n.source_id for r, n in zip(rows, normalized, strict=True)}
    await insert(rt, normalized)
    outcome = await run(rt, day)
    got = await comparable(rt, outcome.run_id)
    assert brief(got) == brief(_truth(rows, stored, day, rt))  # type: ignore[arg-type]
    total = outcome.summary["total_transactions"] if outcome.summary else None
    assert total == len(got)
    return [(r.key, r.match_status, r.discrepancy_type) for r in got]


CASES: dict[str, tuple[dict[str, Any], list[Txn], Expected]] = {
    "pair_matches": (
        {},
        [vima("K", at(D, 10)), payshack("K", at(D, 10, 0, 12))],
        [("K", "matched", None)],
    ),
    "amount_exactly_at_tolerance_matches": (
        {"recon_amount_tolerance": Decimal("0.50")},
        [vima("K", at(D, 10), "100.00"), payshack("K", at(D, 10), "99.50")],
        [("K", "matched", None)],
    ),
    "amount_just_above_tolerance": (
        {"recon_amount_tolerance": Decimal("0.50")},
        [vima("K", at(D, 10), "100.00"), payshack("K", at(D, 10), "99.49")],
        [("K", "discrepancy", "amount")],
    ),
    "amount_one_paisa_at_zero_tolerance": (
        {},
        [vima("K", at(D, 10), "100.00"), payshack("K", at(D, 10), "100.01")],
        [("K", "discrepancy", "amount")],
    ),
    "time_exactly_at_tolerance_matches": (
        {},
        [vima("K", at(D, 10)), payshack("K", at(D, 10, 30))],
        [("K", "matched", None)],
    ),
    "time_a_second_above_tolerance": (
        {},
        [vima("K", at(D, 10)), payshack("K", at(D, 9, 29, 59))],
        [("K", "discrepancy", "time")],
    ),
    "cross_midnight_inside_grace_matched_on_vima_day": (
        {},
        [vima("K", at(D, 23, 59)), payshack("K", at(NEXT, 0, 1))],
        [("K", "matched", None)],
    ),
    "grace_edge_is_inside": (
        {"recon_time_tolerance_minutes": 1000},
        [vima("K", at(D, 23)), payshack("K", at(NEXT, 2))],
        [("K", "matched", None)],
    ),
    "cross_midnight_outside_grace_missing_on_vima_day": (
        {},
        [vima("K", at(D, 23, 50)), payshack("K", at(NEXT, 2, 0, 1))],
        [("K", "missing_payshack", "missing")],
    ),
    "payshack_before_grace_is_missing_vima_on_its_day": (
        {},
        [payshack("K", at(D, 21, 59, 59)), vima("K", at(NEXT, 0, 5))],
        [("K", "missing_vima", "missing")],
    ),
    "payshack_of_day_paired_with_next_day_vima_is_not_reported": (
        {},
        [payshack("K", at(D, 23, 0)), vima("K", at(NEXT, 9, 0))],
        [],
    ),
    "payshack_of_day_paired_with_previous_day_vima_is_not_reported": (
        {},
        [vima("K", at(PREV, 12, 0)), payshack("K", at(D, 1, 30))],
        [],
    ),
    "duplicate_vima": (
        {},
        [vima("K", at(D, 10)), vima("K", at(D, 11)), payshack("K", at(D, 10))],
        [("K", "discrepancy", "duplicate")],
    ),
    "duplicate_payshack_across_midnight_in_window": (
        {},
        [vima("K", at(D, 23)), payshack("K", at(D, 23)), payshack("K", at(NEXT, 1))],
        [("K", "discrepancy", "duplicate")],
    ),
    "duplicate_payshack_without_vima": (
        {},
        [payshack("K", at(D, 10)), payshack("K", at(D, 12))],
        [("K", "discrepancy", "duplicate")],
    ),
    "duplicate_vima_without_payshack": (
        {},
        [vima("K", at(D, 10)), vima("K", at(D, 12))],
        [("K", "discrepancy", "duplicate")],
    ),
    # Rule 1 counts a key's rows within the window, whatever day they are on (issue #20):
    # two operations of one key either side of a midnight are a duplicate on both days,
    # never a pair on each day that counts one pay-in as matched twice.
    "vima_duplicate_across_midnight_on_the_first_day": (
        {},
        [vima("K", at(D, 23, 30)), vima("K", at(NEXT, 0, 30)), payshack("K", at(NEXT, 0, 10))],
        [("K", "discrepancy", "duplicate")],
    ),
    "vima_duplicate_across_midnight_on_the_second_day": (
        {},
        [vima("K", at(PREV, 23, 30)), vima("K", at(D, 0, 30)), payshack("K", at(D, 0, 10))],
        [("K", "discrepancy", "duplicate")],
    ),
    "vima_duplicate_across_midnight_without_payshack": (
        {},
        [vima("K", at(D, 23, 30)), vima("K", at(NEXT, 0, 30))],
        [("K", "discrepancy", "duplicate")],
    ),
    # A key without operations whose two pay-ins straddle a midnight: rule 1 applies
    # before rule 3 on each day, so each day reports a duplicate, not missing_vima.
    "payshack_duplicate_without_vima_across_midnight_on_the_first_day": (
        {},
        [payshack("K", at(D, 23, 30)), payshack("K", at(NEXT, 0, 30))],
        [("K", "discrepancy", "duplicate")],
    ),
    "payshack_duplicate_without_vima_across_midnight_on_the_second_day": (
        {},
        [payshack("K", at(PREV, 23, 30)), payshack("K", at(D, 0, 30))],
        [("K", "discrepancy", "duplicate")],
    ),
    # The mirror of the first case: one operation, two pay-ins either side of its
    # midnight: the operation's day reports the duplicate; the day before reports
    # nothing (its pay-in is inside the operation's day window).
    "payshack_duplicate_across_midnight_reported_on_the_vima_day": (
        {},
        [payshack("K", at(PREV, 23, 30)), payshack("K", at(D, 0, 30)), vima("K", at(D, 0, 10))],
        [("K", "discrepancy", "duplicate")],
    ),
    "payshack_duplicate_across_midnight_not_on_the_day_before": (
        {},
        [payshack("K", at(D, 23, 30)), payshack("K", at(NEXT, 0, 30)), vima("K", at(NEXT, 0, 10))],
        [],
    ),
    # Rows of the key outside the window do not make a duplicate.
    "vima_rows_outside_the_window_are_not_a_duplicate": (
        {},
        [vima("K", at(D, 10)), vima("K", at(NEXT, 3)), payshack("K", at(D, 10))],
        [("K", "matched", None)],
    ),
    "missing_payshack": ({}, [vima("K", at(D, 10))], [("K", "missing_payshack", "missing")]),
    "missing_vima": ({}, [payshack("K", at(D, 10))], [("K", "missing_vima", "missing")]),
    "vima_without_key": (
        {},
        [vima(None, at(D, 10)), vima(None, at(D, 11)), payshack("K", at(D, 10))],
        [
            ("K", "missing_vima", "missing"),
            (None, "missing_payshack", "missing"),
            (None, "missing_payshack", "missing"),
        ],
    ),
    "other_projects_are_not_reconciled": (
        {},
        [vima("K", at(D, 10), project="monetix"), payshack("K", at(D, 10), project=None)],
        [],
    ),
    "every_difference_is_listed_first_rule_wins": (
        {},
        [vima("K", at(D, 10), "100.00", "success"), payshack("K", at(D, 11), "90.00", "failed")],
        [("K", "discrepancy", "status")],
    ),
    "keys_compare_trimmed": (
        {},
        [vima(" K ", at(D, 10)), payshack("K", at(D, 10))],
        [("K", "matched", None)],
    ),
    "rows_of_other_days_only": ({}, [vima("K", at(PREV, 10)), payshack("J", at(NEXT, 10))], []),
    # No grace: the previous day's window is [PREV 00:00, D 00:00], closed, so a pay-in at
    # D 00:00:00 pairs with a Vima row of PREV and is reported there, not on D (found by
    # the property test in test_against_truth.py).
    "no_grace_midnight_payin_pairs_with_the_previous_day": (
        {"recon_grace_minutes": 0, "recon_time_tolerance_minutes": 0},
        [vima("K", at(PREV, 23, 59, 59)), payshack("K", at(D, 0))],
        [],
    ),
}


@pytest.mark.parametrize("name", list(CASES))
async def test_rule(rt: Runtime, name: str) -> None:
    settings, rows, expected = CASES[name]
    got = await classify(with_settings(rt, **settings), rows)
    assert sorted(got, key=repr) == sorted(expected, key=repr)


@pytest.mark.parametrize("v_status", STATUSES)
@pytest.mark.parametrize("p_status", STATUSES)
async def test_status_pair(rt: Runtime, v_status: str, p_status: str) -> None:
    rows = [vima("K", at(D, 10), status=v_status), payshack("K", at(D, 10), status=p_status)]
    got = await classify(rt, rows)
    want = ("K", "matched", None) if v_status == p_status else ("K", "discrepancy", "status")
    assert got == [want]


async def test_key_only_in_c_id_matches_the_order_id(rt: Runtime) -> None:
    raw = {
        "operation_id": "9001",
        "operation_created_at": at(D, 10).isoformat(),
        "project": "91game",
        "payment_status": "success",
        "complete_amount": 250.5,
        "create_params": {"params": {"payment": {"identifiers": {"c_id": 1768491979464}}}},
    }
    row = normalize_vima(raw)
    assert row.client_operation_id == "1768491979464"
    await insert(rt, [row, payshack("1768491979464", at(D, 10), "250.50").normalized()])
    outcome = await run(rt, D)
    got = await comparable(rt, outcome.run_id)
    assert [(r.key, r.match_status) for r in got] == [("1768491979464", "matched")]


async def test_details_and_amount_diff(rt: Runtime) -> None:
    await insert(
        rt,
        [
            vima("A", at(D, 10), "100.00", "success"),
            payshack("A", at(D, 11), "90.25", "failed"),
            vima("B", at(D, 10), "100.00"),
            payshack("B", at(D, 10), "100.50"),
            vima(None, at(D, 12)),
        ],
    )
    outcome = await run(rt, D)
    rows = {r.key: r for r in await comparable(rt, outcome.run_id)}
    a, b, nokey = rows["A"], rows["B"], rows[None]
    assert a.details["differences"] == ["status", "amount", "time"]
    assert a.details["vima_original_status"] == "success"
    assert a.details["payshack_original_status"] == "Failed"
    assert a.amount_diff is None  # the row is a status discrepancy
    assert (b.discrepancy_type, b.amount_diff) == ("amount", Decimal("-0.5000"))
    assert nokey.details["reason"] == "no_key"


async def test_duplicate_details_list_every_row(rt: Runtime) -> None:
    await insert(rt, [vima("K", at(D, 10)), vima("K", at(D, 11)), payshack("K", at(D, 10, 5))])
    outcome = await run(rt, D)
    (row,) = await comparable(rt, outcome.run_id)
    assert len(row.vima_ids) == 2 and len(row.payshack_ids) == 1
    assert [r["original_status"] for r in row.details["vima_rows"]] == ["success", "success"]


@pytest.mark.parametrize("first", [D, NEXT])
async def test_duplicate_across_midnight_lists_every_row_of_the_window(
    rt: Runtime, first: date
) -> None:
    """Both days report the same duplicate, with all three rows, whichever runs first."""
    rows = [vima("K", at(D, 23, 30)), vima("K", at(NEXT, 0, 30)), payshack("K", at(NEXT, 0, 10))]
    await insert(rt, [r.normalized() for r in rows])
    for day in (first, D if first == NEXT else NEXT):
        outcome = await run(rt, day)
        (row,) = await comparable(rt, outcome.run_id)
        assert (row.match_status, row.discrepancy_type) == ("discrepancy", "duplicate")
        assert (len(row.vima_ids), len(row.payshack_ids)) == (2, 1)
        assert row.details["differences"] == ["duplicate"]
