"""POST /auth/login, POST /auth/logout, GET /auth/me, and the API token routes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from psp_dashboard.api.deps import RuntimeDep
from psp_dashboard.api.security_headers import cookie_is_secure
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.auth import service
from psp_dashboard.auth.deps import AUTH_RESPONSES, ViewerDep
from psp_dashboard.auth.form_login import router as form_login_router
from psp_dashboard.auth.principal import Principal
from psp_dashboard.auth.schemas import LoginIn, MeOut, SignedOutOut
from psp_dashboard.auth.sessions import SESSION_COOKIE, Session
from psp_dashboard.auth.token_endpoints import router as tokens_router

router = APIRouter()
auth = APIRouter(prefix="/auth", tags=["auth"], route_class=ValidatedRoute)


def _me(principal: Principal, session: Session | None) -> dict[str, Any]:
    return {
        "data": {
            "id": str(principal.id),
            "email": principal.email,
            "role": principal.role,
            "csrf_token": session.csrf_token if session else None,
        }
    }


@auth.post(
    "/login",
    response_model=MeOut,
    operation_id="login",
    summary="Sign in; sets the httpOnly session cookie and returns the CSRF token",
    responses={
        401: {"description": "Wrong e-mail or password, or the user is disabled"},
        429: {"description": "Too many failed attempts; see Retry-After"},
        503: {"description": "The session store is unavailable (sign-in fails closed)"},
    },
)
async def login(
    body: LoginIn, request: Request, response: Response, runtime: RuntimeDep
) -> dict[str, Any]:
    signed_in = await service.login(
        runtime, body.email, body.password.get_secret_value(), service.client_address(request)
    )
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.session_id,
        max_age=runtime.settings.session_ttl_minutes * 60,
        path="/",
        httponly=True,
        samesite="lax",
        secure=cookie_is_secure(runtime.settings, request.scope),
    )
    response.headers["Cache-Control"] = "no-store"
    user = signed_in.user
    principal = Principal(id=user.id, email=user.email, role=user.role)
    return _me(principal, signed_in.session)


@auth.post(
    "/logout",
    response_model=SignedOutOut,
    operation_id="logout",
    summary="End the current session (with an API token: nothing to end)",
    responses=AUTH_RESPONSES,
)
async def logout(
    principal: ViewerDep, request: Request, response: Response, runtime: RuntimeDep
) -> dict[str, Any]:
    await service.logout(runtime, request, principal)
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=cookie_is_secure(runtime.settings, request.scope),
    )
    return {"data": {"signed_out": True}}


@auth.get(
    "/me",
    response_model=MeOut,
    operation_id="me",
    summary="The signed-in user, with the session's CSRF token",
    responses=AUTH_RESPONSES,
)
async def me(principal: ViewerDep, request: Request, response: Response) -> dict[str, Any]:
    response.headers["Cache-Control"] = "no-store"
    session = getattr(request.state, "session", None)
    return _me(principal, session if isinstance(session, Session) else None)


router.include_router(auth)
router.include_router(form_login_router)
router.include_router(tokens_router)
