"""Metrics SQL: every figure is summed from the rollups, never from `transactions`.

`transaction_rollup` holds 30-minute buckets per (source, project, status,
original_status, payment_method, merchant_id, currency), maintained by the ingestion
pipeline in the same database transaction as the rows; totals over whole UTC days come
from its daily level (`daily.py`). `''` stands for NULL in the dimension
columns; rows whose count fell to 0 (a status moved away) may remain, so listings
filter on a non-zero count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    and_,
    cast,
    extract,
    func,
    literal,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select, Subquery

from psp_dashboard.kit.periods import Period
from psp_dashboard.metrics import daily
from psp_dashboard.metrics.params import MetricFilters, Unit
from psp_dashboard.models import transaction_rollup as r
from psp_dashboard.models import transactions as t
from psp_dashboard.models.rollup import BUCKET, BUCKET_INTERVAL_SQL, bucket_start

_BUCKET: ColumnElement[Any] = literal_column(BUCKET_INTERVAL_SQL)


def _inline(value: str) -> ColumnElement[Any]:
    """A validated constant rendered into the SQL text (time zone, unit): the same
    expression then appears identically in SELECT and GROUP BY."""
    return literal(value, literal_execute=True)


def _instant(value: datetime) -> ColumnElement[Any]:
    return literal(value, DateTime(timezone=True))


def _filters(filters: MetricFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.source is not None:
        conditions.append(r.c.source == filters.source)
    if filters.project is not None:
        conditions.append(r.c.project == filters.project)
    if filters.currency is not None:
        conditions.append(r.c.currency == filters.currency)
    return conditions


def _within(start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(r.c.bucket >= start, r.c.bucket < end)


def _int(value: Any) -> int:
    return int(value or 0)


def _dec(value: Any) -> Decimal:
    return Decimal(value) if value is not None else Decimal(0)


@dataclass(frozen=True, slots=True)
class Cell:
    """One aggregated group: its key values, count and amount (in `currency`)."""

    key: tuple[Any, ...]
    currency: str
    count: int
    amount: Decimal
    # Of those rows, the ones that are another row's counterpart (payments/links.py).
    linked_count: int = 0
    linked_amount: Decimal = Decimal(0)


def _raw_sums(
    start: datetime, end: datetime, filters: MetricFilters, dims: tuple[str, ...], tag: int
) -> Select[Any]:
    """`daily.sums`' columns for a range that is not whole buckets, from the rows
    themselves: only the sliver of a compared period cut at "now" (< 30 minutes, read
    through the `created_at` index)."""
    columns: list[ColumnElement[Any]] = [
        (func.coalesce(t.c[d], "") if d == "project" else t.c[d]).label(d) for d in dims
    ]
    linked = t.c.counterpart_of.isnot(None)
    columns += [
        func.count().label("count"),
        func.sum(t.c.amount).label("amount"),
        func.count(t.c.counterpart_of).label("counterpart_count"),
        func.coalesce(func.sum(t.c.amount).filter(linked), 0).label("counterpart_amount"),
        literal(tag).label("tag"),
    ]
    # Pay-ins only, like the rollups these rows stand in for (pay-outs: metrics/net_flow).
    conditions = [t.c.created_at >= start, t.c.created_at < end, t.c.direction == "payin"]
    conditions += [t.c[name] == value for name, value in filters.as_equalities().items() if value]
    return select(*columns).where(*conditions).group_by(*(t.c[d] for d in dims))


async def status_source_totals(
    conn: AsyncConnection,
    period: Period,
    previous: Period,
    filters: MetricFilters,
    previous_until: datetime | None = None,
) -> tuple[list[Cell], list[Cell]]:
    """(current, previous) cells keyed by (status, source, project), in one round trip.

    `previous_until`: the compared period ends there instead (an in-progress period is
    compared with the same elapsed span); whole buckets come from the rollups, the part
    of a bucket up to that instant from the rows."""
    dims = ("status", "source", "project", "currency")
    equal = filters.as_equalities()
    previous_end = previous.end
    parts = [*daily.sums(period.start, period.end, equal, dims, tag=0, linked=True)]
    if previous_until is not None and previous_until < previous.end:
        previous_end = max(previous.start, bucket_start(previous_until))
        if previous_until > previous_end:
            parts.append(_raw_sums(previous_end, previous_until, filters, dims, tag=1))
    parts += daily.sums(previous.start, previous_end, equal, dims, tag=1, linked=True)
    rows = union_all(*parts).subquery()
    keys = [rows.c.tag, *(rows.c[d] for d in dims)]
    stmt = select(
        *keys, func.sum(rows.c["count"]), func.sum(rows.c.amount),
        func.sum(rows.c.counterpart_count), func.sum(rows.c.counterpart_amount),
    ).group_by(*keys)  # fmt: skip
    current: list[Cell] = []
    prior: list[Cell] = []
    for row in await conn.execute(stmt):
        tag, status, source, project, currency, count, amount, n, a = tuple(row)
        if _int(count):
            cell = Cell(
                (status, source, project), currency, _int(count), _dec(amount), _int(n), _dec(a)
            )
            (current if tag == 0 else prior).append(cell)
    return current, prior


def _measure(column: ColumnElement[Any], linked: ColumnElement[Any], unit: Unit) -> Any:
    """Rows count every row; payments leave out the counterparts."""
    return column - linked if unit == "payments" else column


async def grouped_totals(
    conn: AsyncConnection,
    period: Period,
    filters: MetricFilters,
    *dimensions: str,
    unit: Unit = "rows",
) -> list[Cell]:
    """Cells keyed by (`dimensions`..., status) over the period (non-zero counts only),
    counting rows or payments."""
    if set(dimensions) <= daily.DIMENSIONS:
        dims = (*dimensions, "status", "currency")
        parts = daily.sums(period.start, period.end, filters.as_equalities(), dims, linked=True)
        rows = union_all(*parts).subquery()
        columns = [rows.c[name] for name in dims]
        total_count = func.sum(_measure(rows.c["count"], rows.c.counterpart_count, unit))
        total_amount = func.sum(_measure(rows.c.amount, rows.c.counterpart_amount, unit))
        stmt = select(*columns, total_count, total_amount).group_by(*columns)
    else:
        columns = [*(r.c[name] for name in dimensions), r.c.status, r.c.currency]
        total_count = func.sum(_measure(r.c.count, r.c.counterpart_count, unit))
        total_amount = func.sum(_measure(r.c.amount, r.c.counterpart_amount, unit))
        stmt = (
            select(*columns, total_count, total_amount)
            .where(_within(period.start, period.end), *_filters(filters))
            .group_by(*columns)
        )
    cells = []
    for row in await conn.execute(stmt.having(total_count != 0)):
        *key, currency, count, amount = row
        cells.append(Cell(tuple(key), currency, _int(count), _dec(amount)))
    return cells


@dataclass(frozen=True, slots=True)
class BucketRow:
    start: datetime
    currency: str | None  # None: an empty bucket
    count: int
    amount: Decimal
    success_count: int
    failed_count: int


async def buckets(
    conn: AsyncConnection,
    period: Period,
    filters: MetricFilters,
    granularity: str,
    unit: Unit = "rows",
) -> list[BucketRow]:
    """Every local hour/day/week of the period, empty ones included, with its sums.

    The list of buckets is generated from the half hours of the period truncated the same
    way as the data, so both sides agree on every boundary (DST and +05:30 included); weeks
    start on Monday (ISO), so the first may begin before `from_date`.
    """
    tz = _inline(period.timezone)
    trunc = _inline(granularity)
    half_hours = func.generate_series(
        _instant(period.start), _instant(period.end - BUCKET), _BUCKET
    ).column_valued("ts")
    series = select(func.date_trunc(trunc, half_hours, tz).label("start")).distinct().subquery()
    per_bucket = _per_bucket(period, filters, with_outcomes=True, unit=unit)
    local = func.date_trunc(trunc, per_bucket.c.bucket, tz)
    data = (
        select(
            local.label("start"),
            per_bucket.c.currency,
            func.sum(per_bucket.c["count"]).label("count"),
            func.sum(per_bucket.c.amount).label("amount"),
            func.sum(per_bucket.c.success_count).label("success_count"),
            func.sum(per_bucket.c.failed_count).label("failed_count"),
        )
        .group_by(local, per_bucket.c.currency)
        .having(func.sum(per_bucket.c["count"]) != 0)
        .subquery()
    )
    stmt = (
        select(
            series.c.start,
            data.c.currency,
            data.c.count,
            data.c.amount,
            data.c.success_count,
            data.c.failed_count,
        )
        .select_from(series.outerjoin(data, data.c.start == series.c.start))
        .order_by(series.c.start, data.c.currency)
    )
    return [
        BucketRow(start, currency, _int(count), _dec(amount), _int(ok), _int(failed))
        for start, currency, count, amount, ok, failed in await conn.execute(stmt)
    ]


async def weekday_hour_totals(
    conn: AsyncConnection, period: Period, filters: MetricFilters, unit: Unit = "rows"
) -> list[Cell]:
    """Cells keyed by (weekday 0=Monday, hour) in the period's time zone."""
    per_bucket = _per_bucket(period, filters, with_outcomes=False, unit=unit)
    local = func.timezone(_inline(period.timezone), per_bucket.c.bucket)
    weekday = cast(extract("isodow", local), Integer) - 1
    hour = cast(extract("hour", local), Integer)
    total_count = func.sum(per_bucket.c["count"])
    stmt = (
        select(weekday, hour, per_bucket.c.currency, total_count, func.sum(per_bucket.c.amount))
        .group_by(weekday, hour, per_bucket.c.currency)
        .having(total_count != 0)
    )
    return [
        Cell((int(day), int(hr)), currency, _int(count), _dec(amount))
        for day, hr, currency, count, amount in await conn.execute(stmt)
    ]


def _per_bucket(
    period: Period, filters: MetricFilters, *, with_outcomes: bool, unit: Unit = "rows"
) -> Subquery:
    """The period's rollup summed per (30-minute bucket, currency) first: the time zone
    arithmetic of hours, days and weekdays then runs once per bucket (~1,500 in 31 days)
    rather than once per rollup row (~60 per bucket). Measured on the 10M-row bench
    database: heatmap 96 → 62 ms."""
    count = _measure(r.c.count, r.c.counterpart_count, unit)
    columns: list[ColumnElement[Any]] = [
        r.c.bucket,
        r.c.currency,
        func.sum(count).label("count"),
        func.sum(_measure(r.c.amount, r.c.counterpart_amount, unit)).label("amount"),
    ]
    if with_outcomes:
        columns += [
            func.sum(count).filter(r.c.status == "success").label("success_count"),
            func.sum(count).filter(r.c.status == "failed").label("failed_count"),
        ]
    return (
        select(*columns)
        .where(_within(period.start, period.end), *_filters(filters))
        .group_by(r.c.bucket, r.c.currency)
        .subquery()
    )
