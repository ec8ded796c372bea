"""Vima operation (raw JSON object) → `NormalizedTransaction`. Pure: no I/O, no clock.

Field choices the spec leaves open (recorded in docs/):
- `merchant_id` is `credentials_owner` (the provider account the operation was processed
  under, e.g. `123hub`), else `service`. `project` already names the business (91game).
- `user_id` is the top-level `user_id`, else the payer's `customer_account.id`;
  `user_email` is the payer's email, else the top-level `contact` when it is an email.
- An optional timestamp that is present but unparseable rejects the record, like the
  required one: a changed time format is a fault to see in quarantine, not to hide.
- A record with neither `payment_status` nor `current_status` is kept as pending with
  `unknown_status=True`, like an unknown status value: never dropped.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from psp_dashboard.kit.money import minor_to_major, parse_amount
from psp_dashboard.kit.timeparse import parse_iso_utc, parse_vima_card_time
from psp_dashboard.sync.records import NormalizedTransaction, RecordRejected, Status

STATUS_MAP: dict[str, Status] = {
    "success": "success",
    "fail": "failed",
    "in_process": "pending",
    "user_input_required": "pending",
}


def _dig(node: Any, *keys: str | int) -> Any:
    """Follow dict keys / list indexes; None as soon as a step is missing or mistyped."""
    for key in keys:
        if isinstance(key, int):
            if not isinstance(node, list) or len(node) <= key:
                return None
        elif not isinstance(node, dict):
            return None
        node = node[key] if isinstance(key, int) else node.get(key)
    return node


def _text(value: Any) -> str | None:
    """Trimmed text of a scalar; None for missing, empty, booleans and containers."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # an id sent as 1768491979464.0 means 1768491979464
    text = str(value).strip()
    return text or None


def _client_operation_id(raw: dict[str, Any]) -> str | None:
    explicit = _text(raw.get("client_operation_id"))
    if explicit is not None:
        return explicit
    # c_id is a JSON number in create_params; str(int) gives its exact digits.
    return _text(_dig(raw, "create_params", "params", "payment", "identifiers", "c_id"))


def _amount_and_currency(raw: dict[str, Any], source_id: str) -> tuple[Decimal, str]:
    requested = _dig(raw, "create_params", "params", "payment", "amount")
    complete, minor = raw.get("complete_amount"), _dig(requested, "value")
    if complete is None and minor is None:
        raise RecordRejected("missing amount", source_id)
    try:
        # complete_amount is in major units; the requested amount is in minor units.
        amount = parse_amount(complete) if complete is not None else minor_to_major(minor)
    except ValueError as exc:
        raise RecordRejected("non-numeric amount", source_id) from exc
    currency = (
        _text(raw.get("complete_currency")) or _text(_dig(requested, "currency")) or "INR"
    ).upper()
    if len(currency) != 3 or not currency.isalpha():
        raise RecordRejected("invalid currency", source_id)
    return amount, currency


def _fee(raw: dict[str, Any], source_id: str) -> Decimal | None:
    fee = _dig(raw, "card_finish", 0, "charged_fee")
    if fee is None:
        return None
    try:
        return parse_amount(fee)
    except ValueError as exc:
        raise RecordRejected("non-numeric fee", source_id) from exc


def _status(raw: dict[str, Any]) -> tuple[Status, str | None, bool]:
    """(normalized, original, unknown): payment_status is final, so it wins when present."""
    original = _text(raw.get("payment_status")) or _text(raw.get("current_status"))
    if original is None:
        return "pending", None, True
    known = STATUS_MAP.get(original.lower())
    if known is None:
        return "pending", original, True
    return known, original, False


def _time(raw: dict[str, Any], key: str, source_id: str) -> datetime | None:
    value = raw.get(key)
    if value is None or value == "":
        return None
    try:
        return parse_iso_utc(value)
    except ValueError as exc:
        raise RecordRejected(f"unparseable {key}", source_id) from exc


def _completed_at(raw: dict[str, Any], source_id: str) -> datetime | None:
    completed = _time(raw, "complete_created_at", source_id)
    if completed is not None:
        return completed
    finished = _dig(raw, "card_finish", 0, "created_at")
    if finished is None or finished == "":
        return None
    try:
        return parse_vima_card_time(finished)
    except ValueError as exc:
        raise RecordRejected("unparseable card_finish created_at", source_id) from exc


def _payer_name(payer: Any) -> str | None:
    parts = (
        _text(_dig(payer, "person", "first_name")),
        _text(_dig(payer, "person", "last_name")),
    )
    return " ".join(p for p in parts if p) or None


def normalize_vima(raw: dict[str, Any]) -> NormalizedTransaction:
    """Map one Vima operation; raises `RecordRejected` when it cannot be stored."""
    if not isinstance(raw, dict):
        raise RecordRejected("record is not an object")
    source_id = _text(raw.get("operation_id"))
    if source_id is None:
        raise RecordRejected("missing operation_id")
    created_at = _time(raw, "operation_created_at", source_id)
    if created_at is None:
        raise RecordRejected("missing operation_created_at", source_id)
    amount, currency = _amount_and_currency(raw, source_id)
    status, original_status, unknown = _status(raw)
    payment = _dig(raw, "create_params", "params", "payment")
    payer = _dig(payment, "payer")
    contact = _text(raw.get("contact"))
    return NormalizedTransaction(
        source="vima",
        source_id=source_id,
        created_at=created_at,
        amount=amount,
        status=status,
        currency=currency,
        reference_id=_text(raw.get("reference_id")),
        client_operation_id=_client_operation_id(raw),
        order_id=None,
        project=_text(raw.get("project")),
        merchant_id=_text(raw.get("credentials_owner")) or _text(raw.get("service")),
        fee=_fee(raw, source_id),
        original_status=original_status,
        user_id=_text(raw.get("user_id")) or _text(_dig(payer, "customer_account", "id")),
        user_email=_text(_dig(payer, "email")) or (contact if contact and "@" in contact else None),
        user_phone=_text(_dig(payer, "phone")),
        user_name=_payer_name(payer),
        country=(_text(_dig(payment, "client", "country")) or "").upper() or None,
        utr=None,
        payment_method=_text(raw.get("payment_method_code"))
        or _text(raw.get("payment_method_type")),
        payment_product=_text(raw.get("payment_product")),
        updated_at=_time(raw, "operation_modified_at", source_id),
        completed_at=_completed_at(raw, source_id),
        source_create_cursor=_text(raw.get("operation_create_id")),
        source_update_cursor=_text(raw.get("operation_update_id")),
        raw_data=raw,
        unknown_status=unknown,
    )
