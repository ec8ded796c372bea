"""Served facts as a correct importer would read them: normalized good records, or bad
records it must quarantine."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from psp_dashboard.sandbox.clients import CLIENT_PROJECTS
from psp_dashboard.sandbox.facts import BadReason, PayInFacts, VimaFacts
from psp_dashboard.sandbox.payshack_render import ID_BASE
from psp_dashboard.sandbox.render_common import year_of
from psp_dashboard.sandbox.statuses import Normalized, normalize_payshack, normalize_vima
from psp_dashboard.sandbox.timeline import moment_of

if TYPE_CHECKING:
    from psp_dashboard.sandbox.world import World

Source = Literal["vima", "payshack"]


@dataclass(frozen=True, slots=True)
class TruthRecord:
    source: Source
    source_id: str  # Vima operation_id / PayShack txnId
    key: str | None  # client_operation_id (or c_id) / orderId, trimmed; None when absent
    project: str | None
    created_at: datetime
    amount: Decimal
    status: Normalized
    original_status: str
    entry: int


@dataclass(frozen=True, slots=True)
class BadRecord:
    source: Source
    entry: int
    source_id: str | None  # as it would have been served; the record may lack it
    locator: str  # Vima operation_create_id / PayShack _id: always present
    reason: BadReason

    def as_json(self) -> dict[str, str | int | None]:
        return {
            "source": self.source,
            "entry": self.entry,
            "source_id": self.source_id,
            "locator": self.locator,
            "reason": self.reason,
        }


def _decimal(minor: int) -> Decimal:
    return Decimal(minor).scaleb(-2)


def vima_record(w: World, f: VimaFacts) -> TruthRecord | BadRecord:
    op_id = w.ids.operation_id(f.entry)
    if f.bad is not None:
        return BadRecord("vima", f.entry, op_id, str(w.ids.create_id(f.create_slot)), f.bad)
    key = f.key.strip() if f.key is not None and f.key_mode != "none" else None
    amount = f.complete_minor if f.complete_minor is not None else f.amount_minor
    return TruthRecord(
        source="vima",
        source_id=op_id,
        key=key or None,
        project=f.project,
        created_at=moment_of(f.created_ms),
        amount=_decimal(amount),
        status=normalize_vima(f.current_status, f.payment_status),
        original_status=f.payment_status or f.current_status,
        entry=f.entry,
    )


def payshack_record(w: World, f: PayInFacts) -> TruthRecord | BadRecord:
    txn_id = w.ids.txn_id(f.entry, year_of(f.created_ms))
    if f.bad is not None:
        return BadRecord("payshack", f.entry, txn_id, str(ID_BASE + f.entry), f.bad)
    amount = f.paid_minor if f.paid_minor is not None else f.amount_minor
    return TruthRecord(
        source="payshack",
        source_id=txn_id,
        key=f.order_id.strip() or None,
        project=CLIENT_PROJECTS.get(f.client),
        # What a correct importer stores: pay-in times are kept to the whole second,
        # the precision both PayShack transports (API and dashboard table) share.
        created_at=moment_of(f.created_ms - f.created_ms % 1000),
        amount=_decimal(amount),
        status=normalize_payshack(f.status),
        original_status=f.status,
        entry=f.entry,
    )
