"""A PayShack pay-in as the merchant API sends it (see payshack.md for the shape)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psp_dashboard.sandbox.facts import PayInFacts
from psp_dashboard.sandbox.people import payer
from psp_dashboard.sandbox.render_common import BAD_AMOUNTS, BAD_DATES, iso_z, rupees, year_of
from psp_dashboard.sandbox.rng import hash64
from psp_dashboard.sandbox.statuses import normalize_payshack

if TYPE_CHECKING:
    from psp_dashboard.sandbox.clients import Directory
    from psp_dashboard.sandbox.world import World

ID_BASE = 15_000_000
_TYPES = ("UPI_INTENT", "UPI_INTENT", "UPI_COLLECT", "UPI_QR")
_SALT_TYPE, _SALT_BAD = 0x7E9E, 0xBAD2


def render_payin(w: World, directory: Directory, f: PayInFacts) -> dict[str, Any]:
    ids = w.ids
    person = payer(w.seed, f.person)
    client = directory.client(f.client)
    paid = f.paid_minor
    success = normalize_payshack(f.status) in ("success", "refunded")
    commission = (paid * 25 + 500) // 1000 if paid is not None and success else 0
    doc: dict[str, Any] = {
        "_id": ID_BASE + f.entry,
        "txnId": ids.txn_id(f.entry, year_of(f.created_ms)),
        "spTxnId": ids.sp_txn_id(f.entry),
        "orderId": f.order_id,
        "amount": rupees(f.amount_minor),
    }
    if f.status != "Incomplete":  # Incomplete pay-ins omit the field altogether
        doc["paidAmount"] = None if paid is None else rupees(paid)
    doc.update(
        {
            "totalCommissionAmount": rupees(commission),
            "currency": "INR",
            "utr": ids.utr(f.entry) if success else None,
            "rrn": ids.rrn(f.entry) if success else None,
            "txnStatus": f.status,
            "clientName": client.name,
            "clientId": client.client_id,
            "resellerId": directory.reseller_id,
            "transactionType": _TYPES[hash64(w.seed, f.entry, _SALT_TYPE) % len(_TYPES)],
            "paymentMode": "UPI",
            "payerVpa": person.vpa,
            "payerName": person.full_name,
            "payerPhone": person.phone,
            "upiId": client.upi_id,
            "createdAt": iso_z(f.created_ms),
            "modifiedAt": iso_z(f.modified_ms),
            "completedAt": None if f.completed_ms is None else iso_z(f.completed_ms),
        }
    )
    if f.bad is not None:
        _spoil(w, f, doc)
    return doc


def _spoil(w: World, f: PayInFacts, doc: dict[str, Any]) -> None:
    h = hash64(w.seed, f.entry, _SALT_BAD)
    if f.bad == "missing_id":
        variant = h % 3
        if variant == 0:
            del doc["txnId"]
        else:
            doc["txnId"] = None if variant == 1 else ""
    elif f.bad == "non_numeric_amount":
        junk = BAD_AMOUNTS[h % len(BAD_AMOUNTS)]
        doc["amount"] = junk
        if doc.get("paidAmount") is not None:
            doc["paidAmount"] = junk
    elif f.bad == "unparseable_date":
        doc["createdAt"] = BAD_DATES[h % len(BAD_DATES)]
