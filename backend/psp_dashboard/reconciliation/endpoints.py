"""`/reconciliation/*` routes (its file export is `export/reconciliation.py`)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from psp_dashboard.api.deps import CacheDep, ConnDep, RuntimeDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.auth.deps import AUTH_RESPONSES, AnalystDep, ViewerDep
from psp_dashboard.kit.isodate import IsoDate
from psp_dashboard.kit.json import ExactJSONResponse, RawJSONResponse
from psp_dashboard.kit.paging import LimitQuery, PageQuery
from psp_dashboard.reconciliation import schemas, service
from psp_dashboard.reconciliation.results import ResultFilter
from psp_dashboard.reconciliation.runs import run_day

_RUN_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    409: {"description": "A run of this day is already in progress"},
}
_RESOLVE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    404: {"description": "No discrepancy with this id"},
    409: {"description": "The row belongs to a superseded run, or a run of its day is going on"},
}

router = APIRouter(prefix="/reconciliation", tags=["reconciliation"], route_class=ValidatedRoute)


@router.get(
    "/summary",
    operation_id="reconciliation_summary",
    summary="The day's reconciliation: counts, coverage, changes, money at risk",
    response_model=schemas.SummaryEnvelope,
    responses=AUTH_RESPONSES,
)
async def get_summary(
    principal: ViewerDep,
    conn: ConnDep,
    cache: CacheDep,
    day: Annotated[IsoDate, Query(alias="date", description="YYYY-MM-DD")],
) -> Response:
    return RawJSONResponse(await service.summary_json(conn, cache, day))


@router.get(
    "/discrepancies",
    operation_id="reconciliation_discrepancies",
    summary="Discrepancies and missing rows of the days' current runs",
    response_model=schemas.DiscrepancyPage,
    responses=AUTH_RESPONSES,
)
async def list_discrepancies(
    principal: ViewerDep,
    conn: ConnDep,
    from_date: Annotated[IsoDate | None, Query(description="First day (inclusive)")] = None,
    to_date: Annotated[IsoDate | None, Query(description="Last day (inclusive)")] = None,
    type: Annotated[schemas.ApiType | None, Query(description="Kind of row")] = None,
    resolution: Annotated[schemas.Resolution | None, Query(description="State")] = None,
    provisional: Annotated[bool | None, Query(description="Provisional rows only")] = None,
    run_id: Annotated[
        uuid.UUID | None, Query(description="A run of the history instead of current runs")
    ] = None,
    page: PageQuery = 1,
    limit: LimitQuery = 50,
) -> Response:
    flt = ResultFilter(from_date, to_date, type, resolution, run_id, provisional)
    return ExactJSONResponse(await service.list_discrepancies(conn, principal, flt, page, limit))


@router.get(
    "/discrepancies/{discrepancy_id}",
    operation_id="reconciliation_discrepancy",
    summary="One discrepancy with its details",
    response_model=schemas.DiscrepancyEnvelope,
    responses={**AUTH_RESPONSES, 404: {"description": "No discrepancy with this id"}},
)
async def get_discrepancy(
    principal: ViewerDep,
    conn: ConnDep,
    discrepancy_id: Annotated[uuid.UUID, Path(description="Discrepancy id")],
) -> Response:
    return ExactJSONResponse(
        {"data": await service.get_discrepancy(conn, principal, discrepancy_id)}
    )


@router.post(
    "/discrepancies/{discrepancy_id}/resolve",
    operation_id="reconciliation_resolve",
    summary="Acknowledge, resolve or reopen a discrepancy (analysts and admins)",
    response_model=schemas.DiscrepancyEnvelope,
    responses=_RESOLVE_RESPONSES,
)
async def resolve_discrepancy(
    principal: AnalystDep,
    runtime: RuntimeDep,
    discrepancy_id: Annotated[uuid.UUID, Path(description="Discrepancy id")],
    body: schemas.ResolveRequest,
) -> Response:
    row = await service.resolve(runtime, principal, discrepancy_id, body.resolution, body.note)
    return ExactJSONResponse({"data": row})


@router.post(
    "/run",
    operation_id="reconciliation_run",
    summary="Reconcile a day now (analysts and admins); answers when the run is done",
    response_model=schemas.RunEnvelope,
    responses=_RUN_RESPONSES,
)
async def start_run(
    principal: AnalystDep, runtime: RuntimeDep, body: schemas.RunRequest
) -> Response:
    outcome = await run_day(runtime, body.date, principal, trigger="api")
    summary = None
    if outcome.status == "completed":
        async with runtime.engine.connect() as conn:
            summary = await service.build_summary(conn, outcome.day)
    payload = {
        "run_id": outcome.run_id,
        "status": outcome.status,
        "message": outcome.message,
        "date": outcome.day,
        "summary": summary,
    }
    return ExactJSONResponse({"data": payload})


@router.get(
    "/runs",
    operation_id="reconciliation_runs",
    summary="Run history, newest first",
    response_model=schemas.RunPage,
    responses=AUTH_RESPONSES,
)
async def list_runs(
    principal: ViewerDep,
    conn: ConnDep,
    day: Annotated[IsoDate | None, Query(alias="date", description="Only runs of this day")] = None,
    page: PageQuery = 1,
    limit: LimitQuery = 50,
) -> Response:
    return ExactJSONResponse(await service.list_runs(conn, principal, day, page, limit))


@router.get(
    "/runs/{run_id}",
    operation_id="reconciliation_run_detail",
    summary="One run of the history",
    response_model=schemas.RunDetailEnvelope,
    responses={**AUTH_RESPONSES, 404: {"description": "No run with this id"}},
)
async def get_run(
    principal: ViewerDep,
    conn: ConnDep,
    run_id: Annotated[uuid.UUID, Path(description="Run id")],
) -> Response:
    return ExactJSONResponse({"data": await service.get_run(conn, principal, run_id)})


@router.get(
    "/runs/{run_id}/changes",
    operation_id="reconciliation_run_changes",
    summary="What changed against the previous run of the day: new, cleared, changed type",
    response_model=schemas.DiscrepancyPage,
    responses={**AUTH_RESPONSES, 404: {"description": "No run with this id"}},
)
async def list_changes(
    principal: ViewerDep,
    conn: ConnDep,
    run_id: Annotated[uuid.UUID, Path(description="Run id")],
    kind: Annotated[schemas.ChangeKind, Query(description="Which change")] = "new",
    page: PageQuery = 1,
    limit: LimitQuery = 50,
) -> Response:
    """`cleared` lists the previous run's rows (they are not in this run)."""
    return ExactJSONResponse(await service.list_changes(conn, principal, run_id, kind, page, limit))
