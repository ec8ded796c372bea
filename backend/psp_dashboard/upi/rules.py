"""The definitions of docs/upi.md, as pure functions and as SQL conditions.

- **UPI**: every PayShack row (a UPI provider), or a row whose payment method names
  UPI (`UPI_INTENT`, `upi`, …), whatever its source. (The payment method, not the
  product: it is a rollup dimension, so the overview sums deemed pay-ins from there.)
- **Deemed** (stuck): a UPI pay-in still `pending` whose `created_at` is more than
  `UPI_DEEMED_AFTER_MINUTES` before now.
- **Reversed**: the row is `refunded` now and its status history holds a `success`
  seen earlier: money we once showed as paid was pulled back. Its age is the time from
  the last `success` seen to the first `refunded` seen after it. A row first seen
  already refunded is not a reversal we saw (its status says refunded all along).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Table, and_, func, or_, select, tuple_

from psp_dashboard.models import transaction_status_history as h

Flag = Literal["deemed", "reversed"]
UPI_SOURCE = "payshack"
UPI_MARK = "upi"
PAID = "success"
REVERSAL = "refunded"


def is_upi(source: str, payment_method: str | None) -> bool:
    return source == UPI_SOURCE or UPI_MARK in (payment_method or "").lower()


def is_deemed(row: Mapping[str, Any], deemed_before: datetime | None) -> bool:
    """`row` has the transaction object's fields (`direction` absent means a pay-in)."""
    return (
        deemed_before is not None
        and row["status"] == "pending"
        and row.get("direction", "payin") == "payin"
        and is_upi(row["source"], row["payment_method"])
        and row["created_at"] < deemed_before
    )


@dataclass(frozen=True, slots=True)
class Entry:
    """One status a row was seen with (`transaction_status_history`)."""

    status: str
    original_status: str | None
    seen_at: datetime
    sync_run_id: Any = None


@dataclass(frozen=True, slots=True)
class Reversal:
    paid_seen_at: datetime
    reversed_seen_at: datetime

    @property
    def age_seconds(self) -> int:
        return int((self.reversed_seen_at - self.paid_seen_at).total_seconds())


def reversal_of(current_status: str, entries: Sequence[Entry]) -> Reversal | None:
    """`entries` in the order they were seen. None unless the row is refunded now and
    was seen successful before."""
    if current_status != REVERSAL:
        return None
    paid: datetime | None = None
    reversal: Reversal | None = None
    for entry in entries:
        if entry.status == PAID:
            paid, reversal = entry.seen_at, None
        elif entry.status == REVERSAL and paid is not None and reversal is None:
            reversal = Reversal(paid, entry.seen_at)
    return reversal


def upi_condition(t: Table) -> ColumnElement[bool]:
    """On `transactions` or `transaction_rollup` (both have source and payment_method)."""
    return or_(t.c.source == UPI_SOURCE, t.c.payment_method.ilike(f"%{UPI_MARK}%"))


def deemed_condition(t: Table, deemed_before: datetime) -> ColumnElement[bool]:
    """Index-friendly: `status = 'pending'` and a `created_at` bound lead, so the
    (status, created_at) index reads only the old pendings."""
    return and_(
        t.c.status == "pending",
        t.c.created_at < deemed_before,
        t.c.direction == "payin",
        upi_condition(t),
    )


def reversed_condition(
    t: Table, start: datetime | None = None, end: datetime | None = None
) -> ColumnElement[bool]:
    """Refunded now, and a refund of it was seen after a success: ingestion marks such
    history entries `reversal` (sync/upsert.py), a few rows read through their partial
    index instead of probing the history of every refunded row. (While a row is
    refunded its last entry is a refund, so this is `reversal_of(...) is not None`.)
    `start`/`end` bound the rows' created_at inside the index read."""
    keys = select(h.c.source, h.c.source_id, h.c.created_at).where(h.c.reversal)
    if start is not None:
        keys = keys.where(h.c.created_at >= start)
    if end is not None:
        keys = keys.where(h.c.created_at < end)
    return and_(t.c.status == REVERSAL, tuple_(t.c.source, t.c.source_id, t.c.created_at).in_(keys))


def flag_condition(t: Table, flag: Flag, deemed_before: datetime | None) -> ColumnElement[bool]:
    if flag == "deemed":
        # Without a clock nothing can be deemed (every caller of the API has one).
        return deemed_condition(t, deemed_before) if deemed_before else func.false()
    return reversed_condition(t)
