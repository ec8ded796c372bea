"""PayShack pay-out row → `NormalizedTransaction` (direction "payout"). Pure.

payshack.md names the listing and its statuses (`SUCCESS`, `FAILED`) but not the row's
shape, and warns it may differ from a pay-in's: every field is read from the first of
the names it has been seen (or is likely) to go by (`FIELD_NAMES`).

Choices (recorded in docs/sync.md):
- `source_id` = `payout:` + the provider's transaction id. Pay-out and pay-in ids come
  from different services of one provider and nothing says they never coincide; the
  row key is (source, source_id, created_at), so the prefix makes a collision with a
  pay-in row of the same source impossible. The bare id stays in `raw_data`, and a
  search by it finds the row (transactions/repository.py).
- `order_id` = the merchant's order id; `client_operation_id` stays empty: a pay-out is
  no reconciliation key and never one side of a payment link.
- `user_name` = beneficiary, `user_id` = beneficiary VPA (else account number): the
  payer fields of a pay-in, on the other side of the money. Masked the same way.
- Statuses: SUCCESS → success, FAILED → failed (any case); anything else is pending and
  counted as unknown in the run, never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from psp_dashboard.kit.timeparse import parse_iso_utc
from psp_dashboard.sync.connectors.payshack.normalize import (
    DEFAULT_CLIENT_PROJECTS,
    _money,
    _text,
    project_for,
)
from psp_dashboard.sync.records import (
    PAYOUT_ID_PREFIX,
    NormalizedTransaction,
    RecordRejected,
    Status,
)

# Canonical (pay-in) key → names a pay-out row may use for it, in order of preference.
FIELD_NAMES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "txnId": ("txnId", "transactionId", "txn_id", "payoutId", "payoutTxnId"),
        "orderId": ("orderId", "order_id", "merchantOrderId", "clientOrderId"),
        "amount": ("amount", "txnAmount", "transferAmount", "payoutAmount"),
        "txnStatus": ("txnStatus", "status", "payoutStatus", "transactionStatus"),
        "createdAt": ("createdAt", "created_at", "createdOn", "txnDate"),
        "modifiedAt": ("modifiedAt", "updatedAt", "updated_at", "modifiedOn"),
        "completedAt": ("completedAt", "completed_at", "processedAt"),
        "clientName": ("clientName", "client_name", "merchantName"),
        "utr": ("utr", "UTR", "bankRef", "rrn"),
        "fee": ("totalCommissionAmount", "commission", "fee", "charges"),
        "beneficiaryName": ("beneficiaryName", "beneficiary_name", "accountHolderName", "name"),
        "vpa": ("vpa", "beneficiaryVpa", "upiId"),
        "accountNumber": ("accountNumber", "account_number", "beneficiaryAccount"),
        "mode": ("transferMode", "paymentMode", "mode"),
        "referenceId": ("spTxnId", "referenceId", "bankReferenceId"),
    }
)

PAYOUT_STATUS_MAP: Mapping[str, Status] = MappingProxyType(
    {"success": "success", "failed": "failed"}
)


def field(raw: Mapping[str, Any], name: str) -> Any:
    """The first present, non-empty value among the names of canonical key `name`."""
    for key in FIELD_NAMES[name]:
        value = raw.get(key)
        if value is not None and value != "":
            return value
    return None


def canonical_keys(raw: dict[str, Any]) -> dict[str, Any]:
    """The row with `txnId` and `createdAt` set from variant names when absent, so the
    window walk (which counts rows by `txnId` and keeps them by `createdAt`) reads
    pay-outs as it reads pay-ins. Present values are never changed."""
    added = {
        key: value
        for key in ("txnId", "createdAt")
        if raw.get(key) in (None, "") and (value := field(raw, key)) is not None
    }
    return {**raw, **added} if added else raw


def _time(raw: Mapping[str, Any], name: str, source_id: str) -> datetime | None:
    value = field(raw, name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return parse_iso_utc(value)
    except (ValueError, TypeError) as exc:
        raise RecordRejected(f"unparseable {name}", source_id) from exc


def _status(raw: Mapping[str, Any]) -> tuple[Status, str | None, bool]:
    original = _text(field(raw, "txnStatus"))
    known = PAYOUT_STATUS_MAP.get(original.casefold()) if original else None
    if known is None:
        return "pending", original, True
    return known, original, False


def normalize_payshack_payout(
    raw: dict[str, Any], client_projects: Mapping[str, str] = DEFAULT_CLIENT_PROJECTS
) -> NormalizedTransaction:
    """Map one PayShack pay-out row; raises `RecordRejected` when it cannot be stored."""
    if not isinstance(raw, dict):
        raise RecordRejected("record is not an object")
    txn_id = _text(field(raw, "txnId"))
    if txn_id is None:
        raise RecordRejected("missing txnId")
    source_id = PAYOUT_ID_PREFIX + txn_id
    created_at = _time(raw, "createdAt", source_id)
    if created_at is None:
        raise RecordRejected("missing createdAt", source_id)
    amount: Decimal | None = _money(field(raw, "amount"), "amount", source_id)
    if amount is None:
        raise RecordRejected("missing amount", source_id)
    if amount < 0:
        raise RecordRejected("negative amount", source_id)
    status, original_status, unknown = _status(raw)
    client_name = _text(field(raw, "clientName"))
    return NormalizedTransaction(
        source="payshack",
        source_id=source_id,
        # Whole seconds, as for pay-ins (raw_data keeps the exact time).
        created_at=created_at.replace(microsecond=0),
        amount=amount,
        status=status,
        currency="INR",
        reference_id=_text(field(raw, "referenceId")),
        client_operation_id=None,  # no reconciliation key: a pay-out is no pay-in
        order_id=_text(field(raw, "orderId")),
        project=project_for(client_name, client_projects),
        merchant_id=client_name,
        fee=_money(field(raw, "fee"), "fee", source_id),
        original_status=original_status,
        user_id=_text(field(raw, "vpa")) or _text(field(raw, "accountNumber")),
        user_name=_text(field(raw, "beneficiaryName")),
        country="IN",
        utr=_text(field(raw, "utr")),
        payment_method=_text(field(raw, "mode")),
        payment_product="PAYOUT",
        updated_at=_time(raw, "modifiedAt", source_id),
        completed_at=_time(raw, "completedAt", source_id),
        raw_data=raw,
        unknown_status=unknown,
        direction="payout",
    )
