"""normalize_vima: one behaviour per field fact of the Vima spec."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from psp_dashboard.sync.connectors.vima.normalize import normalize_vima
from psp_dashboard.sync.records import RecordRejected

OPERATION: dict[str, Any] = {
    "operation_id": "1067250921664811008",
    "reference_id": "019bc256159f72f3b2c27506937517be",
    "client_operation_id": "1768491979464",
    "service": "multihub-api",
    "project": "91game",
    "user_id": "16faca55460b41c3a9b46a736c8dbfed",
    "contact": "payer@example.com",
    "create_params": {
        "method": "payment.in",
        "params": {
            "payment": {
                "payer": {
                    "email": "payer@example.com",
                    "phone": "9000000001",
                    "person": {"first_name": "Asha", "last_name": "Rao"},
                    "customer_account": {"id": "16faca55460b41c3a9b46a736c8dbfed"},
                },
                "amount": {"value": 10000, "currency": "INR"},
                "client": {"country": "IN", "language": "EN"},
                "identifiers": {"c_id": 1768491979464},
            }
        },
    },
    "current_status": "success",
    "payment_status": "success",
    "payment_product": "multihub-api",
    "payment_method_type": "fiat",
    "payment_method_code": "apm",
    "credentials_owner": "123hub",
    "operation_created_at": "2026-01-15T15:46:20.195Z",
    "operation_modified_at": "2026-01-15T15:46:46.487Z",
    "card_finish": [
        {"amount": 100.0, "charged_fee": 0.0, "result": "success",
         "created_at": "2026-01-15 15:46:43.817000"}
    ],
    "complete_amount": 100.0,
    "complete_currency": "INR",
    "complete_created_at": "2026-01-15T15:46:43.817Z",
    "operation_create_id": "1067250934146775040",
    "operation_update_id": "1067251098160838656",
}  # fmt: skip

Edit = Callable[[dict[str, Any]], None]


def variant(edit: Edit) -> dict[str, Any]:
    raw = copy.deepcopy(OPERATION)
    edit(raw)
    return raw


def payment(raw: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = raw["create_params"]["params"]["payment"]
    return result


def test_full_operation_maps_every_field() -> None:
    txn = normalize_vima(copy.deepcopy(OPERATION))
    assert txn.source == "vima"
    assert txn.source_id == "1067250921664811008"
    assert txn.reference_id == "019bc256159f72f3b2c27506937517be"
    assert txn.client_operation_id == "1768491979464"
    assert txn.order_id is None
    assert txn.project == "91game"
    assert txn.merchant_id == "123hub"
    assert txn.amount == Decimal("100.00")
    assert txn.currency == "INR"
    assert txn.fee == Decimal("0")
    assert (txn.status, txn.original_status, txn.unknown_status) == ("success", "success", False)
    assert txn.user_id == "16faca55460b41c3a9b46a736c8dbfed"
    assert txn.user_email == "payer@example.com"
    assert txn.user_phone == "9000000001"
    assert txn.user_name == "Asha Rao"
    assert txn.country == "IN"
    assert txn.payment_method == "apm"
    assert txn.payment_product == "multihub-api"
    assert txn.created_at == datetime(2026, 1, 15, 15, 46, 20, 195000, tzinfo=UTC)
    assert txn.updated_at == datetime(2026, 1, 15, 15, 46, 46, 487000, tzinfo=UTC)
    assert txn.completed_at == datetime(2026, 1, 15, 15, 46, 43, 817000, tzinfo=UTC)
    assert txn.source_create_cursor == "1067250934146775040"
    assert txn.source_update_cursor == "1067251098160838656"
    assert txn.raw_data == OPERATION


@pytest.mark.parametrize(
    ("edit", "amount", "currency"),
    [
        pytest.param(lambda r: None, Decimal("100"), "INR", id="complete_amount"),
        pytest.param(
            lambda r: (r.pop("complete_amount"), r.pop("complete_currency")),
            Decimal("100.00"), "INR", id="minor-units-when-unfinished",
        ),
        pytest.param(
            lambda r: (r.pop("complete_amount"), payment(r)["amount"].update(value=12345)),
            Decimal("123.45"), "INR", id="minor-units-paise",
        ),
        pytest.param(lambda r: r.update(complete_amount=99.99), Decimal("99.99"), "INR",
                     id="float-is-exact"),
        pytest.param(lambda r: r.update(complete_amount="250.5"), Decimal("250.5"), "INR",
                     id="string-amount"),
        pytest.param(lambda r: r.update(complete_amount=None), Decimal("100.00"), "INR",
                     id="null-complete-falls-back"),
        pytest.param(
            lambda r: (r.pop("complete_currency"), payment(r)["amount"].update(currency="usd")),
            Decimal("100"), "USD", id="currency-from-requested-amount",
        ),
        pytest.param(
            lambda r: (r.pop("complete_currency"), payment(r)["amount"].pop("currency")),
            Decimal("100"), "INR", id="currency-defaults-to-inr",
        ),
    ],
)  # fmt: skip
def test_amount_and_currency(edit: Edit, amount: Decimal, currency: str) -> None:
    txn = normalize_vima(variant(edit))
    assert txn.amount == amount
    assert txn.currency == currency


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        pytest.param(lambda r: None, "1768491979464", id="client_operation_id"),
        pytest.param(lambda r: r.update(client_operation_id="  abc-1 "), "abc-1", id="trimmed"),
        pytest.param(lambda r: r.pop("client_operation_id"), "1768491979464", id="int-c_id"),
        pytest.param(
            lambda r: (r.pop("client_operation_id"),
                       payment(r)["identifiers"].update(c_id=" 77 ")),
            "77", id="string-c_id-trimmed",
        ),
        pytest.param(
            lambda r: (r.update(client_operation_id=""),
                       payment(r)["identifiers"].update(c_id=1768491979464.0)),
            "1768491979464", id="empty-falls-back-float-c_id",
        ),
        pytest.param(
            lambda r: (r.pop("client_operation_id"), payment(r).pop("identifiers")),
            None, id="neither",
        ),
    ],
)  # fmt: skip
def test_client_operation_id(edit: Edit, expected: str | None) -> None:
    assert normalize_vima(variant(edit)).client_operation_id == expected


@pytest.mark.parametrize(
    ("edit", "fee"),
    [
        pytest.param(lambda r: r["card_finish"][0].update(charged_fee=2.5), Decimal("2.5"),
                     id="charged_fee"),
        pytest.param(lambda r: r["card_finish"][0].pop("charged_fee"), None, id="no-fee-key"),
        pytest.param(lambda r: r.update(card_finish=[]), None, id="empty-card_finish"),
        pytest.param(lambda r: r.pop("card_finish"), None, id="no-card_finish"),
    ],
)  # fmt: skip
def test_fee_from_first_card_finish(edit: Edit, fee: Decimal | None) -> None:
    assert normalize_vima(variant(edit)).fee == fee


@pytest.mark.parametrize(
    ("payment_status", "current_status", "status", "original", "unknown"),
    [
        ("success", "in_process", "success", "success", False),
        ("fail", "success", "failed", "fail", False),
        (None, "in_process", "pending", "in_process", False),
        (None, "user_input_required", "pending", "user_input_required", False),
        (None, "fail", "failed", "fail", False),
        ("", "success", "success", "success", False),
        ("chargeback", "success", "pending", "chargeback", True),
        (None, "weird_state", "pending", "weird_state", True),
        (None, None, "pending", None, True),
    ],
)
def test_status_prefers_payment_status(
    payment_status: str | None, current_status: str | None, status: str, original: str | None,
    unknown: bool,
) -> None:  # fmt: skip
    raw = variant(lambda r: r.update(payment_status=payment_status, current_status=current_status))
    txn = normalize_vima(raw)
    assert (txn.status, txn.original_status, txn.unknown_status) == (status, original, unknown)


@pytest.mark.parametrize(
    ("edit", "field", "expected"),
    [
        pytest.param(
            lambda r: r.update(operation_created_at="2026-01-15T15:46:20"), "created_at",
            datetime(2026, 1, 15, 15, 46, 20, tzinfo=UTC), id="created-without-zone-is-utc",
        ),
        pytest.param(
            lambda r: r.update(operation_created_at="2026-01-15T21:16:20+05:30"), "created_at",
            datetime(2026, 1, 15, 15, 46, 20, tzinfo=UTC), id="created-with-offset",
        ),
        pytest.param(
            lambda r: r.pop("complete_created_at"), "completed_at",
            datetime(2026, 1, 15, 15, 46, 43, 817000, tzinfo=UTC), id="completed-from-card",
        ),
        pytest.param(
            lambda r: (r.pop("complete_created_at"), r.pop("card_finish")), "completed_at",
            None, id="not-completed",
        ),
        pytest.param(lambda r: r.pop("operation_modified_at"), "updated_at", None,
                     id="never-modified"),
    ],
)  # fmt: skip
def test_timestamps(edit: Edit, field: str, expected: datetime | None) -> None:
    value = getattr(normalize_vima(variant(edit)), field)
    assert value == expected
    assert value is None or value.tzinfo is UTC


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda r: r.pop("operation_id"), "missing operation_id"),
        (lambda r: r.update(operation_id="  "), "missing operation_id"),
        (lambda r: r.pop("operation_created_at"), "missing operation_created_at"),
        (lambda r: r.update(operation_created_at="15th Jan"), "unparseable operation_created_at"),
        (lambda r: r.update(operation_modified_at="later"), "unparseable operation_modified_at"),
        (lambda r: r.update(complete_amount="ten"), "non-numeric amount"),
        (lambda r: r.update(complete_amount=True), "non-numeric amount"),
        (lambda r: r.update(complete_amount=float("nan")), "non-numeric amount"),
        (lambda r: (r.pop("complete_amount"), payment(r)["amount"].update(value="x")),
         "non-numeric amount"),
        (lambda r: (r.pop("complete_amount"), payment(r).pop("amount")), "missing amount"),
        (lambda r: r["card_finish"][0].update(charged_fee="n/a"), "non-numeric fee"),
        (lambda r: (r.pop("complete_created_at"),
                    r["card_finish"][0].update(created_at="yesterday")),
         "unparseable card_finish created_at"),
        (lambda r: r.update(complete_currency="RUPEES"), "invalid currency"),
    ],
)  # fmt: skip
def test_rejections(edit: Edit, reason: str) -> None:
    with pytest.raises(RecordRejected) as caught:
        normalize_vima(variant(edit))
    assert caught.value.reason == reason


def test_rejection_carries_source_id_when_known() -> None:
    with pytest.raises(RecordRejected) as caught:
        normalize_vima(variant(lambda r: r.update(complete_amount="ten")))
    assert caught.value.source_id == "1067250921664811008"


@pytest.mark.parametrize(
    ("edit", "field", "expected"),
    [
        (lambda r: r.pop("credentials_owner"), "merchant_id", "multihub-api"),
        (lambda r: r.pop("user_id"), "user_id", "16faca55460b41c3a9b46a736c8dbfed"),
        (lambda r: payment(r)["payer"].pop("email"), "user_email", "payer@example.com"),
        (lambda r: (payment(r)["payer"].pop("email"), r.update(contact="9000000001")),
         "user_email", None),
        (lambda r: payment(r)["payer"]["person"].pop("last_name"), "user_name", "Asha"),
        (lambda r: payment(r)["payer"].pop("person"), "user_name", None),
        (lambda r: payment(r)["client"].update(country="in"), "country", "IN"),
        (lambda r: r.pop("payment_method_code"), "payment_method", "fiat"),
        (lambda r: r.update(operation_id=1067250921664811008), "source_id",
         "1067250921664811008"),
        (lambda r: r.update(operation_create_id=1067250934146775040), "source_create_cursor",
         "1067250934146775040"),
    ],
)  # fmt: skip
def test_fallbacks(edit: Edit, field: str, expected: object) -> None:
    assert getattr(normalize_vima(variant(edit)), field) == expected


def test_minimal_pending_operation() -> None:
    raw = {
        "operation_id": "1",
        "operation_created_at": "2026-01-15T15:46:20Z",
        "current_status": "in_process",
        "create_params": {"params": {"payment": {"amount": {"value": 5000}}}},
    }
    txn = normalize_vima(raw)
    assert (txn.amount, txn.status, txn.fee, txn.completed_at) == (
        Decimal("50.00"), "pending", None, None,
    )  # fmt: skip
