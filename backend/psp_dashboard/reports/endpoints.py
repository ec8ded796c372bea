"""`/reports/*` routes: report schedules, manual runs, delivery history (docs/reports.md).
Admins write; analysts and admins read (a schedule's recipients are people's addresses)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from psp_dashboard.api.deps import ConnDep, RuntimeDep, SettingsDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.auth.deps import AUTH_RESPONSES, AdminDep, AnalystDep
from psp_dashboard.kit.json import ExactJSONResponse
from psp_dashboard.reports import schemas, service

router = APIRouter(prefix="/reports", tags=["reports"], route_class=ValidatedRoute)

ScheduleId = Annotated[uuid.UUID, Path(description="Schedule id")]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    404: {"description": "No such schedule"},
}
_WRITE: dict[int | str, dict[str, Any]] = {
    **_NOT_FOUND,
    400: {"description": "Bad time, zone, weekday, recipients or URL"},
}


@router.get(
    "/schedules",
    operation_id="list_report_schedules",
    summary="Every report schedule with its next run and last delivery",
    response_model=schemas.ScheduleList,
    responses=AUTH_RESPONSES,
)
async def list_schedules(_: AnalystDep, conn: ConnDep) -> Response:
    return ExactJSONResponse({"data": await service.list_schedules(conn)})


@router.post(
    "/schedules",
    status_code=201,
    operation_id="create_report_schedule",
    summary="Schedule a daily summary or a weekly reconciliation report",
    response_model=schemas.ScheduleEnvelope,
    responses={**AUTH_RESPONSES, 400: _WRITE[400]},
)
async def create_schedule(
    body: schemas.ScheduleIn, principal: AdminDep, conn: ConnDep, settings: SettingsDep
) -> Response:
    data = await service.create_schedule(conn, settings, principal, body)
    return ExactJSONResponse({"data": data}, status_code=201)


@router.patch(
    "/schedules/{schedule_id:uuid}",
    operation_id="update_report_schedule",
    summary="Change a schedule (a new time or zone sends from the next due time on)",
    response_model=schemas.ScheduleEnvelope,
    responses=_WRITE,
)
async def update_schedule(
    schedule_id: ScheduleId,
    body: schemas.SchedulePatch,
    principal: AdminDep,
    conn: ConnDep,
    settings: SettingsDep,
) -> Response:
    data = await service.update_schedule(conn, settings, principal, schedule_id, body)
    return ExactJSONResponse({"data": data})


@router.delete(
    "/schedules/{schedule_id:uuid}",
    status_code=204,
    operation_id="delete_report_schedule",
    summary="Delete a schedule and its delivery history",
    responses=_NOT_FOUND,
)
async def delete_schedule(schedule_id: ScheduleId, principal: AdminDep, conn: ConnDep) -> Response:
    await service.delete_schedule(conn, principal, schedule_id)
    return Response(status_code=204)


@router.post(
    "/schedules/{schedule_id:uuid}/run",
    status_code=202,
    operation_id="run_report_schedule",
    summary="Send the report now (the delivery is queued; see its status in the history)",
    response_model=schemas.DeliveryEnvelope,
    responses=_NOT_FOUND,
)
async def run_schedule(
    schedule_id: ScheduleId, principal: AdminDep, runtime: RuntimeDep
) -> Response:
    # Its own transaction: committed before this process's worker (if any) is nudged.
    async with runtime.engine.begin() as conn:
        data = await service.run_now(conn, principal, schedule_id, datetime.now(UTC))
    if runtime.worker is not None:
        runtime.worker.run_now("reports:tick")
    return ExactJSONResponse({"data": data}, status_code=202)


@router.get(
    "/deliveries",
    operation_id="list_report_deliveries",
    summary="Delivery history, newest first",
    response_model=schemas.DeliveryList,
    responses=AUTH_RESPONSES,
)
async def list_deliveries(
    _: AnalystDep,
    conn: ConnDep,
    schedule_id: Annotated[uuid.UUID | None, Query(description="One schedule's")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Rows")] = 50,
) -> Response:
    return ExactJSONResponse({"data": await service.list_deliveries(conn, schedule_id, limit)})
