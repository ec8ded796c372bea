"""The Vima collector API: GET {prefix}/operation, as vima-api.md describes it.

Choices where the spec is silent (documented in docs/sandboxes.md): `count` defaults to
10 and `descending` to true (always send both); `date`/`from`/`to` are UTC days of
`operation_created_at`, `to` inclusive; with `from_operation_update_id` the order is by
update id (a create cursor then only filters); a cursor is strictly exclusive.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from fastapi import FastAPI, Request
from starlette.responses import Response

from psp_dashboard.sandbox.admin import admin_router
from psp_dashboard.sandbox.http_common import (
    BadRequest,
    body_response,
    injected_fault,
    json_response,
    parse_day,
    parse_int,
)
from psp_dashboard.sandbox.state import Sandbox
from psp_dashboard.sandbox.statuses import VIMA_STATUS_FILTER_VALUES
from psp_dashboard.sandbox.timeline import day_start_ms
from psp_dashboard.sandbox.vima_query import VimaQuery, select_vima
from psp_dashboard.sandbox.vima_render import render_vima

VIMA_PREFIX = "/collector1/api/v1"
MAX_COUNT = 100
DEFAULT_COUNT = 10


def _error(status: int, message: str) -> dict[str, Any]:
    return {"status": "error", "code": status, "message": message}


def authorized(sb: Sandbox, request: Request) -> bool:
    """The `apikey` parameter or Basic auth, as far as `vima_auth_methods` accepts them."""
    creds = sb.credentials
    key = request.query_params.get("apikey")
    if key is not None:
        if "api_key" not in creds.vima_auth_methods:
            return False
        return hmac.compare_digest(key.encode(), creds.vima_apikey.encode())
    header = request.headers.get("authorization", "")
    if "basic" not in creds.vima_auth_methods or not header.lower().startswith("basic "):
        return False
    try:
        user, _, given = base64.b64decode(header[6:].strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return False
    user_ok = hmac.compare_digest(user.encode(), creds.vima_basic_user.encode())
    return user_ok and hmac.compare_digest(given.encode(), creds.vima_basic_pass.encode())


def parse_query(params: Mapping[str, str]) -> VimaQuery:
    count = parse_int(params.get("count"), "count", DEFAULT_COUNT)
    if not 1 <= count <= MAX_COUNT:
        raise BadRequest(f"count must be between 1 and {MAX_COUNT}")
    status = params.get("status") or None
    if status is not None and status not in VIMA_STATUS_FILTER_VALUES:
        raise BadRequest(f"status must be one of {', '.join(VIMA_STATUS_FILTER_VALUES)}")
    descending_raw = (params.get("descending") or "true").strip().lower()
    if descending_raw not in ("true", "false", "1", "0"):
        raise BadRequest("descending must be true or false")
    from_ms = to_ms = None
    one_day = parse_day(params.get("date"), "date")
    start = parse_day(params.get("from"), "from")
    end = parse_day(params.get("to"), "to")
    if one_day is not None:
        start = max(start, one_day) if start else one_day
        end = min(end, one_day) if end else one_day
    if start is not None:
        from_ms = day_start_ms(start)
    if end is not None:
        to_ms = day_start_ms(end + timedelta(days=1))
    return VimaQuery(
        project=params.get("project") or None,
        status=status,
        from_ms=from_ms,
        to_ms=to_ms,
        count=count,
        descending=descending_raw in ("true", "1"),
        after_create_id=_cursor(params.get("from_operation_create_id"), "create"),
        after_update_id=_cursor(params.get("from_operation_update_id"), "update"),
        key=(params.get("client_operation_id") or "").strip() or None,
    )


def _cursor(value: str | None, name: str) -> int | None:
    if value is None or value.strip() == "":
        return None
    if not value.strip().isdigit():
        raise BadRequest(f"from_operation_{name}_id must be a decimal integer")
    return int(value.strip())


def create_vima_app(sb: Sandbox) -> FastAPI:
    app = FastAPI(title="Vima collector sandbox", docs_url=None, redoc_url=None)
    app.include_router(admin_router(sb))

    @app.get(VIMA_PREFIX + "/operation")
    async def operations(request: Request) -> Response:
        if not authorized(sb, request):
            return json_response(
                _error(401, "invalid or missing api key"),
                401,
                {"WWW-Authenticate": 'Basic realm="collector"'},
            )
        try:
            query = parse_query(request.query_params)
        except BadRequest as exc:
            return json_response(_error(400, str(exc)), 400)
        fault, truncate = await injected_fault(sb.world.faults.vima, _error)
        if fault is not None:
            return fault
        page = [render_vima(sb.world, f) for f in select_vima(sb.world, query)]
        sb.vima_served.add(len(page))
        return body_response(page, truncate)

    @app.get("/_sandbox/vima/served")
    async def served() -> Response:
        """Answered /operation requests and the operations in them (sandbox only)."""
        return json_response(sb.vima_served.snapshot())

    @app.delete("/_sandbox/vima/served")
    async def reset_served() -> Response:
        sb.vima_served.reset()
        return json_response(sb.vima_served.snapshot())

    return app
