"""Net flow: pay-ins − pay-outs per project and day (docs/payments.md, "Net flow").

- **Pay-ins** are payments counted once (rows less counterparts, docs/payments.md) in
  `success`, summed from the 30-minute rollup — which holds pay-ins only.
- **Pay-outs** are PayShack pay-outs (`direction = 'payout'`) in `success`, summed from
  the rows through their partial index (a small share of the table; never in a rollup).
- Only `success` moves money: failed, pending and refunded rows are in neither side.
- Days are calendar days in the request's `timezone`, like every other metric; amounts
  are INR (PayShack pays out in INR: rows in another currency are left out).
- `net_amount` = `payin_amount` − `payout_amount`, exact (Decimal end to end).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import Date, cast, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.kit.json import JsonMoney, money
from psp_dashboard.kit.periods import Period
from psp_dashboard.metrics.params import MetricFilters
from psp_dashboard.metrics.schemas import PeriodOut
from psp_dashboard.metrics.service import require_rollup_aligned
from psp_dashboard.models import transaction_rollup as rollup
from psp_dashboard.models import transactions as t

CURRENCY = "INR"

Key = tuple[date, str | None]


class Side:
    """Count and amount of one side of a (day, project) cell."""

    __slots__ = ("amount", "count")

    def __init__(self) -> None:
        self.count = 0
        self.amount = Decimal(0)


async def _payins(
    conn: AsyncConnection, period: Period, filters: MetricFilters
) -> dict[Key, tuple[int, Decimal]]:
    day = cast(func.timezone(period.timezone, rollup.c.bucket), Date).label("day")
    stmt = (
        select(
            day,
            rollup.c.project,
            func.sum(rollup.c["count"] - rollup.c.counterpart_count),
            func.sum(rollup.c.amount - rollup.c.counterpart_amount),
        )
        .where(
            rollup.c.bucket >= period.start,
            rollup.c.bucket < period.end,
            rollup.c.status == "success",
            rollup.c.currency == CURRENCY,
        )
        .group_by(day, rollup.c.project)
    )
    if filters.source is not None:
        stmt = stmt.where(rollup.c.source == filters.source)
    if filters.project is not None:
        stmt = stmt.where(rollup.c.project == filters.project)
    rows = await conn.execute(stmt)
    # The rollup keeps "no project" as '' (part of its key); the API says null.
    return {(r[0], r[1] or None): (int(r[2]), Decimal(r[3])) for r in rows}


async def _payouts(
    conn: AsyncConnection, period: Period, filters: MetricFilters
) -> dict[Key, tuple[int, Decimal]]:
    if filters.source not in (None, "payshack"):
        return {}  # pay-outs come from PayShack only
    day = cast(func.timezone(period.timezone, t.c.created_at), Date).label("day")
    stmt = (
        select(day, t.c.project, func.count(), func.sum(t.c.amount))
        .where(
            t.c.direction == "payout",
            t.c.created_at >= period.start,
            t.c.created_at < period.end,
            t.c.status == "success",
            t.c.currency == CURRENCY,
        )
        .group_by(day, t.c.project)
    )
    if filters.project is not None:
        stmt = stmt.where(t.c.project == filters.project)
    rows = await conn.execute(stmt)
    return {(r[0], r[1] or None): (int(r[2]), Decimal(r[3])) for r in rows}


def _cell(day: date | None, project: str | None, payin: Side, payout: Side) -> dict[str, Any]:
    cell: dict[str, Any] = {} if day is None else {"date": day.isoformat(), "project": project}
    return {
        **cell,
        "payin_amount": money(payin.amount),
        "payout_amount": money(payout.amount),
        "net_amount": money(payin.amount - payout.amount),
        "payin_count": payin.count,
        "payout_count": payout.count,
    }


async def net_flow(conn: AsyncConnection, period: Period, filters: MetricFilters) -> dict[str, Any]:
    """Per (day, project) with any successful pay-in or pay-out, by date then project
    (no project last), and the period's totals."""
    require_rollup_aligned(period)
    ins, outs = await _payins(conn, period, filters), await _payouts(conn, period, filters)
    cells: dict[Key, tuple[Side, Side]] = defaultdict(lambda: (Side(), Side()))
    for side, found in ((0, ins), (1, outs)):
        for key, (count, amount) in found.items():
            if count == 0 and amount == 0:
                continue  # a bucket whose rows were all counterparts: no payment
            cells[key][side].count += count
            cells[key][side].amount += amount
    total_in, total_out = Side(), Side()
    per_project: dict[str | None, tuple[Side, Side]] = defaultdict(lambda: (Side(), Side()))
    items = []
    for (day, project), (payin, payout) in sorted(
        cells.items(), key=lambda kv: (kv[0][0], kv[0][1] is None, kv[0][1] or "")
    ):
        items.append(_cell(day, project, payin, payout))
        for into_in, into_out in (per_project[project], (total_in, total_out)):
            into_in.count += payin.count
            into_in.amount += payin.amount
            into_out.count += payout.count
            into_out.amount += payout.amount
    projects = [
        {"project": project, **_cell(None, None, payin, payout)}
        for project, (payin, payout) in sorted(
            per_project.items(), key=lambda kv: (kv[0] is None, kv[0] or "")
        )
    ]
    return {
        "period": period.as_json(),
        "currency": CURRENCY,
        "items": items,
        "projects": projects,
        "totals": _cell(None, None, total_in, total_out),
    }


class NetFlowTotals(BaseModel):
    payin_amount: JsonMoney = Field(description="Successful pay-ins, each payment once")
    payout_amount: JsonMoney = Field(description="Successful PayShack pay-outs")
    net_amount: JsonMoney = Field(description="payin_amount − payout_amount")
    payin_count: int
    payout_count: int


class NetFlowItem(NetFlowTotals):
    date: dt.date = Field(description="Calendar day in `timezone`")
    project: str | None = Field(description="null: rows without a project")


class NetFlowProject(NetFlowTotals):
    project: str | None = Field(description="null: rows without a project")


class NetFlow(BaseModel):
    period: PeriodOut
    currency: str = Field(description="Always INR: rows in other currencies are left out")
    items: list[NetFlowItem] = Field(description="By date, then project (null last)")
    projects: list[NetFlowProject] = Field(
        description="Addition: the period per project (the items summed), by project"
    )
    totals: NetFlowTotals


class NetFlowEnvelope(BaseModel):
    data: NetFlow
