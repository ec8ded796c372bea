"""Transaction reads: filtered pages, exact counts, one row by id.

Counting is where 10M rows hurt: `COUNT(*)` over a month is seconds. Filters on source,
project, status and created_at days are exactly the rollup's dimensions, so their count
is summed from the rollups (maintained with the rows, so it is exact; see
`metrics/daily.py`) whenever the day boundaries fall on its 30-minute buckets. Only a
`search` (a handful of rows by indexed equality) or a quarter-hour time zone counts the
table itself, bounded by the date range so partition pruning applies.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import replace
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Select,
    Text,
    and_,
    cast,
    func,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.metrics import daily
from psp_dashboard.models import transactions as t
from psp_dashboard.models.rollup import on_bucket_edge
from psp_dashboard.models.transaction import CONTRACT_FIELDS
from psp_dashboard.sync.records import PAYOUT_ID_PREFIX
from psp_dashboard.transactions.filters import TransactionFilters
from psp_dashboard.upi.rules import flag_condition

FIELDS = CONTRACT_FIELDS
COLUMNS = [t.c[name] for name in FIELDS]
# Every source the system ingests: lets `source_id` use the (source, source_id,
# created_at) unique index without an index of its own.
KNOWN_SOURCES = ("vima", "payshack")

_NULLABLE_SORTS = {"updated_at"}


def search_condition(term: str, *, payer_fields: bool = True) -> ColumnElement[bool]:
    """Exact match on each identifier column; every arm has an index, so PostgreSQL
    combines them with a BitmapOr instead of scanning (no LIKE over 10M rows). Payer
    fields (e-mail, phone, VPA, name) only when the caller sees them unmasked: for the
    others a hit would confirm a value the answer then shows masked."""
    arms: list[ColumnElement[bool]] = [
        *(and_(t.c.source == source, t.c.source_id == term) for source in KNOWN_SOURCES),
        # A pay-out by the provider's bare id (stored with a prefix, sync/records.py).
        and_(t.c.source == "payshack", t.c.source_id == PAYOUT_ID_PREFIX + term),
        t.c.order_id == term,
        t.c.client_operation_id == term,
        t.c.utr == term,
    ]
    if payer_fields:
        # `user_id` holds PayShack's payer VPA (`harpreet492@ybl`); VPAs and names are
        # matched in any case, whole (each arm has an expression index, migration 0011).
        arms += [
            func.lower(t.c.user_email) == term.lower(),
            t.c.user_phone == term,
            func.lower(t.c.user_id) == term.lower(),
            func.lower(t.c.user_name) == term.lower(),
        ]
    with contextlib.suppress(ValueError):  # not a UUID: no id arm
        arms.append(t.c.id == uuid.UUID(term))
    return or_(*arms)


def conditions(filters: TransactionFilters) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if filters.source is not None:
        out.append(t.c.source == filters.source)
    if filters.project is not None:
        out.append(t.c.project == filters.project)
    if filters.status is not None:
        out.append(t.c.status == filters.status)
    if filters.direction is not None:
        out.append(t.c.direction == filters.direction)
    if filters.start is not None:
        out.append(t.c.created_at >= filters.start)
    if filters.end is not None:
        out.append(t.c.created_at < filters.end)
    if filters.search is not None:
        out.append(search_condition(filters.search, payer_fields=filters.search_payer_fields))
    if filters.flag is not None:
        out.append(flag_condition(t, filters.flag, filters.deemed_before))
    return out


def source(filters: TransactionFilters) -> tuple[FromClause, list[ColumnElement[bool]]]:
    """What to select from, and the conditions left to apply there.

    A search matches a handful of rows, but PostgreSQL cannot know that: it may walk the
    created_at index through the whole table looking for them to fill a page in order.
    Materializing the matches first makes it use the BitmapOr of the identifier
    indexes, then sort those few rows.
    """
    if filters.search is None:
        return t, conditions(filters)
    hits = select(*COLUMNS).where(*conditions(filters)).cte("hits").prefix_with("MATERIALIZED")
    return hits, []


def ordered(stmt: Select[Any], src: FromClause, sort_by: str, order: str) -> Select[Any]:
    column = src.c[sort_by]
    key = column.desc() if order == "desc" else column.asc()
    if sort_by in _NULLABLE_SORTS:
        key = key.nulls_last()
    # `id` breaks ties so pages never repeat or skip rows with equal sort values.
    return stmt.order_by(key, src.c.id.desc() if order == "desc" else src.c.id.asc())


def select_rows(filters: TransactionFilters, sort_by: str, order: str) -> Select[Any]:
    src, where = source(filters)
    return ordered(select(*(src.c[name] for name in FIELDS)).where(*where), src, sort_by, order)


def after(src: FromClause, sort_by: str, order: str, value: Any, row_id: uuid.UUID) -> Any:
    """Rows strictly after (`value`, `row_id`) in `ordered`'s order: the keyset page's
    condition. Written so the sort column's own bound comes first (`created_at <= v`),
    which PostgreSQL can read from the sort's index instead of filtering every row."""
    column, rid = src.c[sort_by], src.c.id
    id_beyond = rid < row_id if order == "desc" else rid > row_id
    if value is None:  # stopped among the NULLs, which come last
        return and_(column.is_(None), id_beyond)
    beyond = column < value if order == "desc" else column > value
    within = column <= value if order == "desc" else column >= value
    keyed = and_(within, or_(beyond, id_beyond))
    if sort_by in _NULLABLE_SORTS:
        return or_(keyed, column.is_(None))
    return keyed


async def _without_jit(conn: AsyncConnection, filters: TransactionFilters) -> None:
    """A search's row estimate is a guess (it matches a handful of rows, the planner
    assumes thousands), and past `jit_above_cost` PostgreSQL spends 15-25 ms compiling
    a query that then runs in 1 ms. Off for this read transaction only."""
    if filters.search is not None:
        await conn.execute(text("SET LOCAL jit = off"))


async def page(
    conn: AsyncConnection,
    filters: TransactionFilters,
    sort_by: str,
    order: str,
    limit: int,
    offset: int,
) -> list[dict[str, Any]]:
    await _without_jit(conn, filters)
    stmt = select_rows(filters, sort_by, order).limit(limit).offset(offset)
    return [dict(row._mapping) for row in await conn.execute(stmt)]


async def page_after(
    conn: AsyncConnection,
    filters: TransactionFilters,
    sort_by: str,
    order: str,
    limit: int,
    position: tuple[Any, uuid.UUID],
) -> list[dict[str, Any]]:
    """The `limit` rows after `position` (sort value, id): no OFFSET, so the cost does
    not grow with the depth."""
    await _without_jit(conn, filters)
    src, where = source(filters)
    stmt = select(*(src.c[name] for name in FIELDS)).where(
        *where, after(src, sort_by, order, *position)
    )
    stmt = ordered(stmt, src, sort_by, order).limit(limit)
    return [dict(row._mapping) for row in await conn.execute(stmt)]


def countable_from_rollup(filters: TransactionFilters) -> bool:
    return (
        filters.search is None
        and filters.flag is None
        and all(bound is None or on_bucket_edge(bound) for bound in (filters.start, filters.end))
    )


async def count(conn: AsyncConnection, filters: TransactionFilters) -> int:
    if countable_from_rollup(filters):
        # The rollups hold pay-ins only (0013); pay-outs, a small share, are counted
        # through their partial index.
        total = 0
        if filters.direction != "payout":
            equal = {"source": filters.source, "project": filters.project,
                     "status": filters.status}  # fmt: skip
            parts = daily.sums(filters.start, filters.end, equal, ())
            rows = union_all(*parts).subquery()
            pay_ins = select(func.coalesce(func.sum(rows.c["count"]), 0))
            total += int((await conn.execute(pay_ins)).scalar_one())
        if filters.direction != "payin":
            pay_outs = select(func.count()).select_from(t)
            pay_outs = pay_outs.where(*conditions(replace(filters, direction="payout")))
            total += int((await conn.execute(pay_outs)).scalar_one())
        return total
    else:
        await _without_jit(conn, filters)
        stmt = select(func.count()).select_from(t).where(*conditions(filters))
    return int((await conn.execute(stmt)).scalar_one())


async def get(conn: AsyncConnection, transaction_id: uuid.UUID) -> dict[str, Any] | None:
    stmt = select(*COLUMNS, cast(t.c.raw_data, Text).label("raw_data")).where(
        t.c.id == transaction_id
    )
    row = (await conn.execute(stmt)).first()
    if row is None:
        return None
    found = dict(row._mapping)
    raw = found["raw_data"]
    # Numbers as Decimal: the provider's digits come back exactly, never via float.
    found["raw_data"] = None if raw is None else json.loads(raw, parse_float=Decimal)
    return found
