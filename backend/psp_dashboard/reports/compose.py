"""A report's figures, read through the same service functions the API answers with
(metrics overview and by-project, the reconciliation summary with its money at risk,
the discrepancy rows as the workbench shapes them), so a report equals the API by
construction. Each report is a list of tables; render.py writes them as HTML, CSV and
XLSX, and the webhook sends them as JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.auth.principal import SYSTEM
from psp_dashboard.kit.periods import Period
from psp_dashboard.kit.tabular import Column
from psp_dashboard.metrics import service as metrics
from psp_dashboard.metrics.params import MetricFilters
from psp_dashboard.reconciliation import service as reconciliation
from psp_dashboard.reconciliation.engine_sql import API_TYPE_SQL
from psp_dashboard.reconciliation.exposure import RISK_TYPES
from psp_dashboard.reconciliation.results import RESULT_COLUMNS
from psp_dashboard.reports.schedule import Kind

TOP_EXCEPTIONS = 10
SOURCES = (None, "vima", "payshack")  # None: both sources together
TITLES = {
    "daily_summary": "Daily summary",
    "weekly_reconciliation": "Weekly reconciliation report",
}


@dataclass(frozen=True)
class Table:
    name: str  # file and sheet name
    title: str
    columns: tuple[Column, ...]
    rows: list[list[Any]]
    note: str | None = None


@dataclass(frozen=True)
class Report:
    kind: Kind
    period_from: date
    period_to: date
    timezone: str
    tables: list[Table] = field(default_factory=list)

    @property
    def title(self) -> str:
        days = (
            self.period_from.isoformat()
            if self.period_from == self.period_to
            else f"{self.period_from.isoformat()} – {self.period_to.isoformat()}"
        )
        return f"{TITLES[self.kind]}, {days}"

    def table(self, name: str) -> Table:
        return next(t for t in self.tables if t.name == name)


# ---------------------------------------------------------------- KPIs


KPI_COLUMNS = (
    Column("source", "code", 10),
    Column("currency", "code", 9),
    Column("count", "code", 10),
    Column("amount", "money", 16),
    Column("success_count", "code", 14),
    Column("failed_count", "code", 13),
    Column("pending_count", "code", 14),
    Column("refunded_count", "code", 15),
    Column("conversion_rate", "code", 16),
    Column("avg_ticket", "money", 14),
)
PROJECT_COLUMNS = (
    Column("source", "code", 10),
    Column("project", "text", 20),
    Column("count", "code", 10),
    Column("amount", "money", 16),
    Column("success_count", "code", 14),
    Column("failed_count", "code", 13),
    Column("success_rate", "code", 13),
)


async def _kpis(conn: AsyncConnection, period: Period) -> Table:
    """`GET /metrics/overview` of the day, once for both sources and once per source
    (rows: every stored row, docs/metrics.md)."""
    rows: list[list[Any]] = []
    for source in SOURCES:
        body = await metrics.overview(conn, period, MetricFilters(source=source), "previous_period")
        status = body["by_status"]
        rows.append(
            [
                source or "all",
                body["total"]["currency"],
                body["total"]["count"],
                body["total"]["amount"],
                status["success"]["count"],
                status["failed"]["count"],
                status["pending"]["count"],
                status["refunded"]["count"],
                body["conversion_rate"],
                body["avg_ticket"],
            ]
        )
    return Table(
        "kpis",
        "KPIs by source",
        KPI_COLUMNS,
        rows,
        "As GET /metrics/overview for the day (rows; conversion rate = success ÷ all, %).",
    )


async def _projects(conn: AsyncConnection, period: Period) -> Table:
    """`GET /metrics/by-project?source=…` of the day, per source."""
    rows: list[list[Any]] = []
    for source in SOURCES[1:]:
        body = await metrics.by_project(conn, period, MetricFilters(source=source))
        rows.extend(
            [
                source,
                p["project"],
                p["count"],
                p["amount"],
                p["success_count"],
                p["failed_count"],
                p["success_rate"],
            ]
            for p in body["projects"]
        )
    return Table(
        "projects",
        "KPIs by project and source",
        PROJECT_COLUMNS,
        rows,
        "As GET /metrics/by-project?source=… for the day.",
    )


# ---------------------------------------------------------------- reconciliation


RECON_COLUMNS = (Column("figure", "code", 34), Column("value", "code", 18))
RECON_MONEY = frozenset(
    {"money_at_risk", "awaiting_amount", *(f"money_at_risk_{t}" for t in RISK_TYPES)}
)


def _recon_rows(summary: dict[str, Any]) -> list[list[Any]]:
    risk = summary["money_at_risk"]
    rows: list[list[Any]] = [
        ["reconciled", "yes" if summary["reconciled"] else "no"],
        ["total_transactions", summary["total_transactions"]],
        ["matched", summary["matched"]["count"]],
        ["matched_percentage", summary["matched"]["percentage"]],
        ["discrepancies", summary["discrepancies"]["count"]],
    ]
    rows += [[f"discrepancies_{t}", n] for t, n in summary["discrepancies"]["by_type"].items()]
    rows += [
        ["missing_vima", summary["missing"]["missing_vima"]],
        ["missing_payshack", summary["missing"]["missing_payshack"]],
        ["money_at_risk", risk["total"]],
    ]
    rows += [[f"money_at_risk_{t}", risk["by_type"][t]] for t in RISK_TYPES]
    rows += [
        ["awaiting_count", risk["awaiting"]["count"]],
        ["awaiting_amount", risk["awaiting"]["amount"]],
        ["open_count", risk["open_count"]],
    ]
    return rows


async def _reconciliation(conn: AsyncConnection, day: date) -> Table:
    summary = await reconciliation.build_summary(conn, day)
    return Table(
        "reconciliation",
        "Reconciliation and money at risk",
        RECON_COLUMNS,
        _recon_rows(summary),
        "As GET /reconciliation/summary?date=… (money at risk: docs/reconciliation.md).",
    )


WEEK_COLUMNS = (
    Column("date", "date", 12),
    Column("reconciled", "code", 11),
    Column("total_transactions", "code", 18),
    Column("matched", "code", 10),
    Column("discrepancies", "code", 14),
    Column("missing", "code", 10),
    Column("money_at_risk", "money", 16),
    Column("awaiting_amount", "money", 16),
    Column("open_count", "code", 11),
)


async def _week(conn: AsyncConnection, first: date, last: date) -> Table:
    rows: list[list[Any]] = []
    day = first
    while day <= last:
        s = await reconciliation.build_summary(conn, day)
        risk = s["money_at_risk"]
        rows.append(
            [
                day,
                "yes" if s["reconciled"] else "no",
                s["total_transactions"],
                s["matched"]["count"],
                s["discrepancies"]["count"],
                s["missing"]["count"],
                risk["total"],
                risk["awaiting"]["amount"],
                risk["open_count"],
            ]
        )
        day += timedelta(days=1)
    return Table(
        "days",
        "Reconciliation by day",
        WEEK_COLUMNS,
        rows,
        "Each day as GET /reconciliation/summary?date=… (a day never run reads “no”).",
    )


# ---------------------------------------------------------------- top exceptions


EXCEPTION_COLUMNS = (
    Column("recon_date", "date", 12),
    Column("client_operation_id", "text", 26),
    Column("type", "code", 17),
    Column("at_risk", "money", 14),
    Column("vima_amount", "money", 14),
    Column("payshack_amount", "money", 14),
    Column("amount_diff", "money", 14),
    Column("vima_status", "code", 12),
    Column("payshack_status", "code", 15),
    Column("resolution", "code", 13),
    Column("first_seen_at", "timestamp", 22),
)
# A row's money at risk as exposure.py classifies it (awaiting rows: none at risk).
_AT_RISK = """CASE
    WHEN {type} IN ('amount', 'status', 'missing_vima', 'missing_payshack')
         AND 'pending' IN (coalesce(r.vima_status, ''), coalesce(r.payshack_status, ''))
         THEN 0
    WHEN {type} = 'amount' AND 'success' IN (coalesce(r.vima_status, ''),
         coalesce(r.payshack_status, '')) THEN abs(r.amount_diff)
    WHEN {type} IN ('status', 'missing_vima', 'missing_payshack') AND r.vima_status = 'success'
         THEN r.vima_amount
    WHEN {type} IN ('status', 'missing_vima', 'missing_payshack')
         AND r.payshack_status = 'success' THEN r.payshack_amount
    ELSE 0 END""".format(type=API_TYPE_SQL.format(t="r."))
_TOP = text(
    f"""
    SELECT {RESULT_COLUMNS}, {_AT_RISK} AS at_risk
    FROM reconciliation_results r
    JOIN reconciliation_runs run ON run.id = r.recon_run_id
    WHERE run.is_current AND run.recon_date BETWEEN :first AND :last
      AND r.resolution <> 'resolved'
    ORDER BY at_risk DESC, r.first_seen_at, r.id
    LIMIT :n
    """
)


async def _exceptions(conn: AsyncConnection, first: date, last: date) -> Table:
    """The unresolved discrepancies and missing rows of the days' current runs with the
    most money at risk, shaped as `GET /reconciliation/discrepancies` shows them."""
    found = await conn.execute(_TOP, {"first": first, "last": last, "n": TOP_EXCEPTIONS})
    rows: list[list[Any]] = []
    for row in found:
        data = dict(row._mapping)
        at_risk = Decimal(data.pop("at_risk"))
        r = reconciliation.shape_result(data, SYSTEM)
        rows.append(
            [
                r["recon_date"],
                r["client_operation_id"],
                r["type"],
                at_risk,
                r["vima_amount"],
                r["payshack_amount"],
                r["amount_diff"],
                r["vima_status"],
                r["payshack_status"],
                r["resolution"],
                r["first_seen_at"],
            ]
        )
    return Table(
        "exceptions",
        f"Top {TOP_EXCEPTIONS} open exceptions by money at risk",
        EXCEPTION_COLUMNS,
        rows,
        "Unresolved rows of the current runs, largest money at risk first.",
    )


# ---------------------------------------------------------------- reports


async def daily_summary(conn: AsyncConnection, day: date, timezone: str) -> Report:
    period = Period(day, day, ZoneInfo(timezone))
    tables = [
        await _kpis(conn, period),
        await _projects(conn, period),
        await _reconciliation(conn, day),
        await _exceptions(conn, day, day),
    ]
    return Report("daily_summary", day, day, timezone, tables)


async def weekly_reconciliation(
    conn: AsyncConnection, first: date, last: date, timezone: str
) -> Report:
    tables = [await _week(conn, first, last), await _exceptions(conn, first, last)]
    return Report("weekly_reconciliation", first, last, timezone, tables)


async def compose(
    conn: AsyncConnection, kind: str, first: date, last: date, timezone: str
) -> Report:
    if kind == "weekly_reconciliation":
        return await weekly_reconciliation(conn, first, last, timezone)
    return await daily_summary(conn, last, timezone)
