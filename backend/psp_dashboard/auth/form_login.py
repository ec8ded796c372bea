"""POST /auth/login-form: sign-in by a plain HTML form post, before any script runs.

The sign-in page's form posts here natively until its scripts have loaded (a fast typist
or a password manager submits before hydration; the scripted form then takes over with
the JSON `POST /auth/login`). The answer is always a 303 redirect: to `next` with the
session cookie on success, back to `/login/?error=…` otherwise (the page shows it).

Login CSRF: a form post is the one thing a cross-site page *can* send (the JSON route is
safe because a form cannot send `application/json`). A cross-site post could sign the
victim's browser into the attacker's account, so the request must come from our own
origin: `Sec-Fetch-Site: same-origin`, or, from a client that does not send that header,
`Origin` equal to the request's host. Anything else is a 403, not a redirect.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from psp_dashboard.api.deps import RuntimeDep
from psp_dashboard.api.security_headers import cookie_is_secure
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.auth import service
from psp_dashboard.auth.sessions import SESSION_COOKIE
from psp_dashboard.errors import (
    Forbidden,
    RateLimited,
    ServiceUnavailable,
    Unauthenticated,
    ValidationFailed,
)
from psp_dashboard.runtime import Runtime

LOGIN_PAGE = "/login/"
FORM_TYPE = "application/x-www-form-urlencoded"

router = APIRouter(prefix="/auth", tags=["auth"], route_class=ValidatedRoute)

_FORM_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            FORM_TYPE: {
                "schema": {
                    "type": "object",
                    "required": ["email", "password"],
                    "properties": {
                        "email": {"type": "string", "maxLength": 320},
                        "password": {"type": "string", "format": "password"},
                        "next": {
                            "type": "string",
                            "description": "Where to go after signing in: a path of this "
                            "site (else `/`); the page fills it from its `?next=` once its "
                            "scripts run",
                        },
                    },
                }
            }
        },
    }
}


def safe_next(value: str | None) -> str:
    """A path of this site, never another origin (`//host`, `/\\host`) nor the sign-in
    page or the API; anything else is `/` (the frontend's `safeNext`, same rule)."""
    if (
        not value
        or not value.startswith("/")
        or value.startswith(("//", "/\\", "/login", "/api/"))
        or any(ch in value for ch in "\\\r\n\t")
    ):
        return "/"
    return value


def same_origin(request: Request) -> bool:
    """`Sec-Fetch-Site` (set by the browser itself, never by a page) when present: our
    `Referrer-Policy: no-referrer` makes browsers send `Origin: null` with form posts, so
    it is the one that tells. Without it (older browsers, other clients), `Origin` must
    name this host."""
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    return (
        origin is not None
        and origin != "null"
        and urlsplit(origin).netloc == request.headers.get("host")
    )


def _back(error: str, next_path: str) -> Response:
    target = f"{LOGIN_PAGE}?error={error}"
    if next_path != "/":
        target += f"&next={quote(next_path, safe='/')}"
    return _no_store(RedirectResponse(target, status_code=303))


def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


async def _form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM_TYPE:
        raise ValidationFailed(
            f"Send the sign-in form as {FORM_TYPE}",
            {"field": "body", "expected": FORM_TYPE, "received": content_type[:100]},
        )
    try:
        fields = parse_qs(
            (await request.body()).decode("utf-8"),
            keep_blank_values=True,
            strict_parsing=False,
            max_num_fields=10,
        )
    except (UnicodeDecodeError, ValueError):
        raise ValidationFailed(
            "The sign-in form could not be read", {"field": "body", "expected": "a form"}
        ) from None
    return {name: values[0] for name, values in fields.items() if values}


def set_session_cookie(
    response: Response, runtime: Runtime, request: Request, session_id: str
) -> None:
    """As `POST /auth/login` sets it (docs/auth.md)."""
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        max_age=runtime.settings.session_ttl_minutes * 60,
        path="/",
        httponly=True,
        samesite="lax",
        secure=cookie_is_secure(runtime.settings, request.scope),
    )


@router.post(
    "/login-form",
    operation_id="login_form",
    summary="Sign in by a plain HTML form post (works before the page's scripts load)",
    status_code=303,
    response_class=Response,
    openapi_extra=_FORM_BODY,
    responses={
        303: {
            "description": "To `next` with the session cookie, or back to "
            "`/login/?error=invalid|rate_limited|unavailable|missing`"
        },
        400: {"description": "Not a form body"},
        403: {"description": "Not posted from this site (login CSRF)"},
    },
)
async def login_form(request: Request, runtime: RuntimeDep) -> Response:
    if not same_origin(request):
        raise Forbidden(
            "Sign-in forms are accepted from this site only",
            {"reason": "cross_origin"},
        )
    form = await _form(request)
    next_path = safe_next(form.get("next"))
    email, password = form.get("email", "").strip(), form.get("password", "")
    if not email or not password or len(email) > 320:
        return _back("missing", next_path)
    try:
        signed_in = await service.login(runtime, email, password, service.client_address(request))
    except Unauthenticated:
        return _back("invalid", next_path)
    except RateLimited:
        return _back("rate_limited", next_path)
    except ServiceUnavailable:
        return _back("unavailable", next_path)
    response = _no_store(RedirectResponse(next_path, status_code=303))
    set_session_cookie(response, runtime, request, signed_in.session_id)
    return response
