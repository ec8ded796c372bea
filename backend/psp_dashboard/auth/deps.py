"""Who is calling, and may they? Every route declares one of these dependencies.

`require(role)` returns the request's `Principal` (401 UNAUTHENTICATED without valid
credentials, 403 FORBIDDEN when the role ranks too low or a cookie call lacks its CSRF
token). The dependency carries a `required_role` marker: the permission tests read it
from the route table, so an endpoint without a rule fails them.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request

from psp_dashboard.auth.principal import ROLE_RANK, SYSTEM, Principal, Role
from psp_dashboard.auth.service import authenticate
from psp_dashboard.errors import Forbidden

__all__ = [
    "AUTH_RESPONSES",
    "ROLE_RANK",
    "SYSTEM",
    "AdminDep",
    "AnalystDep",
    "Role",
    "ViewerDep",
    "require",
]

# For `responses=` on routes, so OpenAPI lists the auth failures (envelope added there).
AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Not signed in, or the session / API token is invalid or expired"},
    403: {"description": "The role is not allowed, or the CSRF token is missing"},
    503: {"description": "The session store is unavailable (sign-in fails closed)"},
}


def require(role: Role) -> Callable[[Request], Coroutine[Any, Any, Principal]]:
    if role not in ROLE_RANK:
        raise ValueError(f"unknown role {role!r}")

    async def dependency(request: Request) -> Principal:
        principal = await authenticate(request)
        if not principal.has_role(role):
            raise Forbidden(
                f"This action needs the {role} role",
                {"required_role": role, "role": principal.role},
            )
        return principal

    dependency.required_role = role  # type: ignore[attr-defined]
    dependency.__name__ = f"require_{role}"
    return dependency


ViewerDep = Annotated[Principal, Depends(require("viewer"))]
AnalystDep = Annotated[Principal, Depends(require("analyst"))]
AdminDep = Annotated[Principal, Depends(require("admin"))]
