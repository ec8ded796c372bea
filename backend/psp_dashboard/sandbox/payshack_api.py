"""PayShack's merchant JSON API (the one its dashboard calls), per payshack.md.

Checks run in this order: bearer token (401), `reseller-id` (403), query (400), then the
injected faults, then the data. `dateFrom`/`dateTo` are IST calendar days (an Indian
dashboard's days), both inclusive. In encrypted mode `data` is an AES-GCM string whose
key never leaves the server for API callers.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from psp_dashboard.sandbox.clients import RESELLER_NAME, SERVICE_PROVIDERS
from psp_dashboard.sandbox.crypto import encrypt_json
from psp_dashboard.sandbox.http_common import (
    BadRequest,
    body_response,
    injected_fault,
    json_response,
    parse_day,
    parse_int,
)
from psp_dashboard.sandbox.payout_api import PAYOUT_PATH, payout_page
from psp_dashboard.sandbox.payshack_auth import Grant
from psp_dashboard.sandbox.payshack_query import PayShackPage, PayShackQuery, select_payshack
from psp_dashboard.sandbox.payshack_render import render_payin
from psp_dashboard.sandbox.state import Sandbox
from psp_dashboard.sandbox.timeline import ms_of

LOGIN_PATH = "/indigate-user-svc/api/v1/auth/login"
PAYIN_PATH = "/indigate-payin-svc/api/v1/payin/transaction/fetch"
CLIENTS_PATH = "/indigate-core-svc/api/v1/client/fetch-all-client"
RESELLERS_PATH = "/indigate-core-svc/api/v1/reseller/fetch-all-reseller"
SPS_PATH = "/indigate-core-svc/api/v1/service-provider/fetch-all-sp"
MAX_LIMIT = 100
IST = timedelta(hours=5, minutes=30)
_STATUS_TEXT = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 429: "TOO_MANY_REQUESTS"}


def envelope_error(status: int, message: str) -> dict[str, Any]:
    return {
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds")[:-6] + "Z",
        "statusCode": status,
        "status": _STATUS_TEXT.get(status, "INTERNAL_SERVER_ERROR"),
        "message": message,
        "success": False,
        "data": None,
    }


def ist_day_start_ms(day: date, offset: timedelta = IST) -> int:
    """Start of a calendar day at UTC+offset (IST unless a dashboard filters in UTC)."""
    return ms_of(datetime.combine(day, time(0), UTC) - offset)


def parse_payin_query(params: Mapping[str, str], day_offset: timedelta = IST) -> PayShackQuery:
    page = parse_int(params.get("page"), "page", 1)
    limit = parse_int(params.get("limit"), "limit", 10)
    if page < 1:
        raise BadRequest("page must be >= 1")
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}")
    start = parse_day(params.get("dateFrom"), "dateFrom")
    end = parse_day(params.get("dateTo"), "dateTo")
    return PayShackQuery(
        page=page,
        limit=limit,
        from_ms=None if start is None else ist_day_start_ms(start, day_offset),
        to_ms=None if end is None else ist_day_start_ms(end + timedelta(days=1), day_offset),
        status=params.get("status") or None,
        order_id=params.get("orderId") or None,
        txn_id=params.get("transactionId") or None,
    )


def listing_page(sb: Sandbox, query: PayShackQuery) -> dict[str, Any]:
    """One page of the Pay-In listing (API and dashboard alike), after the listing faults:
    `grow_per_request` new payments first; the last `drop_last_pages` pages empty."""
    faults = sb.world.faults.payshack.config
    if faults.grow_per_request > 0:
        sb.world.advance(new=faults.grow_per_request)
    page = select_payshack(sb.world, query)
    if faults.drop_last_pages > 0 and page.page > page.total_pages - faults.drop_last_pages:
        page = PayShackPage([], page.total, page.page, page.limit)
    return page_data(sb, page)


def page_data(sb: Sandbox, page: PayShackPage) -> dict[str, Any]:
    return {
        "transactions": [render_payin(sb.world, sb.directory, f) for f in page.rows],
        "totalRecords": page.total,
        "perPage": page.limit,
        "totalPages": page.total_pages,
        "currentPageNo": page.page,
        "prevPage": page.prev_page,
        "nextPage": page.next_page,
    }


def ok(sb: Sandbox, grant: Grant, message: str, data: Any) -> dict[str, Any]:
    sealed = encrypt_json(grant.aes_key, data) if sb.encrypted else data
    return {"success": True, "statusCode": 200, "message": message, "data": sealed}


def api_router(sb: Sandbox) -> APIRouter:
    router = APIRouter()

    async def guard(request: Request) -> tuple[Grant | None, Response | None, bool]:
        grant = sb.auth.check_token(request.headers.get("authorization"))
        if grant is None:
            return None, json_response(envelope_error(401, "Invalid or expired token"), 401), False
        reseller = request.headers.get("reseller-id", "")
        if not hmac.compare_digest(reseller.encode(), sb.directory.reseller_id.encode()):
            return None, json_response(envelope_error(403, "Invalid reseller-id"), 403), False
        fault, truncate = await injected_fault(sb.world.faults.payshack, envelope_error)
        return grant, fault, truncate

    @router.post(LOGIN_PATH)
    async def login(request: Request) -> Response:
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            return json_response(envelope_error(400, "Malformed JSON body"), 400)
        creds = sb.credentials
        email = str(body.get("email", "")) if isinstance(body, dict) else ""
        given = str(body.get("password", "")) if isinstance(body, dict) else ""
        email_ok = hmac.compare_digest(email.strip().lower(), creds.payshack_email.lower())
        if not (email_ok and hmac.compare_digest(given, creds.payshack_pass)):
            return json_response(envelope_error(401, "Invalid email or password"), 401)
        token, refresh = sb.auth.issue(sb.directory.user_id, sb.directory.reseller_id)
        return json_response(
            {
                "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds")[:-6] + "Z",
                "statusCode": 200,
                "status": "OK",
                "message": "Login Successfully!",
                "success": True,
                "data": {
                    "userId": sb.directory.user_id,
                    "clientId": sb.directory.reseller_id,
                    "role": "Reseller",
                    "email": creds.payshack_email,
                    "token": token,
                    "refreshToken": refresh,
                },
            }
        )

    @router.get(PAYIN_PATH)
    async def payins(request: Request) -> Response:
        grant, early, truncate = await guard(request)
        if early is not None or grant is None:
            return early or json_response(envelope_error(401, "Invalid token"), 401)
        try:
            query = parse_payin_query(request.query_params)
        except BadRequest as exc:
            return json_response(envelope_error(400, str(exc)), 400)
        data = listing_page(sb, query)
        return body_response(ok(sb, grant, "Transactions fetched successfully", data), truncate)

    @router.get(PAYOUT_PATH)
    async def payouts(request: Request) -> Response:
        grant, early, truncate = await guard(request)
        if early is not None or grant is None:
            return early or json_response(envelope_error(401, "Invalid token"), 401)
        try:
            query = parse_payin_query(request.query_params)
        except BadRequest as exc:
            return json_response(envelope_error(400, str(exc)), 400)
        data = payout_page(sb, query)
        return body_response(ok(sb, grant, "Transactions fetched successfully", data), truncate)

    @router.get(CLIENTS_PATH)
    async def clients(request: Request) -> Response:
        grant, early, truncate = await guard(request)
        if early is not None or grant is None:
            return early or json_response(envelope_error(401, "Invalid token"), 401)
        directory, now = sb.directory, sb.world.clock  # balances at the world's clock
        data = [
            {
                "clientId": c.client_id,
                "name": c.name,
                **directory.served_balance(c, now),
                "currency": "INR",
                "resellerId": directory.reseller_id,
                "status": "ACTIVE",
            }
            for c in directory.listed()
        ]
        return body_response(ok(sb, grant, "Clients fetched successfully", data), truncate)

    @router.get(RESELLERS_PATH)
    async def resellers(request: Request) -> Response:
        grant, early, truncate = await guard(request)
        if early is not None or grant is None:
            return early or json_response(envelope_error(401, "Invalid token"), 401)
        data = [{"resellerId": sb.directory.reseller_id, "name": RESELLER_NAME}]
        return body_response(ok(sb, grant, "Resellers fetched successfully", data), truncate)

    @router.get(SPS_PATH)
    async def service_providers(request: Request) -> Response:
        grant, early, truncate = await guard(request)
        if early is not None or grant is None:
            return early or json_response(envelope_error(401, "Invalid token"), 401)
        data = [{"spId": sp_id, "name": name} for sp_id, name in SERVICE_PROVIDERS]
        message = "Service providers fetched successfully"
        return body_response(ok(sb, grant, message, data), truncate)

    return router
