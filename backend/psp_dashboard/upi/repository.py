"""UPI SQL: status timelines, and the sums behind the overview's UPI figures.

Deemed depends on "now": the whole 30-minute buckets before the cut-off are summed from
`transaction_rollup` (pending, UPI, payments: count less counterparts), the rest — less
than one bucket — from the rows through the (status, created_at) index. Reversals are
read through the history's partial index of reversal entries.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.metrics.params import MetricFilters
from psp_dashboard.models import transaction_rollup as r
from psp_dashboard.models import transaction_status_history as h
from psp_dashboard.models import transactions as t
from psp_dashboard.models.rollup import bucket_start
from psp_dashboard.upi.rules import Entry, deemed_condition, reversed_condition, upi_condition

Key = tuple[str, str, datetime]  # (source, source_id, created_at): the row's unique key


def _entry(row: Any) -> Entry:
    return Entry(row.status, row.original_status, row.seen_at, row.sync_run_id)


async def key_of(conn: AsyncConnection, transaction_id: uuid.UUID) -> tuple[Key, str] | None:
    """The row's unique key and current status."""
    stmt = select(t.c.source, t.c.source_id, t.c.created_at, t.c.status).where(
        t.c.id == transaction_id
    )
    row = (await conn.execute(stmt)).first()
    return None if row is None else ((row[0], row[1], row[2]), row[3])


async def timelines(conn: AsyncConnection, keys: Iterable[Key]) -> dict[Key, list[Entry]]:
    """Each key's history in the order it was seen (ties: the order it was written)."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    stmt = (
        select(h.c.source, h.c.source_id, h.c.created_at, h.c.status, h.c.original_status,
               h.c.seen_at, h.c.sync_run_id)
        .where(tuple_(h.c.source, h.c.source_id, h.c.created_at).in_(wanted))
        .order_by(h.c.source, h.c.source_id, h.c.created_at, h.c.seen_at, h.c.id)
    )  # fmt: skip
    out: dict[Key, list[Entry]] = {key: [] for key in wanted}
    for row in await conn.execute(stmt):
        out[(row.source, row.source_id, row.created_at)].append(_entry(row))
    return out


def _payments_of(
    start: datetime, end: datetime, filters: MetricFilters
) -> list[ColumnElement[bool]]:
    """The overview's payments of the period: pay-ins that are not another row's
    counterpart (docs/payments.md), with the overview's filters."""
    out = [
        t.c.created_at >= start,
        t.c.created_at < end,
        t.c.direction == "payin",
        t.c.counterpart_of.is_(None),
    ]
    out += [t.c[name] == value for name, value in filters.as_equalities().items() if value]
    return out


async def _sums(
    conn: AsyncConnection, conditions: list[ColumnElement[bool]]
) -> list[tuple[str, int, Decimal]]:
    stmt = (
        select(t.c.currency, func.count(), func.sum(t.c.amount))
        .where(*conditions)
        .group_by(t.c.currency)
        .order_by(t.c.currency)
    )
    return [(str(r[0]), int(r[1]), Decimal(r[2])) for r in await conn.execute(stmt)]


async def _rollup_pending_upi(
    conn: AsyncConnection, start: datetime, end: datetime, filters: MetricFilters
) -> list[tuple[str, int, Decimal]]:
    """Pending UPI payments of whole buckets [start, end) from the rollup (pay-ins only)."""
    equal = [r.c[name] == value for name, value in filters.as_equalities().items() if value]
    count = func.sum(r.c["count"] - r.c.counterpart_count)
    stmt = (
        select(r.c.currency, count, func.sum(r.c.amount - r.c.counterpart_amount))
        .where(r.c.bucket >= start, r.c.bucket < end, r.c.status == "pending")
        .where(upi_condition(r), *equal)
        .group_by(r.c.currency)
        .having(count != 0)
        .order_by(r.c.currency)
    )
    return [(str(x[0]), int(x[1]), Decimal(x[2])) for x in await conn.execute(stmt)]


async def deemed_sums(
    conn: AsyncConnection,
    start: datetime,
    end: datetime,
    filters: MetricFilters,
    deemed_before: datetime,
) -> list[tuple[str, int, Decimal]]:
    """(currency, count, amount) of the period's deemed payments: created in the period
    before `deemed_before` and pending now. `start`/`end` are on bucket edges."""
    stop = min(end, deemed_before)
    whole = min(stop, max(start, bucket_start(deemed_before)))
    out = await _rollup_pending_upi(conn, start, whole, filters) if whole > start else []
    if stop > whole:
        rows = [*_payments_of(whole, stop, filters), deemed_condition(t, deemed_before)]
        out += await _sums(conn, rows)
    return out


async def reversal_sums(
    conn: AsyncConnection, start: datetime, end: datetime, filters: MetricFilters
) -> list[tuple[str, int, Decimal]]:
    """(currency, count, amount) of the period's reversed payments."""
    conditions = [*_payments_of(start, end, filters), reversed_condition(t, start, end)]
    return await _sums(conn, conditions)
