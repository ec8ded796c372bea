"""PayShack pay-in row → `NormalizedTransaction`. Pure: no I/O, no clock.

Both transports feed this one function:
- the api transport passes the API's JSON rows unchanged;
- the browser scraper builds rows with the *same keys* as the API from the table's
  columns (see `SCRAPED_ROW_KEYS`): amounts as plain decimal text (`"123456.50"`, from
  `parse_rupees`), times as ISO-8601 UTC text (from `parse_ist_display(...).isoformat()`),
  and `None` for an empty cell. Keeping them as text keeps `raw_data` JSON-serialisable.
  For robustness the normalizer also accepts rupee strings (`₹1,23,456.50`) and
  `Decimal` amounts, and aware `datetime` values for times.

Choices the spec leaves open (recorded in docs/):
- `merchant_id` = `clientName`; `project` from the client→project map, matched exactly
  after trimming, then case-insensitively; an unknown client gets `project=None` (it is
  still stored and counted, under no project), never an invented slug.
- `payerVpa` → `user_id`: PayShack has no payer account id, and the VPA is the stable
  payer identifier on UPI. It also stays in `raw_data`.
- `transactionType` → `payment_method` (UPI_INTENT), `paymentMode` → `payment_product`
  (UPI), in the order the spec lists them.
- Currency is always INR and country IN (PayShack is domestic), whatever a row says.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from psp_dashboard.kit.money import parse_amount, parse_rupees
from psp_dashboard.kit.timeparse import parse_iso_utc
from psp_dashboard.sync.records import NormalizedTransaction, RecordRejected, Status

DEFAULT_CLIENT_PROJECTS: Mapping[str, str] = MappingProxyType(
    {
        "91G_TECH_PVT_LTD": "91game",
        "IG Indigate P_Out": "indigate_payout",
        "MNCL_M5_Pvt_Ltd": "mncl_m5",
        "Mn CL THREE_PVT_LTD": "mncl_three",
    }
)

# Keys the browser scraper must produce (API names); the columns it reads them from are
# Transaction ID, Order ID, Amount, Paid Amount, Status, Client, UTR, Created At,
# Modified At. Other API keys are optional and simply absent from scraped rows.
SCRAPED_ROW_KEYS = (
    "txnId",
    "orderId",
    "amount",
    "paidAmount",
    "txnStatus",
    "clientName",
    "utr",
    "createdAt",
    "modifiedAt",
)

# Matched case-insensitively after trimming; the table lists the observed spellings.
STATUS_MAP: Mapping[str, Status] = MappingProxyType(
    {
        "success": "success",
        "failed": "failed",
        "tampered": "failed",
        "initiated": "pending",
        "pending": "pending",
        "in process": "pending",
        "incomplete": "pending",
        "refunded": "refunded",
        "cb_refunded": "refunded",
    }
)

# What an empty table cell may show; the same as an absent value. Words such as "n/a"
# are not in the list: in an amount field they are junk to quarantine, not "no value".
_EMPTY_CELLS = frozenset({"", "-", "—", "–"})


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bool | dict | list):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return None if text.lower() in _EMPTY_CELLS else text


def _money(value: Any, field: str, source_id: str) -> Decimal | None:
    """None when absent/empty; exact Decimal otherwise; rejection when not a number."""
    if isinstance(value, str) and value.strip().lower() in _EMPTY_CELLS:
        return None
    if value is None:
        return None
    try:
        # Text may be a plain number or a rupee string; parse_rupees accepts both.
        return parse_rupees(value) if isinstance(value, str) else parse_amount(value)
    except ValueError as exc:
        raise RecordRejected(f"non-numeric {field}", source_id) from exc


def _time(raw: Mapping[str, Any], key: str, source_id: str) -> datetime | None:
    value = raw.get(key)
    if value is None or (isinstance(value, str) and value.strip().lower() in _EMPTY_CELLS):
        return None
    try:
        return parse_iso_utc(value)
    except ValueError as exc:
        raise RecordRejected(f"unparseable {key}", source_id) from exc


def _status(raw: Mapping[str, Any]) -> tuple[Status, str | None, bool]:
    original = _text(raw.get("txnStatus"))
    known = STATUS_MAP.get(original.lower()) if original else None
    if known is None:
        return "pending", original, True
    return known, original, False


def project_for(client_name: str | None, client_projects: Mapping[str, str]) -> str | None:
    """The project of a PayShack client: exact name first, then case-insensitively."""
    if client_name is None:
        return None
    exact = client_projects.get(client_name)
    if exact is not None:
        return exact
    folded = " ".join(client_name.split()).casefold()
    for name, project in client_projects.items():
        if " ".join(name.split()).casefold() == folded:
            return project
    return None


def normalize_payshack(
    raw: dict[str, Any], client_projects: Mapping[str, str] = DEFAULT_CLIENT_PROJECTS
) -> NormalizedTransaction:
    """Map one PayShack pay-in row; raises `RecordRejected` when it cannot be stored."""
    if not isinstance(raw, dict):
        raise RecordRejected("record is not an object")
    source_id = _text(raw.get("txnId"))
    if source_id is None:
        raise RecordRejected("missing txnId")
    created_at = _time(raw, "createdAt", source_id)
    if created_at is None:
        raise RecordRejected("missing createdAt", source_id)
    paid = _money(raw.get("paidAmount"), "paidAmount", source_id)
    # Pending and failed pay-ins have no paid amount: the requested amount stands in.
    amount = paid if paid is not None else _money(raw.get("amount"), "amount", source_id)
    if amount is None:
        raise RecordRejected("missing amount", source_id)
    status, original_status, unknown = _status(raw)
    order_id = _text(raw.get("orderId"))
    client_name = _text(raw.get("clientName"))
    return NormalizedTransaction(
        source="payshack",
        source_id=source_id,
        # Whole seconds: the dashboard table shows no milliseconds, and created_at is part
        # of the row key, so both transports must agree on it (raw_data keeps the exact).
        created_at=created_at.replace(microsecond=0),
        amount=amount,
        status=status,
        currency="INR",
        reference_id=_text(raw.get("spTxnId")),
        client_operation_id=order_id,  # equals Vima's client_operation_id: the match key
        order_id=order_id,
        project=project_for(client_name, client_projects),
        merchant_id=client_name,
        fee=_money(raw.get("totalCommissionAmount"), "totalCommissionAmount", source_id),
        original_status=original_status,
        user_id=_text(raw.get("payerVpa")),
        user_email=None,
        user_phone=_text(raw.get("payerPhone")),
        user_name=_text(raw.get("payerName")),
        country="IN",
        utr=_text(raw.get("utr")),
        payment_method=_text(raw.get("transactionType")),
        payment_product=_text(raw.get("paymentMode")),
        updated_at=_time(raw, "modifiedAt", source_id),
        completed_at=_time(raw, "completedAt", source_id),
        source_create_cursor=None,
        source_update_cursor=None,
        raw_data=raw,
        unknown_status=unknown,
    )
