"""Response models of the metrics endpoints (OpenAPI and tests; bodies are built as dicts
and rendered Decimal-exact by `kit.json`)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from psp_dashboard.kit.json import JsonMoney, JsonPercent
from psp_dashboard.kit.periods import Compare
from psp_dashboard.metrics.params import Granularity, Unit


class PeriodOut(BaseModel):
    from_: str = Field(alias="from", description="YYYY-MM-DD, inclusive")
    to: str = Field(description="YYYY-MM-DD, inclusive")
    timezone: str = Field(description="IANA zone the days are in (addition to the contract)")


class Figure(BaseModel):
    count: int
    amount: JsonMoney | None = Field(
        description="Exact sum; null only when the data mixes currencies (see by_currency)"
    )
    by_currency: dict[str, JsonMoney] | None = Field(
        default=None, description="Present only when several currencies are mixed"
    )


class TotalFigure(Figure):
    currency: str | None = Field(description="ISO 4217; null when currencies are mixed")


class OverviewTrends(BaseModel):
    total_change: JsonPercent | None
    success_change: JsonPercent | None
    failed_change: JsonPercent | None
    pending_change: JsonPercent | None = Field(description="Addition to the contract")
    amount_change: JsonPercent | None = Field(description="Addition to the contract")
    avg_ticket_change: JsonPercent | None = Field(description="Addition to the contract")
    conversion_change: JsonPercent | None = Field(
        description="Addition: difference of the conversion rates in percentage points"
    )


class ComparedPayments(Figure):
    by_status: dict[str, Figure]


class Comparison(BaseModel):
    compare: Compare
    period: PeriodOut
    partial: bool = Field(
        description="Addition: the period is in progress, so the compared period is cut "
        "at the same elapsed point (`elapsed_until`)"
    )
    elapsed_until: datetime | None = Field(
        description="Addition: the instant (UTC) the compared period is summed until "
        "when `partial`, e.g. yesterday 05:20 while today is at 05:20; null otherwise"
    )
    total: Figure
    by_status: dict[str, Figure]
    payments: ComparedPayments = Field(description="Addition: the compared payments")


class ProjectPayments(Figure):
    project: str | None
    success_count: int
    failed_count: int
    success_rate: JsonPercent | None


class Payments(Figure):
    """Each payment once: rows less the counterpart rows (docs/payments.md)."""

    by_status: dict[str, Figure]
    by_project: list[ProjectPayments] = Field(description="Biggest count first")
    conversion_rate: JsonPercent | None = Field(description="null when there is no data")
    avg_ticket: JsonMoney | None = Field(description="null when there is no data")
    trends: OverviewTrends = Field(description="Changes of the payment figures")


class Overview(BaseModel):
    period: PeriodOut
    total: TotalFigure
    by_status: dict[str, Figure]
    by_source: dict[str, Figure]
    conversion_rate: JsonPercent | None = Field(description="null when there is no data")
    avg_ticket: JsonMoney | None = Field(description="null when there is no data")
    trends: OverviewTrends
    payments: Payments = Field(
        description="Addition: each payment counted once (`total`/`by_status`/`by_source` "
        "count rows: a pay-in seen by Vima and PayShack is two rows, one payment)"
    )
    linked: int = Field(
        description="Addition: rows of the period that are the counterpart of another "
        "row (rows − linked = payments)"
    )
    comparison: Comparison = Field(description="Addition: the period compared against")
    # UPI-aware statuses (docs/upi.md), in payments like the headline cards.
    deemed_after_minutes: int = Field(description="Addition: UPI_DEEMED_AFTER_MINUTES")
    deemed_before: datetime = Field(
        description="Addition: UPI pay-ins created before this instant and still pending "
        "are deemed (the request's minute less deemed_after_minutes)"
    )
    deemed_count: int = Field(description="Addition: deemed (stuck) UPI payments")
    deemed_amount: JsonMoney | None = Field(description="null when currencies are mixed")
    pending_fresh_count: int = Field(
        description="Addition: pending payments not deemed (payments.by_status.pending − "
        "deemed_count)"
    )
    pending_fresh_amount: JsonMoney | None = Field(description="null when currencies are mixed")
    reversals_count: int = Field(
        description="Addition: payments of the period seen successful, refunded since"
    )
    reversals_amount: JsonMoney | None = Field(description="null when currencies are mixed")


class RankedRow(Figure):
    success_count: int
    failed_count: int
    success_rate: JsonPercent | None


class ProjectRow(RankedRow):
    project: str | None


class ByProject(BaseModel):
    period: PeriodOut
    unit: Unit = Field(description="Addition: what the figures count (the `unit` asked)")
    projects: list[ProjectRow]


class PaymentMethodRow(RankedRow):
    payment_method: str | None


class ByPaymentMethod(BaseModel):
    period: PeriodOut
    payment_methods: list[PaymentMethodRow]


class MerchantRow(RankedRow):
    merchant_id: str | None


class ByMerchant(BaseModel):
    period: PeriodOut
    total_merchants: int
    merchants: list[MerchantRow]


class FailureRow(Figure):
    source: str
    original_status: str | None
    share: JsonPercent | None = Field(description="Percent of all failed transactions")


class Failures(BaseModel):
    period: PeriodOut
    failed: Figure
    by_original_status: list[FailureRow]


class Point(Figure):
    timestamp: datetime = Field(description="Bucket start, UTC")
    success_count: int
    failed_count: int
    partial: bool = Field(
        description="Addition: the bucket holds the current time; its figures are so far, not final"
    )
    future: bool = Field(description="Addition: the bucket starts after the current time")


class TrendsComparison(BaseModel):
    compare: Compare
    period: PeriodOut
    elapsed_until: datetime | None = Field(
        description="Addition: while the period is in progress, the instant (UTC) of the "
        "compared period as far into it as now is into this one (the points are whole: "
        "mark this instant to compare equal spans); null otherwise"
    )
    points: list[Point]


class Trends(BaseModel):
    period: PeriodOut
    granularity: Granularity
    unit: Unit = Field(description="Addition: what the figures count (the `unit` asked)")
    points: list[Point]
    comparison: TrendsComparison | None = Field(
        default=None, description="Present when `compare` is given"
    )


class HeatmapCell(Figure):
    weekday: int = Field(ge=0, le=6, description="0 = Monday")
    hour: int = Field(ge=0, le=23)


class Heatmap(BaseModel):
    period: PeriodOut
    unit: Unit = Field(description="Addition: what the figures count (the `unit` asked)")
    cells: list[HeatmapCell]


class OverviewEnvelope(BaseModel):
    data: Overview


class ByProjectEnvelope(BaseModel):
    data: ByProject


class ByPaymentMethodEnvelope(BaseModel):
    data: ByPaymentMethod


class ByMerchantEnvelope(BaseModel):
    data: ByMerchant


class FailuresEnvelope(BaseModel):
    data: Failures


class TrendsEnvelope(BaseModel):
    data: Trends


class HeatmapEnvelope(BaseModel):
    data: Heatmap
