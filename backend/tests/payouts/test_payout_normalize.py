"""The pay-out normalizer: pure, table-driven over the row shapes it must tolerate."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from psp_dashboard.sync.connectors.payshack.payout_normalize import (
    canonical_keys,
    normalize_payshack_payout,
)
from psp_dashboard.sync.records import RecordRejected

BASE: dict[str, Any] = {
    "txnId": "PO1",
    "orderId": "WD1",
    "amount": 1500.5,
    "txnStatus": "SUCCESS",
    "clientName": "IG Indigate P_Out",
    "createdAt": "2026-01-15T10:00:00.250Z",
    "updatedAt": "2026-01-15T10:01:00.000Z",
    "beneficiaryName": "Asha Rao",
    "vpa": "asha@ybl",
    "utr": "123456789012",
    "transferMode": "IMPS",
}


@pytest.mark.parametrize(
    ("changes", "status", "unknown"),
    [
        ({}, "success", False),
        ({"txnStatus": "FAILED"}, "failed", False),
        ({"txnStatus": "failed"}, "failed", False),
        ({"txnStatus": None, "status": "SUCCESS"}, "success", False),
        ({"txnStatus": "PROCESSING"}, "pending", True),
        ({"txnStatus": None}, "pending", True),
    ],
)
def test_statuses(changes: dict[str, Any], status: str, unknown: bool) -> None:
    row = normalize_payshack_payout({**BASE, **changes})
    assert (row.status, row.unknown_status) == (status, unknown)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"txnId": None, "transactionId": "PO1"},
        {"createdAt": None, "created_at": "2026-01-15T10:00:00.250Z"},
        {"amount": "1,500.50"},
        {"amount": None, "txnAmount": "1500.50"},
    ],
)
def test_field_name_variants_give_the_same_row(changes: dict[str, Any]) -> None:
    row = normalize_payshack_payout({**BASE, **changes})
    assert row.source == "payshack" and row.direction == "payout"
    assert row.source_id == "payout:PO1"
    assert row.created_at == datetime(2026, 1, 15, 10, 0, 0, tzinfo=UTC)
    assert row.amount == Decimal("1500.50")
    assert (row.project, row.order_id, row.client_operation_id) == ("indigate_payout", "WD1", None)
    assert (row.user_name, row.user_id, row.payment_method) == ("Asha Rao", "asha@ybl", "IMPS")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"txnId": None}, "missing txnId"),
        ({"createdAt": "not-a-date"}, "unparseable createdAt"),
        ({"amount": "abc"}, "non-numeric amount"),
        ({"amount": None}, "missing amount"),
        ({"amount": -5}, "negative amount"),
    ],
)
def test_bad_records_are_rejected_with_a_reason(changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(RecordRejected) as caught:
        normalize_payshack_payout({**BASE, **changes})
    assert caught.value.reason == reason


def test_canonical_keys_fill_only_what_is_missing() -> None:
    row = {"transactionId": "PO9", "created_at": "2026-01-15T10:00:00Z", "createdAt": ""}
    assert canonical_keys(row) == {**row, "txnId": "PO9", "createdAt": "2026-01-15T10:00:00Z"}
    assert canonical_keys(BASE) is BASE
