"""`/payshack/*` routes: PayShack reference data and the client → project map
(docs/payshack-reference.md). Everyone signed in reads; an admin maps clients; an analyst
or admin may refresh now."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from psp_dashboard.api.deps import ConnDep, RuntimeDep, SettingsDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.audit.service import record
from psp_dashboard.auth.deps import AUTH_RESPONSES, AdminDep, AnalystDep, ViewerDep
from psp_dashboard.kit.isodate import IsoDate
from psp_dashboard.kit.json import ExactJSONResponse
from psp_dashboard.models.reference import payshack_resellers, payshack_service_providers
from psp_dashboard.reference import schemas, service
from psp_dashboard.reference.refresh import refresh_reference

router = APIRouter(prefix="/payshack", tags=["payshack reference"], route_class=ValidatedRoute)

ClientId = Annotated[str, Path(min_length=1, max_length=100, description="PayShack client id")]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    404: {"description": "No such PayShack client"},
}


@router.get(
    "/clients",
    operation_id="list_payshack_clients",
    summary="PayShack clients with balance, project and the last refresh",
    response_model=schemas.ClientList,
    responses=AUTH_RESPONSES,
)
async def list_clients(_: ViewerDep, conn: ConnDep, settings: SettingsDep) -> ExactJSONResponse:
    return ExactJSONResponse(await service.list_clients(conn, settings))


@router.get(
    "/clients/{client_id}/balances",
    operation_id="payshack_client_balances",
    summary="A client's balance over a range of UTC days (default: the last 30)",
    response_model=schemas.BalanceHistory,
    responses={**_NOT_FOUND, 400: {"description": "from_date after to_date"}},
)
async def client_balances(
    _: ViewerDep,
    conn: ConnDep,
    client_id: ClientId,
    from_date: Annotated[IsoDate | None, Query(description="First UTC day (inclusive)")] = None,
    to_date: Annotated[IsoDate | None, Query(description="Last UTC day (inclusive)")] = None,
) -> ExactJSONResponse:
    return ExactJSONResponse(await service.balance_history(conn, client_id, from_date, to_date))


@router.put(
    "/clients/{client_id}/project",
    operation_id="set_payshack_client_project",
    summary="Map a client to a project (null: back to the default); re-labels its rows",
    response_model=schemas.Client,
    responses={**_NOT_FOUND, 400: {"description": "Not a project slug"}},
)
async def set_client_project(
    body: schemas.ProjectIn,
    principal: AdminDep,
    runtime: RuntimeDep,
    client_id: ClientId,
) -> ExactJSONResponse:
    # A transaction of its own: cached figures are dropped only after it committed.
    async with runtime.engine.begin() as conn:
        client, moved = await service.set_project(
            conn, principal, runtime.settings, client_id, body.project
        )
    if moved.rows:
        await runtime.cache.invalidate_metrics()
    # Exact money as JSON numbers (FastAPI's own encoder would write Decimal as a string).
    return ExactJSONResponse(client)


@router.get(
    "/resellers",
    operation_id="list_payshack_resellers",
    summary="PayShack resellers",
    response_model=schemas.EntryList,
    responses=AUTH_RESPONSES,
)
async def list_resellers(_: ViewerDep, conn: ConnDep) -> dict[str, Any]:
    return await service.list_entries(conn, payshack_resellers, "reseller_id")


@router.get(
    "/service-providers",
    operation_id="list_payshack_service_providers",
    summary="PayShack service providers",
    response_model=schemas.EntryList,
    responses=AUTH_RESPONSES,
)
async def list_service_providers(_: ViewerDep, conn: ConnDep) -> dict[str, Any]:
    return await service.list_entries(conn, payshack_service_providers, "sp_id")


@router.post(
    "/reference/refresh",
    operation_id="refresh_payshack_reference",
    summary="Refresh clients, balances, resellers and service providers now",
    response_model=schemas.RefreshOut,
    responses=AUTH_RESPONSES,
)
async def refresh_now(principal: AnalystDep, runtime: RuntimeDep, conn: ConnDep) -> dict[str, Any]:
    result = await refresh_reference(runtime)
    await record(
        conn,
        principal,
        "payshack.reference.refresh",
        params=result.as_dict(),
        outcome="success" if result.status in ("success", "skipped") else "failure",
    )
    return result.as_dict()
