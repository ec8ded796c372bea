"""`/metrics/*`: thin routes around `service`, cached in Redis with the seed's keys.

The cache holds the rendered JSON body, so a hit costs one Redis GET and no database
connection at all. Keys hash the resolved parameters (the defaulted "today" included),
and the sync pipeline drops every `metrics:*` key when data changes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncConnection
from starlette.responses import Response

from psp_dashboard.api.deps import CacheDep, RuntimeDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.auth.deps import AUTH_RESPONSES, ViewerDep
from psp_dashboard.cache import (
    TTL_METRICS_BY_PROJECT,
    TTL_METRICS_OVERVIEW,
    TTL_METRICS_TRENDS,
    Cache,
    metrics_key,
)
from psp_dashboard.kit.isodate import IsoDate
from psp_dashboard.kit.json import RawJSONResponse, dumps
from psp_dashboard.kit.params import TimezoneDep
from psp_dashboard.kit.periods import Compare, Period, resolve_period
from psp_dashboard.metrics import schemas, service
from psp_dashboard.metrics.clock import NowDep, in_progress, same_elapsed
from psp_dashboard.metrics.net_flow import NetFlowEnvelope
from psp_dashboard.metrics.net_flow import net_flow as compute_net_flow
from psp_dashboard.metrics.params import (
    CompareQuery,
    FromDateQuery,
    Granularity,
    MetricFiltersDep,
    ToDateQuery,
    UnitQuery,
)
from psp_dashboard.runtime import Runtime

router = APIRouter(prefix="/metrics", tags=["metrics"], route_class=ValidatedRoute)

# Breakdowns beyond the seed's three keys: cached like by_project (same volatility).
TTL_METRICS_BREAKDOWN = TTL_METRICS_BY_PROJECT
HEATMAP_DEFAULT_DAYS = 28  # one day has a single weekday row; four weeks fill the grid


async def _respond(
    runtime: Runtime,
    cache: Cache,
    kind: str,
    ttl: int,
    params: dict[str, Any],
    load: Callable[[AsyncConnection], Awaitable[dict[str, Any]]],
) -> Response:
    key = metrics_key(kind, params)
    cached = await cache.get_json(key)
    if isinstance(cached, str):
        return RawJSONResponse(cached, headers={"X-Cache": "HIT"})
    # The standby while it is fresh enough (replica.py); the headers say which answered.
    source = await runtime.reads()
    async with source.engine.connect() as conn:
        body = dumps({"data": await load(conn)})
    await cache.set_json(key, body, ttl)
    return RawJSONResponse(body, headers={"X-Cache": "MISS", **source.headers()})


def _key_params(period: Period, **extra: Any) -> dict[str, Any]:
    return {
        "from": period.from_date.isoformat(),
        "to": period.to_date.isoformat(),
        "tz": period.timezone,
        **extra,
    }


@router.get(
    "/overview",
    operation_id="metrics_overview",
    summary="Totals, status and source split, conversion and change vs a previous period",
    response_model=schemas.OverviewEnvelope,
    responses=AUTH_RESPONSES,
)
async def overview(
    _: ViewerDep,
    runtime: RuntimeDep,
    cache: CacheDep,
    filters: MetricFiltersDep,
    tz: TimezoneDep,
    now: NowDep,
    from_date: FromDateQuery = None,
    to_date: ToDateQuery = None,
    compare: CompareQuery = "previous_period",
) -> Response:
    period = resolve_period(from_date, to_date, tz, now=now)
    cut = same_elapsed(period, period.previous(compare), now)
    deemed_after = runtime.settings.upi_deemed_after_minutes
    params = _key_params(
        period, compare=compare, until=cut and cut.isoformat(), **filters.as_params(),
        # Deemed pay-ins depend on the minute asked at and the setting (docs/upi.md).
        upi_at=now.isoformat(), deemed_after=deemed_after,
    )  # fmt: skip
    return await _respond(
        runtime,
        cache,
        "overview",
        TTL_METRICS_OVERVIEW,
        params,
        lambda conn: service.overview(conn, period, filters, compare, now, deemed_after),
    )


@router.get(
    "/by-project",
    operation_id="metrics_by_project",
    summary="Count, amount and success rate per project",
    response_model=schemas.ByProjectEnvelope,
    responses=AUTH_RESPONSES,
)
async def by_project(
    _: ViewerDep,
    runtime: RuntimeDep,
    cache: CacheDep,
    filters: MetricFiltersDep,
    tz: TimezoneDep,
    now: NowDep,
    from_date: FromDateQuery = None,
    to_date: ToDateQuery = None,
    unit: UnitQuery = "rows",
) -> Response:
    period = resolve_period(from_date, to_date, tz, now=now)
    return await _respond(
        runtime,
        cache,
        "by_project",
        TTL_METRICS_BY_PROJECT,
        _key_params(period, unit=unit, **filters.as_params()),
        lambda conn: service.by_project(conn, period, filters, unit),
    )


@router.get(
    "/trends",
    operation_id="metrics_trends",
    summary="Counts and amounts per hour, day or week (empty buckets included)",
    response_model=schemas.TrendsEnvelope,
    responses=AUTH_RESPONSES,
)
async def trends(
    _: ViewerDep,
    runtime: RuntimeDep,
    cache: CacheDep,
    filters: MetricFiltersDep,
    tz: TimezoneDep,
    now: NowDep,
    from_date: Annotated[IsoDate, Query(description="First day (inclusive), YYYY-MM-DD")],
    to_date: Annotated[IsoDate, Query(description="Last day (inclusive), YYYY-MM-DD")],
    granularity: Annotated[Granularity, Query(description="Bucket size")] = "day",
    compare: Annotated[
        Compare | None, Query(description="Add the compared period's points (addition)")
    ] = None,
    unit: UnitQuery = "rows",
) -> Response:
    period = resolve_period(from_date, to_date, tz)
    service.check_points(period, granularity)
    # While the period is in progress the flags move with the clock: key on the minute.
    at = now.isoformat() if in_progress(period, now) else None
    params = _key_params(
        period, granularity=granularity, compare=compare, unit=unit, now=at,
        **filters.as_params(),
    )  # fmt: skip
    return await _respond(
        runtime,
        cache,
        "trends",
        TTL_METRICS_TRENDS,
        params,
        lambda conn: service.trends(conn, period, filters, granularity, compare, unit, now),
    )


@router.get(
    "/heatmap",
    operation_id="metrics_heatmap",
    summary="Counts and amounts per weekday × hour of day (default: the last 28 days)",
    response_model=schemas.HeatmapEnvelope,
    responses=AUTH_RESPONSES,
)
async def heatmap(
    _: ViewerDep,
    runtime: RuntimeDep,
    cache: CacheDep,
    filters: MetricFiltersDep,
    tz: TimezoneDep,
    now: NowDep,
    from_date: FromDateQuery = None,
    to_date: ToDateQuery = None,
    unit: UnitQuery = "rows",
) -> Response:
    period = resolve_period(from_date, to_date, tz, default_days=HEATMAP_DEFAULT_DAYS, now=now)
    return await _respond(
        runtime,
        cache,
        "heatmap",
        TTL_METRICS_BREAKDOWN,
        _key_params(period, unit=unit, **filters.as_params()),
        lambda conn: service.heatmap(conn, period, filters, unit),
    )


@router.get(
    "/by-payment-method",
    operation_id="metrics_by_payment_method",
    summary="Count, amount and success rate per payment method",
    response_model=schemas.ByPaymentMethodEnvelope,
    responses=AUTH_RESPONSES,
)
async def by_payment_method(
    _: ViewerDep,
    runtime: RuntimeDep,
    cache: CacheDep,
    filters: MetricFiltersDep,
    tz: TimezoneDep,
    from_date: FromDateQuery = None,
    to_date: ToDateQuery = None,
) -> Response:
    period = resolve_period(from_date, to_date, tz)
    return await _respond(
        runtime,
        cache,
        "by_payment_method",
        TTL_METRICS_BREAKDOWN,
        _key_params(period, **filters.as_params()),
        lambda conn: service.by_payment_method(conn, period, filters),
    )


@router.get(
    "/by-merchant",
    operation_id="metrics_by_merchant",
    summary="Count, amount and success rate per merchant (biggest first)",
    response_model=schemas.ByMerchantEnvelope,
    responses=AUTH_RESPONSES,
)
async def by_merchant(
    _: ViewerDep,
    runtime: RuntimeDep,
    cache: CacheDep,
    filters: MetricFiltersDep,
    tz: TimezoneDep,
    from_date: FromDateQuery = None,
    to_date: ToDateQuery = None,
    limit: Annotated[int, Query(ge=1, le=500, description="Merchants listed")] = 50,
) -> Response:
    period = resolve_period(from_date, to_date, tz)
    return await _respond(
        runtime,
        cache,
        "by_merchant",
        TTL_METRICS_BREAKDOWN,
        _key_params(period, limit=limit, **filters.as_params()),
        lambda conn: service.by_merchant(conn, period, filters, limit),
    )


@router.get(
    "/failures",
    operation_id="metrics_failures",
    summary="Failed transactions by the provider's original status",
    response_model=schemas.FailuresEnvelope,
    responses=AUTH_RESPONSES,
)
async def failures(
    _: ViewerDep,
    runtime: RuntimeDep,
    cache: CacheDep,
    filters: MetricFiltersDep,
    tz: TimezoneDep,
    from_date: FromDateQuery = None,
    to_date: ToDateQuery = None,
) -> Response:
    period = resolve_period(from_date, to_date, tz)
    return await _respond(
        runtime,
        cache,
        "failures",
        TTL_METRICS_BREAKDOWN,
        _key_params(period, **filters.as_params()),
        lambda conn: service.failures(conn, period, filters),
    )


@router.get(
    "/net-flow",
    operation_id="metrics_net_flow",
    summary="Net flow per project and day: successful pay-ins (each payment once) less "
    "successful PayShack pay-outs",
    response_model=NetFlowEnvelope,
    responses=AUTH_RESPONSES,
)
async def net_flow(
    _: ViewerDep,
    runtime: RuntimeDep,
    cache: CacheDep,
    filters: MetricFiltersDep,
    tz: TimezoneDep,
    now: NowDep,
    from_date: FromDateQuery = None,
    to_date: ToDateQuery = None,
) -> Response:
    period = resolve_period(from_date, to_date, tz, now=now)
    return await _respond(
        runtime,
        cache,
        "net_flow",
        TTL_METRICS_BREAKDOWN,
        _key_params(period, **filters.as_params()),
        lambda conn: compute_net_flow(conn, period, filters),
    )
