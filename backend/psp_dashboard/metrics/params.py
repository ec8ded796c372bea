"""The metrics routes' own query parameters (the shared ones are in `kit.params`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import Depends, Query

from psp_dashboard.kit.isodate import IsoDate
from psp_dashboard.kit.params import ProjectQuery, SourceQuery
from psp_dashboard.kit.periods import Compare

Granularity = Literal["hour", "day", "week"]
Unit = Literal["rows", "payments"]

FromDateQuery = Annotated[
    IsoDate | None,
    Query(description="First day (inclusive), YYYY-MM-DD, in `timezone`; default today"),
]
ToDateQuery = Annotated[
    IsoDate | None,
    Query(description="Last day (inclusive), YYYY-MM-DD, in `timezone`; default today"),
]
CurrencyQuery = Annotated[
    str | None,
    Query(
        pattern="^[A-Z]{3}$",
        description="Only this currency (ISO 4217). Without it, amounts are summed only "
        "when the data holds one currency; otherwise each figure lists `by_currency`.",
    ),
]
CompareQuery = Annotated[
    Compare,
    Query(
        description="What `trends`/`comparison` compare against: the same number of days "
        "right before (`previous_period`) or the same days a week earlier",
    ),
]
UnitQuery = Annotated[
    Unit,
    Query(
        description="What is counted: `rows` (default, the contract's: every stored row, "
        "so a pay-in seen by both Vima and PayShack counts twice) or `payments` (each "
        "payment once: a PayShack row linked to its Vima record is left out; "
        "docs/payments.md)",
    ),
]


@dataclass(frozen=True, slots=True)
class MetricFilters:
    source: str | None = None
    project: str | None = None
    currency: str | None = None

    def as_params(self) -> dict[str, Any]:
        return {"source": self.source, "project": self.project, "currency": self.currency}

    def as_equalities(self) -> dict[str, str | None]:
        return {"source": self.source, "project": self.project, "currency": self.currency}


def metric_filters(
    source: SourceQuery = None, project: ProjectQuery = None, currency: CurrencyQuery = None
) -> MetricFilters:
    # An empty `project=` is "no filter", as a cleared select box sends it.
    return MetricFilters(source=source, project=project or None, currency=currency)


MetricFiltersDep = Annotated[MetricFilters, Depends(metric_filters)]
