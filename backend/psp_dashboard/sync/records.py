"""The one shape every connector's records take after normalization.

Normalizers are pure functions `raw dict -> NormalizedTransaction`; they raise
`RecordRejected` for a record that cannot be stored (the pipeline quarantines it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

Source = Literal["vima", "payshack"]
Status = Literal["success", "failed", "pending", "refunded"]
Direction = Literal["payin", "payout"]
# What a sync run is of: a source, or a second stream of one (PayShack's pay-outs, whose
# rows carry source "payshack"). Names the sync state, runs, locks and quarantine.
Stream = Literal["vima", "payshack", "payshack_payouts"]
# How people read a stream's name (alert titles, the audit log); the dashboard's own copy
# is SOURCE_NAME in components/ui/badge.tsx.
STREAM_LABELS: dict[str, str] = {
    "vima": "Vima",
    "payshack": "PayShack",
    "payshack_payouts": "PayShack pay-outs",
}

# A pay-out's `source_id` is this + the provider's id: pay-out and pay-in ids come from
# separate services and must never collide in the (source, source_id, created_at) key.
PAYOUT_ID_PREFIX = "payout:"


class RecordRejected(ValueError):
    """A raw record that fails validation; `reason` is short and machine-friendly."""

    def __init__(self, reason: str, source_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.source_id = source_id


@dataclass(frozen=True, slots=True)
class NormalizedTransaction:
    source: Source
    source_id: str
    created_at: datetime  # tz-aware UTC
    amount: Decimal
    status: Status
    currency: str = "INR"
    reference_id: str | None = None
    client_operation_id: str | None = None
    order_id: str | None = None
    project: str | None = None
    merchant_id: str | None = None
    fee: Decimal | None = None
    original_status: str | None = None
    user_id: str | None = None
    user_email: str | None = None
    user_phone: str | None = None
    user_name: str | None = None
    country: str | None = None
    utr: str | None = None
    payment_method: str | None = None
    payment_product: str | None = None
    updated_at: datetime | None = None
    completed_at: datetime | None = None
    source_create_cursor: str | None = None
    source_update_cursor: str | None = None
    raw_data: dict[str, Any] = field(default_factory=dict)
    # True when the source sent a status value the normalizer did not know.
    unknown_status: bool = False
    # Pay-outs never enter the rollups, reconciliation or payment links (sync/upsert.py).
    direction: Direction = "payin"
