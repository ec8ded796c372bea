"""Query parameters shared by the read API's routers: provider, project, time zone."""

from __future__ import annotations

from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from fastapi import Depends, Query

from psp_dashboard.kit.periods import parse_timezone

Source = Literal["vima", "payshack"]

SourceQuery = Annotated[Source | None, Query(description="Only this provider")]
ProjectQuery = Annotated[
    str | None, Query(max_length=100, description="Only this project (exact name)")
]


def timezone_dependency(
    timezone: Annotated[
        str,
        Query(
            max_length=64,
            description="IANA time zone the dates and buckets are in (default UTC)",
            examples=["UTC", "Asia/Kolkata"],
        ),
    ] = "UTC",
) -> ZoneInfo:
    return parse_timezone(timezone)


TimezoneDep = Annotated[ZoneInfo, Depends(timezone_dependency)]
