"""Sums over a time range from the cheapest rollup level that is exact for it.

`transaction_rollup_daily` sums the 30-minute rollup per UTC day over (source, project,
status, currency). A range whose ends fall on bucket edges is whole UTC days (from the
daily table) plus at most a partial day at each end (from the 30-minute rollup): a
30-day IST period reads ~29 × 40 daily rows and ~48 × 60 bucket rows instead of
~1,440 × 60. Figures that need other dimensions (payment method, merchant, original
status) or sub-day buckets read the 30-minute rollup only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, and_, literal, or_, select

from psp_dashboard.models import transaction_rollup as rollup
from psp_dashboard.models import transaction_rollup_daily as daily

DIMENSIONS = frozenset({"source", "project", "status", "currency"})


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
    tag: int | None = None,
    linked: bool = False,
) -> list[Select[Any]]:
    """SELECTs whose UNION ALL holds `dimensions`, `count`, `amount` (with `linked`:
    `counterpart_count`, `counterpart_amount`; and `tag`) rows for [start, end) with the
    `equal` filters; open ends mean "all time". Aggregate on top.

    `start`/`end` must fall on bucket edges (`models.rollup.on_bucket_edge`).
    """
    assert set(dimensions) <= DIMENSIONS and set(equal) <= DIMENSIONS

    def columns(table: Table) -> list[ColumnElement[Any]]:
        out: list[ColumnElement[Any]] = [table.c[d].label(d) for d in dimensions]
        out += [table.c["count"].label("count"), table.c["amount"].label("amount")]
        if linked:
            out += [
                table.c["counterpart_count"].label("counterpart_count"),
                table.c["counterpart_amount"].label("counterpart_amount"),
            ]
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
    if first_day is not None and last_day is not None and first_day >= last_day:
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
