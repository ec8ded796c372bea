"""`/alerts/*` routes: the alert centre and the bell, rules, channels (docs/alerts.md)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from starlette.responses import FileResponse, Response

from psp_dashboard.alerts import schemas, service
from psp_dashboard.alerts.evaluate import evaluate
from psp_dashboard.alerts.repository import AlertFilter, get_alert
from psp_dashboard.api.deps import ConnDep, RuntimeDep, SettingsDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.auth.deps import AUTH_RESPONSES, AdminDep, AnalystDep, ViewerDep
from psp_dashboard.errors import NotFound
from psp_dashboard.kit.paging import LimitQuery, PageQuery

router = APIRouter(prefix="/alerts", tags=["alerts"], route_class=ValidatedRoute)
# One alert's routes take only a UUID (`{alert_id:uuid}`): `GET /alerts/evaluate` is a
# 405 for the POST route there, not a 400 for a malformed alert id.

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    404: {"description": "No such alert"},
}
_RULE_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    400: {"description": "Bad parameters, scope or channel ids"},
    404: {"description": "No such rule"},
}
AlertId = Annotated[uuid.UUID, Path(description="Alert id")]
RuleId = Annotated[uuid.UUID, Path(description="Rule id")]
ChannelId = Annotated[uuid.UUID, Path(description="Channel id")]


@router.get(
    "",
    operation_id="list_alerts",
    summary="Firing and past alerts, newest first",
    response_model=schemas.AlertPage,
    responses=AUTH_RESPONSES,
)
async def list_alerts(
    _: ViewerDep,
    conn: ConnDep,
    state: Annotated[
        Literal["firing", "resolved", "all"], Query(description="Which alerts")
    ] = "all",
    kind: Annotated[schemas.RuleKind | None, Query(description="Rule kind")] = None,
    project: Annotated[str | None, Query(max_length=100, description="Project")] = None,
    source: Annotated[Literal["vima", "payshack"] | None, Query(description="Source")] = None,
    acknowledged: Annotated[bool | None, Query(description="Acknowledged or not")] = None,
    page: PageQuery = 1,
    limit: LimitQuery = 50,
) -> dict[str, Any]:
    flt = AlertFilter(state, kind, project, source, acknowledged)
    return await service.list_alerts(conn, flt, page, limit)


@router.get(
    "/summary",
    operation_id="alerts_summary",
    summary="For the header bell: firing and unacknowledged counts, the latest firing",
    response_model=schemas.AlertSummaryEnvelope,
    responses=AUTH_RESPONSES,
)
async def alerts_summary(_: ViewerDep, conn: ConnDep) -> dict[str, Any]:
    return {"data": await service.summary(conn)}


@router.get(
    "/rules",
    operation_id="list_alert_rules",
    summary="Every alert rule with how many of its subjects fire",
    response_model=schemas.RuleList,
    responses=AUTH_RESPONSES,
)
async def list_rules(_: ViewerDep, conn: ConnDep) -> dict[str, Any]:
    return {"data": await service.list_rules(conn)}


@router.post(
    "/rules",
    status_code=201,
    operation_id="create_alert_rule",
    summary="Add an alert rule (parameters not given take the kind's defaults)",
    response_model=schemas.RuleEnvelope,
    responses={**AUTH_RESPONSES, 400: {"description": "Bad parameters, scope or channel ids"}},
)
async def create_rule(body: schemas.RuleIn, principal: AdminDep, conn: ConnDep) -> dict[str, Any]:
    return {"data": await service.create_rule(conn, principal, body)}


@router.patch(
    "/rules/{rule_id}",
    operation_id="update_alert_rule",
    summary="Change a rule: name, params, scope, cooldown, severity, channels, on/off",
    response_model=schemas.RuleEnvelope,
    responses=_RULE_NOT_FOUND,
)
async def update_rule(
    rule_id: RuleId, body: schemas.RulePatch, principal: AdminDep, conn: ConnDep
) -> dict[str, Any]:
    return {"data": await service.update_rule(conn, principal, rule_id, body)}


@router.delete(
    "/rules/{rule_id}",
    status_code=204,
    operation_id="delete_alert_rule",
    summary="Delete a rule (its firing alerts are resolved; history stays)",
    responses={**AUTH_RESPONSES, 404: {"description": "No such rule"}},
)
async def delete_rule(rule_id: RuleId, principal: AdminDep, conn: ConnDep) -> Response:
    await service.delete_rule(conn, principal, rule_id)
    return Response(status_code=204)


@router.get(
    "/channels",
    operation_id="list_alert_channels",
    summary="Every alert channel (secrets never shown)",
    response_model=schemas.ChannelList,
    responses=AUTH_RESPONSES,
)
async def list_channels(_: AdminDep, conn: ConnDep) -> dict[str, Any]:
    return {"data": await service.list_channels(conn)}


@router.post(
    "/channels",
    status_code=201,
    operation_id="create_alert_channel",
    summary="Add an in-app, webhook or e-mail channel",
    response_model=schemas.ChannelEnvelope,
    responses={
        **AUTH_RESPONSES,
        400: {"description": "Missing URL / address, or both secret and secret_env"},
        409: {"description": "The name is taken"},
    },
)
async def create_channel(
    body: schemas.ChannelIn, principal: AdminDep, conn: ConnDep, settings: SettingsDep
) -> dict[str, Any]:
    return {"data": await service.create_channel(conn, settings, principal, body)}


@router.delete(
    "/channels/{channel_id}",
    status_code=204,
    operation_id="delete_alert_channel",
    summary="Delete a channel (rules stop using it)",
    responses={**AUTH_RESPONSES, 404: {"description": "No such channel"}},
)
async def delete_channel(channel_id: ChannelId, principal: AdminDep, conn: ConnDep) -> Response:
    await service.delete_channel(conn, principal, channel_id)
    return Response(status_code=204)


@router.post(
    "/channels/{channel_id}/test",
    operation_id="test_alert_channel",
    summary="Send a test message through a channel now",
    response_model=schemas.ChannelTestEnvelope,
    responses={**AUTH_RESPONSES, 404: {"description": "No such channel"}},
)
async def test_channel(
    channel_id: ChannelId, principal: AdminDep, conn: ConnDep, settings: SettingsDep
) -> dict[str, Any]:
    outcome = await service.test_channel(conn, settings, principal, channel_id)
    return {
        "data": {"delivered": outcome.delivered, "status": outcome.status, "error": outcome.error}
    }


@router.post(
    "/evaluate",
    operation_id="evaluate_alerts",
    summary="Evaluate every enabled rule now (the worker does it every minute)",
    response_model=schemas.EvaluationEnvelope,
    responses=AUTH_RESPONSES,
)
async def evaluate_now(_: AdminDep, runtime: RuntimeDep) -> dict[str, Any]:
    tally = await evaluate(runtime.engine, runtime.settings, cache=runtime.cache)
    return {
        "data": {"evaluated": tally.evaluated, "fired": tally.fired, "resolved": tally.resolved}
    }


@router.get(
    "/{alert_id:uuid}",
    operation_id="get_alert",
    summary="One alert with its evidence and notifications",
    response_model=schemas.AlertEnvelope,
    responses=_NOT_FOUND,
)
async def get_one(alert_id: AlertId, _: ViewerDep, conn: ConnDep) -> dict[str, Any]:
    return {"data": await service.get_alert(conn, alert_id)}


@router.post(
    "/{alert_id:uuid}/acknowledge",
    operation_id="acknowledge_alert",
    summary="Acknowledge an alert (who and when are kept)",
    response_model=schemas.AlertEnvelope,
    responses=_NOT_FOUND,
)
async def acknowledge(alert_id: AlertId, principal: AnalystDep, conn: ConnDep) -> dict[str, Any]:
    return {"data": await service.acknowledge(conn, principal, alert_id)}


@router.get(
    "/{alert_id:uuid}/screenshot",
    operation_id="alert_screenshot",
    summary="The browser reader's screenshot attached to an alert (PNG)",
    response_class=FileResponse,
    responses={
        **_NOT_FOUND,
        200: {"content": {"image/png": {}}, "description": "The screenshot"},
    },
)
async def screenshot(
    alert_id: AlertId, _: ViewerDep, conn: ConnDep, settings: SettingsDep
) -> FileResponse:
    row = await get_alert(conn, alert_id)
    path = None if row is None else service.screenshot_file(settings, row)
    if path is None:
        raise NotFound("This alert has no screenshot", {"id": str(alert_id)})
    return FileResponse(
        path, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"}
    )
