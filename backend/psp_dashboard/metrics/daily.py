"""Sums over a time range from the cheapest rollup level that is exact for it.

`transaction_rollup_daily` (migration 0005) sums the 30-minute rollup per UTC day over
(source, project, status, currency). A range whose ends fall on UTC half hours is whole
UTC days (from the daily table) plus at most a partial day at each end (from the
30-minute rollup): a 30-day IST period reads ~29 × 40 daily rows and ~48 × 60 bucket
rows instead of ~1,440 × 60. Figures that need other dimensions (payment method,
merchant, original status) or sub-day buckets read the 30-minute rollup only.

Until the migration is applied the daily table does not exist and every range is read
from the 30-minute rollup: same results, more rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    CHAR,
    BigInteger,
    Column,
    ColumnElement,
    Date,
    MetaData,
    Numeric,
    Select,
    String,
    Table,
    and_,
    literal,
    or_,
    select,
    text,
)
from sqlalchemy.ext.asyncio import AsyncEngine

from psp_dashboard.models import transaction_rollup as rollup

# Maintained by a trigger on transaction_rollup (migration 0005); described here for
# queries only.
daily = Table(
    "transaction_rollup_daily",
    MetaData(),
    Column("day", Date, nullable=False),
    Column("source", String(20), nullable=False),
    Column("project", String(100), nullable=False),
    Column("status", String(30), nullable=False),
    Column("currency", CHAR(3), nullable=False),
    Column("count", BigInteger, nullable=False),
    Column("amount", Numeric(24, 4), nullable=False),
)
DIMENSIONS = frozenset({"source", "project", "status", "currency"})
_AVAILABLE_KEY = "metrics.daily_rollup"


async def available(engine: AsyncEngine, extras: dict[str, Any]) -> bool:
    """Whether the daily level exists (looked up once per process and database)."""
    flag = extras.get(_AVAILABLE_KEY)
    if flag is None:
        async with engine.connect() as conn:
            found = await conn.execute(text("SELECT to_regclass('transaction_rollup_daily')"))
            flag = found.scalar_one() is not None
        extras[_AVAILABLE_KEY] = flag
    return bool(flag)


def set_available(extras: dict[str, Any], flag: bool | None) -> None:
    """For tests and tools that create or drop the table while a process runs."""
    if flag is None:
        extras.pop(_AVAILABLE_KEY, None)
    else:
        extras[_AVAILABLE_KEY] = flag


def _next_utc_midnight(instant: datetime) -> datetime:
    day = datetime.combine(instant.astimezone(UTC).date(), time(0), UTC)
    return day if day == instant else day + timedelta(days=1)


def _utc_midnight_at_or_before(instant: datetime) -> datetime:
    return datetime.combine(instant.astimezone(UTC).date(), time(0), UTC)


def sums(
    start: datetime | None,
    end: datetime | None,
    equal: Mapping[str, str | None],
    dimensions: Sequence[str],
    *,
    use_daily: bool,
    tag: int | None = None,
) -> list[Select[Any]]:
    """SELECTs whose UNION ALL holds `dimensions`, `count`, `amount` (and `tag`) rows for
    [start, end) with the `equal` filters; open ends mean "all time". Aggregate on top.

    `start`/`end` must fall on UTC half hours (the rollup's buckets).
    """
    assert set(dimensions) <= DIMENSIONS and set(equal) <= DIMENSIONS

    def columns(table: Table) -> list[ColumnElement[Any]]:
        out: list[ColumnElement[Any]] = [table.c[d].label(d) for d in dimensions]
        out += [table.c["count"].label("count"), table.c["amount"].label("amount")]
        if tag is not None:
            out.append(literal(tag).label("tag"))
        return out

    def filters(table: Table) -> list[ColumnElement[bool]]:
        return [table.c[name] == value for name, value in equal.items() if value is not None]

    def buckets(lower: datetime | None, upper: datetime | None) -> ColumnElement[bool]:
        clauses = []
        if lower is not None:
            clauses.append(rollup.c.bucket >= lower)
        if upper is not None:
            clauses.append(rollup.c.bucket < upper)
        return and_(*clauses) if clauses else literal(True)

    first_day = None if start is None else _next_utc_midnight(start)
    last_day = None if end is None else _utc_midnight_at_or_before(end)
    if not use_daily or (first_day is not None and last_day is not None and first_day >= last_day):
        return [select(*columns(rollup)).where(buckets(start, end), *filters(rollup))]
    days = [*filters(daily)]
    if first_day is not None:
        days.append(daily.c.day >= first_day.date())
    if last_day is not None:
        days.append(daily.c.day < last_day.date())
    parts = [select(*columns(daily)).where(*days)]
    edges = []
    if first_day is not None and start is not None and start < first_day:
        edges.append(buckets(start, first_day))
    if last_day is not None and end is not None and last_day < end:
        edges.append(buckets(last_day, end))
    if edges:
        parts.append(select(*columns(rollup)).where(or_(*edges), *filters(rollup)))
    return parts
