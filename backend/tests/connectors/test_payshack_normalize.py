"""normalize_payshack: the spec's mapping and status table, for API and scraped rows."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from psp_dashboard.kit.money import parse_rupees
from psp_dashboard.kit.timeparse import parse_ist_display
from psp_dashboard.sync.connectors.payshack.normalize import (
    DEFAULT_CLIENT_PROJECTS,
    SCRAPED_ROW_KEYS,
    normalize_payshack,
)
from psp_dashboard.sync.records import RecordRejected

ROW: dict[str, Any] = {
    "_id": 15910368,
    "txnId": "Y7KY0V202611591646",
    "spTxnId": "1003kqTJw77860115211719",
    "orderId": "AGQAMEBYUPHQ4",
    "amount": 100,
    "paidAmount": 100,
    "totalCommissionAmount": 2.5,
    "currency": "INR",
    "utr": "983991008838",
    "rrn": "123456789012",
    "txnStatus": "Success",
    "clientName": "91G_TECH_PVT_LTD",
    "clientId": "5b12c121-06e7-4b53-a8fa-c5d5b56e33ec",
    "transactionType": "UPI_INTENT",
    "paymentMode": "UPI",
    "payerVpa": "9000000001-2@axl",
    "payerName": "Asha Rao",
    "payerPhone": "9000000001",
    "createdAt": "2026-01-15T15:46:46.698Z",
    "modifiedAt": "2026-01-15T15:47:20.139Z",
    "completedAt": "2026-01-15T15:47:20.000Z",
}

Edit = Callable[[dict[str, Any]], None]


def variant(edit: Edit) -> dict[str, Any]:
    raw = copy.deepcopy(ROW)
    edit(raw)
    return raw


def test_full_row_maps_every_field() -> None:
    txn = normalize_payshack(copy.deepcopy(ROW), DEFAULT_CLIENT_PROJECTS)
    assert txn.source == "payshack"
    assert txn.source_id == "Y7KY0V202611591646"
    assert txn.order_id == txn.client_operation_id == "AGQAMEBYUPHQ4"
    assert txn.reference_id == "1003kqTJw77860115211719"
    assert txn.amount == Decimal("100")
    assert txn.fee == Decimal("2.5")
    assert txn.currency == "INR"
    assert txn.country == "IN"
    assert txn.utr == "983991008838"
    assert (txn.payment_method, txn.payment_product) == ("UPI_INTENT", "UPI")
    assert (txn.merchant_id, txn.project) == ("91G_TECH_PVT_LTD", "91game")
    assert (txn.status, txn.original_status, txn.unknown_status) == ("success", "Success", False)
    assert txn.user_id == "9000000001-2@axl"  # the payer's VPA
    assert (txn.user_name, txn.user_phone, txn.user_email) == ("Asha Rao", "9000000001", None)
    # Whole seconds (the key both transports share); raw_data keeps the milliseconds.
    assert txn.created_at == datetime(2026, 1, 15, 15, 46, 46, tzinfo=UTC)
    assert txn.updated_at == datetime(2026, 1, 15, 15, 47, 20, 139000, tzinfo=UTC)
    assert txn.completed_at == datetime(2026, 1, 15, 15, 47, 20, tzinfo=UTC)
    assert (txn.source_create_cursor, txn.source_update_cursor) == (None, None)
    assert txn.raw_data == ROW


@pytest.mark.parametrize(
    ("original", "status"),
    [
        ("Success", "success"),
        ("SUCCESS", "success"),
        ("Failed", "failed"),
        ("FAILED", "failed"),
        ("Tampered", "failed"),
        ("INITIATED", "pending"),
        ("Initiated", "pending"),
        ("Pending", "pending"),
        ("In Process", "pending"),
        ("Incomplete", "pending"),
        ("Refunded", "refunded"),
        ("Cb_Refunded", "refunded"),
        (" Success ", "success"),
    ],
)
def test_every_known_status(original: str, status: str) -> None:
    txn = normalize_payshack(variant(lambda r: r.update(txnStatus=original)))
    assert (txn.status, txn.original_status, txn.unknown_status) == (
        status, original.strip(), False,
    )  # fmt: skip


@pytest.mark.parametrize(("original", "kept"), [("Disputed", "Disputed"), (None, None), ("", None)])
def test_unknown_status_is_pending_and_flagged(original: str | None, kept: str | None) -> None:
    txn = normalize_payshack(variant(lambda r: r.update(txnStatus=original)))
    assert (txn.status, txn.original_status, txn.unknown_status) == ("pending", kept, True)


@pytest.mark.parametrize(
    ("edit", "amount"),
    [
        pytest.param(lambda r: r.update(paidAmount=99.5), Decimal("99.5"), id="paid"),
        pytest.param(lambda r: r.update(paidAmount=None, amount=250), Decimal("250"),
                     id="paid-null-uses-amount"),
        pytest.param(lambda r: (r.pop("paidAmount"), r.update(amount=250)), Decimal("250"),
                     id="paid-absent-uses-amount"),
        pytest.param(lambda r: r.update(paidAmount=0), Decimal("0"), id="paid-zero-is-a-value"),
        pytest.param(lambda r: r.update(paidAmount="₹1,23,456.50"), Decimal("123456.50"),
                     id="rupee-string"),
        pytest.param(lambda r: r.update(paidAmount="123456.50"), Decimal("123456.50"),
                     id="decimal-text"),
        pytest.param(lambda r: r.update(paidAmount=Decimal("0.01")), Decimal("0.01"),
                     id="decimal"),
        pytest.param(lambda r: r.update(paidAmount="-", amount="₹500.00"), Decimal("500"),
                     id="empty-cell-uses-amount"),
    ],
)  # fmt: skip
def test_amount(edit: Edit, amount: Decimal) -> None:
    assert normalize_payshack(variant(edit)).amount == amount


@pytest.mark.parametrize(
    ("client", "project"),
    [
        ("91G_TECH_PVT_LTD", "91game"),
        ("IG Indigate P_Out", "indigate_payout"),
        ("MNCL_M5_Pvt_Ltd", "mncl_m5"),
        ("Mn CL THREE_PVT_LTD", "mncl_three"),
        ("  91G_TECH_PVT_LTD ", "91game"),
        ("mn cl  three_pvt_ltd", "mncl_three"),  # case and spacing differences
        ("Someone New Pvt Ltd", None),
        (None, None),
    ],
)
def test_client_to_project(client: str | None, project: str | None) -> None:
    txn = normalize_payshack(variant(lambda r: r.update(clientName=client)))
    assert txn.project == project
    assert txn.merchant_id == (client.strip() if client else None)


def test_configured_map_replaces_default() -> None:
    txn = normalize_payshack(copy.deepcopy(ROW), {"91G_TECH_PVT_LTD": "ninety_one"})
    assert txn.project == "ninety_one"


@pytest.mark.parametrize(
    ("edit", "field", "expected"),
    [
        (lambda r: r.update(orderId="  AGQ1 "), "client_operation_id", "AGQ1"),
        (lambda r: r.update(orderId="  AGQ1 "), "order_id", "AGQ1"),
        (lambda r: r.pop("orderId"), "client_operation_id", None),
        (lambda r: r.update(totalCommissionAmount=None), "fee", None),
        (lambda r: r.update(utr=983991008838), "utr", "983991008838"),
        (lambda r: r.update(utr=""), "utr", None),
        (lambda r: r.update(currency="USD"), "currency", "INR"),
        (lambda r: r.update(completedAt=None), "completed_at", None),
        (lambda r: r.update(createdAt="2026-01-15T21:16:46+05:30"), "created_at",
         datetime(2026, 1, 15, 15, 46, 46, tzinfo=UTC)),
        (lambda r: r.update(createdAt="2026-01-15T15:46:46"), "created_at",
         datetime(2026, 1, 15, 15, 46, 46, tzinfo=UTC)),
        (lambda r: r.update(createdAt=datetime(2026, 1, 15, 15, 46, 46, tzinfo=UTC)),
         "created_at", datetime(2026, 1, 15, 15, 46, 46, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_field_facts(edit: Edit, field: str, expected: object) -> None:
    assert getattr(normalize_payshack(variant(edit)), field) == expected


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda r: r.pop("txnId"), "missing txnId"),
        (lambda r: r.update(txnId=" "), "missing txnId"),
        (lambda r: r.pop("createdAt"), "missing createdAt"),
        (lambda r: r.update(createdAt="15 Jan 2026, 09:16:46 PM"), "unparseable createdAt"),
        (lambda r: r.update(modifiedAt="soon"), "unparseable modifiedAt"),
        (lambda r: r.update(paidAmount="lots"), "non-numeric paidAmount"),
        (lambda r: r.update(paidAmount=None, amount=True), "non-numeric amount"),
        (lambda r: r.update(paidAmount=None, amount=None), "missing amount"),
        (lambda r: r.update(totalCommissionAmount="x"), "non-numeric totalCommissionAmount"),
    ],
)  # fmt: skip
def test_rejections(edit: Edit, reason: str) -> None:
    with pytest.raises(RecordRejected) as caught:
        normalize_payshack(variant(edit))
    assert caught.value.reason == reason


def test_scraped_row_normalizes_like_the_api_row() -> None:
    """The browser path builds API-keyed rows from the table's text; same result."""
    cells = {
        "Transaction ID": "Y7KY0V202611591646",
        "Order ID": "AGQAMEBYUPHQ4",
        "Amount": "₹100.00",
        "Paid Amount": "₹100.00",
        "Status": "Success",
        "Client": "91G_TECH_PVT_LTD",
        "UTR": "983991008838",
        "Created At": "15 Jan 2026, 09:16:46 PM",
        "Modified At": "15/01/2026 21:17:20",
    }
    texts = list(cells.values())
    scraped = dict(zip(SCRAPED_ROW_KEYS, texts, strict=True))
    for key in ("amount", "paidAmount"):
        scraped[key] = str(parse_rupees(scraped[key]))
    for key in ("createdAt", "modifiedAt"):
        scraped[key] = parse_ist_display(scraped[key]).isoformat()
    from_table = normalize_payshack(scraped)
    from_api = normalize_payshack(copy.deepcopy(ROW))
    for field in ("source_id", "order_id", "client_operation_id", "amount", "status", "project",
                  "merchant_id", "utr", "currency", "country"):  # fmt: skip
        assert getattr(from_table, field) == getattr(from_api, field), field
    # The table shows whole seconds: the API's milliseconds are the only difference.
    assert from_table.created_at == datetime(2026, 1, 15, 15, 46, 46, tzinfo=UTC)
    assert from_table.updated_at == datetime(2026, 1, 15, 15, 47, 20, tzinfo=UTC)
