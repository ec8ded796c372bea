"""UPI figures and flags: the transaction object's `upi`, its timeline, the overview's
deemed / reversal figures (definitions in `rules.py` and docs/upi.md)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.errors import found
from psp_dashboard.kit.periods import Period
from psp_dashboard.metrics.figures import Currencies, Tally
from psp_dashboard.metrics.params import MetricFilters
from psp_dashboard.upi import repository
from psp_dashboard.upi.rules import REVERSAL, Reversal, is_deemed, reversal_of


def deemed_before(now: datetime, minutes: int) -> datetime:
    """Pendings created before this instant are deemed."""
    return now - timedelta(minutes=minutes)


def flags(
    row: dict[str, Any], before: datetime | None, reversal: Reversal | None
) -> dict[str, Any]:
    return {
        "deemed": is_deemed(row, before),
        "reversed": reversal is not None,
        "reversal_age_seconds": None if reversal is None else reversal.age_seconds,
    }


async def annotate(
    conn: AsyncConnection, rows: list[dict[str, Any]], before: datetime | None
) -> list[dict[str, Any]]:
    """Adds `upi` to each transaction object; one history read for the refunded rows
    (the only ones that can be reversals)."""
    keys = [(r["source"], r["source_id"], r["created_at"]) for r in rows if r["status"] == REVERSAL]
    histories = await repository.timelines(conn, keys)
    for row in rows:
        key = (row["source"], row["source_id"], row["created_at"])
        reversal = reversal_of(row["status"], histories.get(key, []))
        row["upi"] = flags(row, before, reversal)
    return rows


async def timeline(conn: AsyncConnection, transaction_id: uuid.UUID) -> dict[str, Any]:
    """Every status the row was seen with, oldest first, and the reversal they show."""
    looked_up = found(
        await repository.key_of(conn, transaction_id),
        "Transaction not found",
        {"id": str(transaction_id)},
    )
    key, status = looked_up
    entries = (await repository.timelines(conn, [key]))[key]
    reversal = reversal_of(status, entries)
    return {
        "items": [
            {
                "status": e.status,
                "original_status": e.original_status,
                "seen_at": e.seen_at,
                "sync_run_id": e.sync_run_id,
            }
            for e in entries
        ],
        "reversal": None
        if reversal is None
        else {
            "paid_seen_at": reversal.paid_seen_at,
            "reversed_seen_at": reversal.reversed_seen_at,
            "age_seconds": reversal.age_seconds,
        },
    }


def _tally(sums: list[tuple[str, int, Decimal]]) -> Tally:
    tally = Tally()
    for currency, count, amount in sums:
        tally.add(currency, count, amount)
    return tally


def _less(whole: Tally, part: Tally) -> Tally:
    out = Tally()
    out.merge(whole)
    out.count -= part.count
    for currency, amount in part.amounts.items():
        out.amounts[currency] = out.amounts.get(currency, Decimal(0)) - amount
    return out


async def overview_figures(
    conn: AsyncConnection,
    period: Period,
    filters: MetricFilters,
    now: datetime,
    minutes: int,
    cur: Currencies,
    pending: Tally,
) -> dict[str, Any]:
    """The overview's UPI fields, in payments (each payment once, pay-ins only) like its
    headline cards: deemed, the pendings that are not (yet) deemed, reversals."""
    before = deemed_before(now, minutes)
    deemed = _tally(await repository.deemed_sums(conn, period.start, period.end, filters, before))
    reversed_ = _tally(await repository.reversal_sums(conn, period.start, period.end, filters))
    fresh = _less(pending, deemed)
    return {
        "deemed_after_minutes": minutes,
        "deemed_before": before,
        "deemed_count": deemed.count,
        "deemed_amount": cur.amount(deemed),
        "pending_fresh_count": fresh.count,
        "pending_fresh_amount": cur.amount(fresh),
        "reversals_count": reversed_.count,
        "reversals_amount": cur.amount(reversed_),
    }
