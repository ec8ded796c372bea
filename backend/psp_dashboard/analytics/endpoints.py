"""`/analytics/*`: ad-hoc breakdowns and the ClickHouse mirror's state (docs/analytics.md)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from psp_dashboard.analytics import schemas, service
from psp_dashboard.analytics.breakdown import DIMENSIONS, BreakdownSpec
from psp_dashboard.api.deps import ConnDep, RuntimeDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.auth.deps import AUTH_RESPONSES, ViewerDep
from psp_dashboard.errors import Forbidden
from psp_dashboard.kit.isodate import IsoDate
from psp_dashboard.kit.json import ExactJSONResponse
from psp_dashboard.kit.params import ProjectQuery, SourceQuery, TimezoneDep
from psp_dashboard.kit.periods import (
    MIN_DATE,
    check_date,
    check_order,
    local_midnight,
    today_in,
)

router = APIRouter(prefix="/analytics", tags=["analytics"], route_class=ValidatedRoute)

_NAMES = "|".join(DIMENSIONS)
# A comma-separated list of 0 to 6 known dimensions: the schema itself rejects others.
DIMENSIONS_PATTERN = rf"^(({_NAMES})(,({_NAMES})){{0,5}})?$"

_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    400: {"description": "Bad dates or dimensions"},
    409: {"description": "engine=clickhouse: no mirror readable here, or not caught up yet"},
    503: {"description": "engine=clickhouse: the ClickHouse server cannot be reached"},
}


@router.get(
    "/breakdown",
    operation_id="analytics_breakdown",
    summary="Transactions grouped by any dimensions over any period (ClickHouse or PostgreSQL)",
    response_model=schemas.BreakdownEnvelope,
    responses=_RESPONSES,
)
async def breakdown(
    principal: ViewerDep,
    runtime: RuntimeDep,
    tz: TimezoneDep,
    dimensions: Annotated[
        str,
        Query(
            pattern=DIMENSIONS_PATTERN,
            max_length=200,
            description=f"Comma-separated, up to 6 of: {', '.join(DIMENSIONS)}",
            examples=["project,status"],
        ),
    ] = "",
    from_date: Annotated[
        IsoDate | None,
        Query(description="First day (inclusive) in `timezone`; default 29 days before to_date"),
    ] = None,
    to_date: Annotated[
        IsoDate | None, Query(description="Last day (inclusive); default today")
    ] = None,
    project: ProjectQuery = None,
    source: SourceQuery = None,
    status: Annotated[
        Literal["success", "failed", "pending", "refunded"] | None, Query(description="Status")
    ] = None,
    direction: Annotated[Literal["payin", "payout"] | None, Query(description="Direction")] = None,
    method: Annotated[str | None, Query(max_length=50, description="Payment method")] = None,
    merchant: Annotated[str | None, Query(max_length=255, description="Merchant id")] = None,
    payer: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=255,
            description="Payer e-mail, phone or name, exact (analyst+)",
        ),
    ] = None,
    vpa: Annotated[
        str | None,
        Query(min_length=1, max_length=255, description="Payer UPI VPA, exact (analyst+)"),
    ] = None,
    utr: Annotated[
        str | None, Query(min_length=1, max_length=100, description="UTR, exact")
    ] = None,
    engine: Annotated[
        service.EngineChoice, Query(description="auto: the mirror when readable and caught up")
    ] = "auto",
    limit: Annotated[int, Query(ge=1, le=1000, description="Groups shown, biggest first")] = 200,
) -> ExactJSONResponse:
    if principal.masks_payer_data and (payer is not None or vpa is not None):
        # A filter that answers "how many payments by this person" is payer data.
        raise Forbidden(
            "Filtering by payer or VPA needs the analyst role", {"role": principal.role}
        )
    check_date("from_date", from_date)
    check_date("to_date", to_date)
    end_day: date = to_date or today_in(tz)
    start_day: date = from_date or max(end_day - timedelta(days=29), MIN_DATE)
    check_order(start_day, end_day)
    names = tuple(dict.fromkeys(d for d in dimensions.split(",") if d))
    spec = BreakdownSpec(
        start=local_midnight(start_day, tz),
        end=local_midnight(end_day + timedelta(days=1), tz),
        tz=tz,
        dimensions=names,
        project=project or None,
        source=source,
        status=status,
        direction=direction,
        method=method or None,
        merchant=merchant or None,
        payer=payer,
        vpa=vpa,
        utr=utr,
    )
    body = await service.breakdown(runtime, spec, engine, limit)
    period = {"from_date": start_day.isoformat(), "to_date": end_day.isoformat()}
    return ExactJSONResponse({"data": {**body, **period, "timezone": tz.key}})


@router.get(
    "/mirror",
    operation_id="analytics_mirror",
    summary="The ClickHouse mirror: configured, rows, watermark, lag, last error",
    response_model=schemas.MirrorStatusEnvelope,
    responses=AUTH_RESPONSES,
)
async def mirror(_: ViewerDep, runtime: RuntimeDep, conn: ConnDep) -> ExactJSONResponse:
    return ExactJSONResponse({"data": await service.mirror_status(runtime, conn)})
