"""Metrics payloads (contract Part 1 shapes plus the Part 2 breakdowns)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.errors import ValidationFailed
from psp_dashboard.kit.json import percent
from psp_dashboard.kit.periods import Compare, Period
from psp_dashboard.metrics import repository
from psp_dashboard.metrics.clock import same_elapsed
from psp_dashboard.metrics.figures import Currencies, Tally, change
from psp_dashboard.metrics.params import MetricFilters, Unit
from psp_dashboard.models.rollup import on_bucket_edge
from psp_dashboard.upi import service as upi

STATUSES = ("success", "failed", "pending", "refunded")
SOURCES = ("vima", "payshack")
# Points a trends response may hold: a year of hours is 8,784; more is not a chart.
MAX_POINTS = 10_000
_HOURS_PER = {"hour": 1, "day": 24, "week": 24 * 7}


def require_rollup_aligned(period: Period) -> None:
    """Sums of whole 30-minute buckets are exact only when the period's ends fall on
    bucket edges. Every zone in use today does (UTC, Asia/Kolkata at +05:30, whole-hour
    DST zones); the few with quarter-hour offsets (Asia/Kathmandu, Australia/Eucla,
    Pacific/Chatham) are refused rather than answered wrongly."""
    for instant in (period.start, period.end):
        if not on_bucket_edge(instant):
            raise ValidationFailed(
                "Metrics are kept in 30-minute buckets; this time zone's day boundaries "
                "do not fall on UTC half hours",
                {
                    "field": "timezone",
                    "expected": "a time zone whose UTC offset is a multiple of 30 minutes",
                    "received": period.timezone,
                },
            )


def _keyed(cells: Iterable[repository.Cell], index: int, names: Iterable[str]) -> dict[str, Tally]:
    """Tallies by the key part at `index`, with `names` always present (zeros)."""
    tallies: dict[str, Tally] = {name: Tally() for name in names}
    for cell in cells:
        tallies.setdefault(cell.key[index], Tally()).add(cell.currency, cell.count, cell.amount)
    return tallies


def _total(cells: Iterable[repository.Cell]) -> Tally:
    tally = Tally()
    for cell in cells:
        tally.add(cell.currency, cell.count, cell.amount)
    return tally


def _avg_change(cur: Currencies, total: Tally, previous: Tally) -> Decimal | None:
    now, before = cur.average(total), cur.average(previous)
    return None if now is None or before is None else change(now, before)


def _points_change(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    """Difference of two percentages in percentage points (92.1 → 93.0 is +0.9)."""
    return None if now is None or before is None else now - before


def _changes(
    cur: Currencies,
    total: Tally,
    by_status: dict[str, Tally],
    prev_total: Tally,
    prev_status: dict[str, Tally],
) -> dict[str, Decimal | None]:
    return {
        "total_change": change(total.count, prev_total.count),
        "success_change": change(by_status["success"].count, prev_status["success"].count),
        "failed_change": change(by_status["failed"].count, prev_status["failed"].count),
        # Beyond the contract, for the dashboard's other KPI cards.
        "pending_change": change(by_status["pending"].count, prev_status["pending"].count),
        "amount_change": None if cur.mixed else change(total.amount(), prev_total.amount()),
        "avg_ticket_change": _avg_change(cur, total, prev_total),
        "conversion_change": _points_change(
            percent(by_status["success"].count, total.count),
            percent(prev_status["success"].count, prev_total.count),
        ),
    }


def _payments(cells: Iterable[repository.Cell]) -> list[repository.Cell]:
    """The cells as payments: each less its counterpart rows (`payments/links.py`)."""
    return [
        repository.Cell(c.key, c.currency, c.count - c.linked_count, c.amount - c.linked_amount)
        for c in cells
        if c.count - c.linked_count
    ]


def _by_project(cells: Iterable[repository.Cell]) -> list[repository.Cell]:
    """(status, source, project) cells re-keyed (project, status) for `_ranked`."""
    return [repository.Cell((c.key[2], c.key[0]), c.currency, c.count, c.amount) for c in cells]


async def overview(
    conn: AsyncConnection,
    period: Period,
    filters: MetricFilters,
    compare: Compare,
    now: datetime | None = None,
    deemed_after_minutes: int = 30,  # UPI_DEEMED_AFTER_MINUTES (the routes pass it)
) -> dict[str, Any]:
    """Totals of the period and the change against `compare`. While the period is in
    progress (`now` inside it) the compared period is cut at the same elapsed point, so
    every change compares equal spans."""
    require_rollup_aligned(period)
    previous = period.previous(compare)
    cut = same_elapsed(period, previous, now) if now is not None else None
    current_cells, previous_cells = await repository.status_source_totals(
        conn, period, previous, filters, previous_until=cut
    )
    total, prev_total = _total(current_cells), _total(previous_cells)
    by_status = _keyed(current_cells, 0, STATUSES)
    by_source = _keyed(current_cells, 1, SOURCES)
    prev_status = _keyed(previous_cells, 0, STATUSES)
    pay_cells, prev_pay_cells = _payments(current_cells), _payments(previous_cells)
    pay_total, prev_pay_total = _total(pay_cells), _total(prev_pay_cells)
    pay_status = _keyed(pay_cells, 0, STATUSES)
    prev_pay_status = _keyed(prev_pay_cells, 0, STATUSES)
    cur = Currencies.of([total, prev_total], filters.currency)
    projects, _ = _ranked(_by_project(pay_cells), "project", cur)
    upi_figures = await upi.overview_figures(
        conn, period, filters, now or datetime.now(UTC), deemed_after_minutes, cur,
        pay_status["pending"],
    )  # fmt: skip
    return {
        "period": period.as_json(),
        "total": {**cur.figure(total), "currency": cur.single},
        "by_status": {name: cur.figure(t) for name, t in by_status.items()},
        "by_source": {name: cur.figure(t) for name, t in by_source.items()},
        "conversion_rate": percent(by_status["success"].count, total.count),
        "avg_ticket": cur.average(total),
        "trends": _changes(cur, total, by_status, prev_total, prev_status),
        "payments": {
            **cur.figure(pay_total),
            "by_status": {name: cur.figure(t) for name, t in pay_status.items()},
            "by_project": projects,
            "conversion_rate": percent(pay_status["success"].count, pay_total.count),
            "avg_ticket": cur.average(pay_total),
            "trends": _changes(cur, pay_total, pay_status, prev_pay_total, prev_pay_status),
        },
        "linked": sum(c.linked_count for c in current_cells),
        **upi_figures,
        "comparison": {
            "compare": compare,
            "period": previous.as_json(),
            "partial": cut is not None,
            "elapsed_until": cut,
            "total": cur.figure(prev_total),
            "by_status": {name: cur.figure(t) for name, t in prev_status.items()},
            "payments": {
                **cur.figure(prev_pay_total),
                "by_status": {name: cur.figure(t) for name, t in prev_pay_status.items()},
            },
        },
    }


def _ranked(
    cells: list[repository.Cell], name: str, cur: Currencies, limit: int | None = None
) -> tuple[list[dict[str, Any]], int]:
    """Rows per first key part (None for ''), biggest count first, with success rate."""
    groups: dict[str, Tally] = defaultdict(Tally)
    success: dict[str, int] = defaultdict(int)
    failed: dict[str, int] = defaultdict(int)
    for cell in cells:
        key, status = cell.key[0], cell.key[-1]
        groups[key].add(cell.currency, cell.count, cell.amount)
        if status == "success":
            success[key] += cell.count
        elif status == "failed":
            failed[key] += cell.count
    order = sorted(groups, key=lambda k: (-groups[k].count, k))
    rows = [
        {
            name: key or None,
            **cur.figure(groups[key]),
            "success_count": success[key],
            "failed_count": failed[key],
            "success_rate": percent(success[key], groups[key].count),
        }
        for key in order[:limit]
    ]
    return rows, len(order)


async def by_dimension(
    conn: AsyncConnection,
    period: Period,
    filters: MetricFilters,
    dimension: str,
    name: str,
    limit: int | None = None,
    unit: Unit = "rows",
) -> tuple[list[dict[str, Any]], int, Currencies]:
    require_rollup_aligned(period)
    cells = await repository.grouped_totals(conn, period, filters, dimension, unit=unit)
    cur = Currencies.of([_total(cells)], filters.currency)
    rows, total = _ranked(cells, name, cur, limit)
    return rows, total, cur


async def by_project(
    conn: AsyncConnection, period: Period, filters: MetricFilters, unit: Unit = "rows"
) -> dict[str, Any]:
    rows, _, _ = await by_dimension(conn, period, filters, "project", "project", unit=unit)
    return {"period": period.as_json(), "unit": unit, "projects": rows}


async def by_payment_method(
    conn: AsyncConnection, period: Period, filters: MetricFilters
) -> dict[str, Any]:
    rows, _, _ = await by_dimension(conn, period, filters, "payment_method", "payment_method")
    return {"period": period.as_json(), "payment_methods": rows}


async def by_merchant(
    conn: AsyncConnection, period: Period, filters: MetricFilters, limit: int
) -> dict[str, Any]:
    rows, total, _ = await by_dimension(conn, period, filters, "merchant_id", "merchant_id", limit)
    return {"period": period.as_json(), "total_merchants": total, "merchants": rows}


async def failures(conn: AsyncConnection, period: Period, filters: MetricFilters) -> dict[str, Any]:
    """Failed transactions by the provider's own status (vocabularies differ per source)."""
    require_rollup_aligned(period)
    cells = [
        c
        for c in await repository.grouped_totals(conn, period, filters, "source", "original_status")
        if c.key[2] == "failed"
    ]
    failed = _total(cells)
    cur = Currencies.of([failed], filters.currency)
    groups: dict[tuple[str, str], Tally] = defaultdict(Tally)
    for cell in cells:
        groups[(cell.key[0], cell.key[1])].add(cell.currency, cell.count, cell.amount)
    order = sorted(groups, key=lambda k: (-groups[k].count, k))
    return {
        "period": period.as_json(),
        "failed": cur.figure(failed),
        "by_original_status": [
            {
                "source": source,
                "original_status": original or None,
                **cur.figure(groups[(source, original)]),
                "share": percent(groups[(source, original)].count, failed.count),
            }
            for source, original in order
        ],
    }


def check_points(period: Period, granularity: str) -> None:
    hours = period.days * 24 + 24 * 7  # a week's slack for the partial first week
    if hours // _HOURS_PER[granularity] > MAX_POINTS:
        raise ValidationFailed(
            f"Too many {granularity} buckets for this period (at most {MAX_POINTS})",
            {
                "field": "granularity",
                "reason": "too_many_points",
                "expected": "a coarser granularity or a shorter period",
                "received": granularity,
            },
        )


def _points(
    rows: list[repository.BucketRow], cur: Currencies, end: datetime, now: datetime | None
) -> list[dict[str, Any]]:
    """One point per bucket; `partial`: the bucket holds `now` (its figures are so far,
    not a fall), `future`: it starts after `now` (nothing can be in it yet)."""
    points: list[dict[str, Any]] = []
    tallies: dict[Any, tuple[Tally, list[int]]] = {}
    for row in rows:
        if row.start not in tallies:
            tallies[row.start] = (Tally(), [0, 0])
        tally, counts = tallies[row.start]
        if row.currency is not None:
            tally.add(row.currency, row.count, row.amount)
            counts[0] += row.success_count
            counts[1] += row.failed_count
    starts = list(tallies)
    for index, start in enumerate(starts):
        tally, (ok, failed) = tallies[start]
        stop = starts[index + 1] if index + 1 < len(starts) else end
        points.append(
            {
                "timestamp": start,
                **cur.figure(tally),
                "success_count": ok,
                "failed_count": failed,
                "partial": now is not None and start <= now < stop,
                "future": now is not None and now < start,
            }
        )
    return points


async def trends(
    conn: AsyncConnection,
    period: Period,
    filters: MetricFilters,
    granularity: str,
    compare: Compare | None,
    unit: Unit = "rows",
    now: datetime | None = None,
) -> dict[str, Any]:
    require_rollup_aligned(period)
    check_points(period, granularity)
    rows = await repository.buckets(conn, period, filters, granularity, unit)
    previous = period.previous(compare) if compare else None
    prev_rows = (
        await repository.buckets(conn, previous, filters, granularity, unit) if previous else []
    )
    seen = Tally()
    for row in (*rows, *prev_rows):
        if row.currency is not None:
            seen.add(row.currency, row.count, row.amount)
    cur = Currencies.of([seen], filters.currency)
    payload: dict[str, Any] = {
        "period": period.as_json(),
        "granularity": granularity,
        "unit": unit,
        "points": _points(rows, cur, period.end, now),
    }
    if previous is not None:
        payload["comparison"] = {
            "compare": compare,
            "period": previous.as_json(),
            "elapsed_until": same_elapsed(period, previous, now) if now is not None else None,
            # The compared period is over: none of its buckets is partial.
            "points": _points(prev_rows, cur, previous.end, None),
        }
    return payload


async def heatmap(
    conn: AsyncConnection, period: Period, filters: MetricFilters, unit: Unit = "rows"
) -> dict[str, Any]:
    require_rollup_aligned(period)
    cells = await repository.weekday_hour_totals(conn, period, filters, unit)
    grid: dict[tuple[int, int], Tally] = {(d, h): Tally() for d in range(7) for h in range(24)}
    for cell in cells:
        grid[(cell.key[0], cell.key[1])].add(cell.currency, cell.count, cell.amount)
    cur = Currencies.of([_total(cells)], filters.currency)
    return {
        "period": period.as_json(),
        "unit": unit,
        "cells": [
            {"weekday": day, "hour": hour, **cur.figure(tally)}
            for (day, hour), tally in sorted(grid.items())
        ],
    }
