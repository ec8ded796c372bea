"""`/reconciliation/*` routes (and, through `export.py`, `/export/reconciliation`)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from psp_dashboard.api.deps import CacheDep, ConnDep, RuntimeDep
from psp_dashboard.auth.deps import AUTH_RESPONSES, AnalystDep, ViewerDep
from psp_dashboard.kit.isodate import IsoDate
from psp_dashboard.kit.json import ExactJSONResponse, RawJSONResponse
from psp_dashboard.reconciliation import export, schemas, service
from psp_dashboard.reconciliation.results import ResultFilter
from psp_dashboard.reconciliation.runs import run_day

MAX_LIMIT = 100
_RUN_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    409: {"description": "A run of this day is already in progress"},
}
_RESOLVE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    404: {"description": "No discrepancy with this id"},
    409: {"description": "The row belongs to a superseded run, or a run of its day is going on"},
}

reconciliation = APIRouter(prefix="/reconciliation", tags=["reconciliation"])

Page = Annotated[
    int,
    Query(
        ge=1,
        le=service.MAX_OFFSET + 1,
        description="1-based page number; (page - 1) × limit at most 100,000",
    ),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page")]


@reconciliation.get(
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


@reconciliation.get(
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
    page: Page = 1,
    limit: Limit = 50,
) -> Response:
    flt = ResultFilter(from_date, to_date, type, resolution, run_id, provisional)
    return ExactJSONResponse(await service.list_discrepancies(conn, principal, flt, page, limit))


@reconciliation.get(
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


@reconciliation.post(
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


@reconciliation.post(
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


@reconciliation.get(
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
    page: Page = 1,
    limit: Limit = 50,
) -> Response:
    return ExactJSONResponse(await service.list_runs(conn, principal, day, page, limit))


@reconciliation.get(
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


@reconciliation.get(
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
    page: Page = 1,
    limit: Limit = 50,
) -> Response:
    """`cleared` lists the previous run's rows (they are not in this run)."""
    return ExactJSONResponse(await service.list_changes(conn, principal, run_id, kind, page, limit))


router = APIRouter()
router.include_router(reconciliation)
router.include_router(export.router)
