"""The permission matrix, generated from the app's route table.

Every /api/v1 route × (anonymous, bad token, expired token, viewer, analyst, admin):
401 without valid credentials, 403 below the route's role, anything else (200, 400,
404, …) at or above it. A route outside the public allow-list that declares no role
fails here, so a new endpoint cannot ship without a rule.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, FastAPI

from psp_dashboard.auth.deps import ROLE_RANK, ViewerDep, require
from psp_dashboard.main import API_PREFIX
from psp_dashboard.runtime import Runtime
from tests.auth.conftest import PUBLIC_PATHS, RouteInfo, api_routes, asgi_call
from tests.support.auth import api_token, sign_in

ROLES = ("viewer", "analyst", "admin")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def test_every_route_declares_a_role_or_is_public(app: FastAPI) -> None:
    routes = api_routes(app)
    assert any(r.path == f"{API_PREFIX}/auth/me" for r in routes), "route table not walked"
    missing = [f"{r.method} {r.path}" for r in routes if r.path not in PUBLIC_PATHS and not r.roles]
    assert not missing, f"routes without a role rule (add ViewerDep/AnalystDep/AdminDep): {missing}"
    public_with_rule = [
        f"{r.method} {r.path}" for r in routes if r.path in PUBLIC_PATHS and r.roles
    ]
    assert not public_with_rule


def test_the_route_walker_sees_a_route_without_a_rule() -> None:
    """The check above must notice a forgotten rule, including one set on a router."""
    app = FastAPI()
    router = APIRouter()

    @router.get("/open")
    async def open_route() -> dict[str, str]:
        return {}

    @router.get("/guarded")
    async def guarded(_: ViewerDep) -> dict[str, str]:
        return {}

    nested = APIRouter(dependencies=[__import__("fastapi").Depends(require("admin"))])

    @nested.get("/by-router")
    async def by_router() -> dict[str, str]:
        return {}

    router.include_router(nested)
    app.include_router(router, prefix=API_PREFIX)
    by_path = {r.path: r for r in api_routes(app)}
    assert by_path[f"{API_PREFIX}/open"].roles == ()
    assert by_path[f"{API_PREFIX}/guarded"].required_role == "viewer"
    assert by_path[f"{API_PREFIX}/by-router"].required_role == "admin"


def _expected(route: RouteInfo, persona: str) -> str:
    if route.path in PUBLIC_PATHS:
        return "allowed"
    if persona not in ROLES:
        return "401"
    assert route.required_role is not None
    return "allowed" if ROLE_RANK[persona] >= ROLE_RANK[route.required_role] else "403"


async def test_permission_matrix(app: FastAPI, clean_db: Runtime, client) -> None:  # type: ignore[no-untyped-def]
    runtime = clean_db
    past = datetime.now(UTC) - timedelta(minutes=1)
    personas: dict[str, dict[str, str]] = {
        "anonymous": {},
        "bad token": {"Authorization": f"Bearer psp_{secrets.token_urlsafe(32)}"},
        "expired token": await api_token(runtime, "admin", expires_at=past),
    }
    sessions = {role: await sign_in(client, runtime, role) for role in ROLES}
    failures: list[str] = []
    checked = 0
    for route in api_routes(app):
        for persona in (*personas, *ROLES):
            if persona in ROLES:
                # A state-changing call may end its session (logout): give it its own.
                unsafe = route.method in UNSAFE
                headers = await sign_in(client, runtime, persona) if unsafe else sessions[persona]
            else:
                headers = personas[persona]
            # `[]` is valid JSON but no valid body: auth runs, then validation says 400,
            # so nothing is actually created or triggered.
            body = b"[]" if route.has_body else None
            # As a browser on our own pages sends it (the sign-in form post requires it).
            headers = {**headers, "Sec-Fetch-Site": "same-origin"}
            reply = await asgi_call(app, route.method, route.url(), headers=headers, body=body)
            expected = _expected(route, persona)
            status = reply.status
            ok = (
                status not in (401, 403) and status < 500
                if expected == "allowed"
                else status == int(expected)
            )
            checked += 1
            if not ok:
                failures.append(
                    f"{route.method} {route.path} as {persona}: {status} (want {expected}) "
                    f"{reply.body[:200]!r}"
                )
            elif status in (401, 403):
                code = reply.json()["error"]["code"]
                assert code == ("UNAUTHENTICATED" if status == 401 else "FORBIDDEN")
    assert checked >= 6 * 5
    assert not failures, "\n".join(failures)
