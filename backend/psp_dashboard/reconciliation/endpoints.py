"""`/reconciliation/*` routes (its file export is `export/reconciliation.py`)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from psp_dashboard.api.deps import CacheDep, ConnDep, RuntimeDep, SettingsDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.auth.deps import AUTH_RESPONSES, AnalystDep, ViewerDep
from psp_dashboard.auth.principal import Principal
from psp_dashboard.errors import ValidationFailed
from psp_dashboard.kit.isodate import IsoDate
from psp_dashboard.kit.json import ExactJSONResponse, RawJSONResponse
from psp_dashboard.kit.keyset import CursorQuery
from psp_dashboard.kit.paging import LimitQuery, PageQuery
from psp_dashboard.reconciliation import schemas, service, workbench
from psp_dashboard.reconciliation.catch_up import CatchUpEnvelope, read_progress
from psp_dashboard.reconciliation.results import ResultFilter
from psp_dashboard.reconciliation.runs import run_day
from psp_dashboard.runtime import Runtime

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
    settings: SettingsDep,
    day: Annotated[IsoDate, Query(alias="date", description="YYYY-MM-DD")],
) -> Response:
    return RawJSONResponse(await service.summary_json(conn, cache, settings, day))


@router.get(
    "/catch-up",
    operation_id="reconciliation_catch_up",
    summary="The demo's start-up reconciliation of the seeded days: its progress",
    response_model=CatchUpEnvelope,
    responses=AUTH_RESPONSES,
)
async def get_catch_up(principal: ViewerDep, runtime: RuntimeDep) -> Response:
    return ExactJSONResponse({"data": await read_progress(runtime)})


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
    owner: Annotated[
        str | None,
        Query(
            description="`me`, `none` (no owner) or a user id",
            pattern=r"^(me|none|[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12})$",
        ),
    ] = None,
    age: Annotated[
        schemas.AgeBucket | None, Query(description="By first sighting: < 24 h, 24–72 h, ≥ 72 h")
    ] = None,
    run_id: Annotated[
        uuid.UUID | None, Query(description="A run of the history instead of current runs")
    ] = None,
    page: PageQuery = 1,
    limit: LimitQuery = 50,
    cursor: CursorQuery = None,
) -> Response:
    flt = ResultFilter(from_date, to_date, type, resolution, run_id, provisional)
    flt = workbench_filter(flt, principal, owner, age)
    return ExactJSONResponse(
        await service.list_discrepancies(conn, principal, flt, page, limit, cursor)
    )


@router.get(
    "/discrepancies/{discrepancy_id:uuid}",
    operation_id="reconciliation_discrepancy",
    summary="One discrepancy: both sides, what differed, owner, comments, history",
    response_model=schemas.DiscrepancyDetailEnvelope,
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
    "/discrepancies/{discrepancy_id:uuid}/resolve",
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
        summary |= service.schedule_fields(runtime.settings, outcome.day)
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


# ---------------------------------------------------------------- workbench


def workbench_filter(
    flt: ResultFilter, principal: Principal, owner: str | None, age: str | None
) -> ResultFilter:
    """The list's `owner` (me | none | a user id) and `age` filters on `flt`."""
    owner_id, no_owner = None, False
    if owner == "me":
        owner_id = principal.id
    elif owner == "none":
        no_owner = True
    elif owner is not None:
        try:
            owner_id = uuid.UUID(owner)
        except ValueError:
            raise ValidationFailed(
                "owner must be me, none or a user id",
                {"field": "owner", "expected": "me | none | uuid", "received": owner[:64]},
            ) from None
    return replace(flt, owner_id=owner_id, no_owner=no_owner, age=age)


_ACT_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    404: {"description": "No discrepancy with this id"},
    409: {"description": "The row is not in its day's current run (superseded, or running)"},
}


@router.post(
    "/discrepancies/resolve",
    operation_id="reconciliation_resolve_bulk",
    summary="Resolve up to 500 discrepancies with one note, all or none (analysts and admins)",
    response_model=schemas.BulkResolvedEnvelope,
    responses={
        **AUTH_RESPONSES,
        404: {"description": "An id is unknown; nothing was resolved"},
        409: {"description": "A row is not in its day's current run; nothing was resolved"},
    },
)
async def resolve_many(
    principal: AnalystDep, runtime: RuntimeDep, body: schemas.BulkResolveRequest
) -> Response:
    updated = await workbench.bulk_resolve(runtime, principal, body.ids, body.resolution, body.note)
    return ExactJSONResponse({"data": {"updated": updated}})


@router.post(
    "/discrepancies/{discrepancy_id:uuid}/assign",
    operation_id="reconciliation_assign",
    summary="Give a discrepancy an owner, or none (analysts and admins)",
    response_model=schemas.DiscrepancyDetailEnvelope,
    responses=_ACT_RESPONSES,
)
async def assign_discrepancy(
    principal: AnalystDep,
    runtime: RuntimeDep,
    discrepancy_id: Annotated[uuid.UUID, Path(description="Discrepancy id")],
    body: schemas.AssignRequest,
) -> Response:
    await workbench.assign(runtime, principal, discrepancy_id, body.owner_id)
    return await _detail(runtime, principal, discrepancy_id)


@router.post(
    "/discrepancies/{discrepancy_id:uuid}/comments",
    operation_id="reconciliation_comment",
    summary="Add a comment to a discrepancy's thread (analysts and admins)",
    response_model=schemas.DiscrepancyDetailEnvelope,
    responses=_ACT_RESPONSES,
)
async def comment_discrepancy(
    principal: AnalystDep,
    runtime: RuntimeDep,
    discrepancy_id: Annotated[uuid.UUID, Path(description="Discrepancy id")],
    body: schemas.CommentRequest,
) -> Response:
    await workbench.comment(runtime, principal, discrepancy_id, body.body)
    return await _detail(runtime, principal, discrepancy_id)


async def _detail(runtime: Runtime, principal: Principal, discrepancy_id: uuid.UUID) -> Response:
    async with runtime.engine.connect() as conn:
        row = await service.get_discrepancy(conn, principal, discrepancy_id)
    return ExactJSONResponse({"data": row})
