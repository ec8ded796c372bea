"""PayShack's dashboard for people (and the browser scraper): a login form, a home page
with the main navigation, and the Pay-In page whose table the page's own script fills.

The page's data call (`/dashboard-api/payin`) takes the same parameters and answers the
same envelope as the API, authenticated by the session cookie. In encrypted mode its
`data` is AES-GCM with the session's key, which only the logged-in page receives.

The Pay-In page's layout follows `Sandbox.variant` (dashboard_variants.py): the server
sends the table's shell (dashboard_markup.py) and passes the variant and its columns to
the page's script, which builds the controls and the rows from them.
The variant is read per request, so an admin change re-skins the next page load.
"""

from __future__ import annotations

import asyncio
import html
import json
from datetime import timedelta
from functools import cache
from importlib import resources
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from psp_dashboard.sandbox.crypto import encrypt_json, key_b64
from psp_dashboard.sandbox.dashboard_columns import shown_columns
from psp_dashboard.sandbox.dashboard_markup import table_shell
from psp_dashboard.sandbox.http_common import BadRequest, body_response, injected_fault
from psp_dashboard.sandbox.http_common import json_response as json_reply
from psp_dashboard.sandbox.payshack_api import IST, envelope_error, listing_page, parse_payin_query
from psp_dashboard.sandbox.payshack_auth import SESSION_COOKIE
from psp_dashboard.sandbox.render_common import rupees
from psp_dashboard.sandbox.state import Sandbox

DATA_PATH = "/dashboard-api/payin"
FILTER_OFFSETS = {"IST": IST, "UTC": timedelta(0)}
STATIC_TYPES = {".js": "text/javascript", ".css": "text/css"}


@cache
def _template(name: str) -> str:
    return resources.files("psp_dashboard.sandbox").joinpath("templates", name).read_text()


@cache
def _static(name: str) -> bytes:
    return resources.files("psp_dashboard.sandbox").joinpath("static", name).read_bytes()


def _fill(template: str, **values: str) -> str:
    for name, value in values.items():
        template = template.replace("{{" + name + "}}", value)
    return template


def _safe_next(target: str | None, default: str) -> str:
    """Only same-site paths: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return default


def dashboard_router(sb: Sandbox) -> APIRouter:
    router = APIRouter()

    def page(title: str, content: str) -> HTMLResponse:
        body = _fill(
            _template("layout.html"),
            title=html.escape(title),
            payin_path=html.escape(sb.payin_path),
            content=content,
        )
        return HTMLResponse(body)

    def to_login(request: Request) -> RedirectResponse:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    def session_id(request: Request) -> str | None:
        return request.cookies.get(SESSION_COOKIE)

    def login_page(next_path: str, error: str = "", status: int = 200) -> HTMLResponse:
        message = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
        body = _fill(_template("login.html"), next=html.escape(next_path), error=message)
        return HTMLResponse(body, status_code=status)

    @router.get("/")
    async def root() -> RedirectResponse:
        return RedirectResponse("/dashboard", status_code=303)

    @router.get("/login")
    async def login_form(request: Request) -> HTMLResponse:
        return login_page(_safe_next(request.query_params.get("next"), "/dashboard"))

    @router.post("/login")
    async def login_submit(request: Request) -> Response:
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        email = (form.get("email") or [""])[0].strip().lower()
        given = (form.get("password") or [""])[0]
        target = _safe_next((form.get("next") or [""])[0], "/dashboard")
        creds = sb.credentials
        if email != creds.payshack_email.lower() or given != creds.payshack_pass:
            return login_page(target, "Invalid email or password", 401)
        sid, _ = sb.auth.open_session()
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="lax", path="/")
        return response

    @router.get("/logout")
    async def logout(request: Request) -> RedirectResponse:
        sb.auth.close_session(session_id(request))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @router.get("/dashboard")
    async def home(request: Request) -> Response:
        if sb.auth.check_session(session_id(request)) is None:
            return to_login(request)
        cards = "".join(
            f'<div class="card"><h2>{html.escape(c.name)}</h2>'
            f"<p>Balance: ₹{rupees(c.base_balance_minor)}</p></div>"
            for c in sb.directory.clients()
        )
        return page("Dashboard", f'<h1>Dashboard</h1><div class="cards">{cards}</div>')

    @router.get("/payout")
    async def payout(request: Request) -> Response:
        if sb.auth.check_session(session_id(request)) is None:
            return to_login(request)
        return page("Pay-Out", "<h1>Pay-Out Transactions</h1><p>No pay-outs in the sandbox.</p>")

    @router.get(sb.payin_path)
    async def payin(request: Request) -> Response:
        grant = sb.auth.check_session(session_id(request))
        if grant is None:
            return to_login(request)
        variant = sb.variant
        columns = shown_columns(variant, sb.payin_column_order, sb.payin_header_renames)
        config = {
            "dataUrl": DATA_PATH,
            "key": key_b64(grant.aes_key),
            "loginUrl": f"/login?next={quote(sb.payin_path)}",
            "columns": [
                {"key": c.key, "kind": c.kind, "label": c.label, "sort": c.sort} for c in columns
            ],
            "variant": variant.as_dict(),
        }
        blob = json.dumps(config).replace("</", "<\\/")
        shell = table_shell(variant, columns)
        content = _fill(_template("payin.html"), skin=variant.table, table=shell, config=blob)
        return page("Pay-In", content)

    @router.get(DATA_PATH)
    async def payin_data(request: Request) -> Response:
        grant = sb.auth.check_session(session_id(request))
        if grant is None:
            return json_reply(envelope_error(401, "Session expired"), 401)
        variant = sb.variant
        try:
            query = parse_payin_query(request.query_params, FILTER_OFFSETS[variant.filter_zone])
        except BadRequest as exc:
            return json_reply(envelope_error(400, str(exc)), 400)
        if variant.delay_ms:  # the provider's own latency, not a fault
            await asyncio.sleep(variant.delay_ms / 1000)
        fault, truncate = await injected_fault(sb.world.faults.payshack, envelope_error)
        if fault is not None:
            return fault
        data = listing_page(sb, query)
        sealed = encrypt_json(grant.aes_key, data) if sb.encrypted else data
        payload = {"success": True, "statusCode": 200, "message": "OK", "data": sealed}
        return body_response(payload, truncate)

    @router.get("/static/{name}")
    async def static(name: str) -> Response:
        suffix = name[name.rfind(".") :] if "." in name else ""
        if "/" in name or suffix not in STATIC_TYPES:
            return Response(status_code=404)
        try:
            return Response(_static(name), media_type=STATIC_TYPES[suffix])
        except FileNotFoundError:
            return Response(status_code=404)

    return router
