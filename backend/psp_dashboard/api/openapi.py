"""OpenAPI: validation failures are documented as the contract's 400 envelope, not 422;
each operation that needs a signed-in user says how to authenticate (`security`) and the
role it needs (`x-required-role`), read from the same markers the permission tests read.
"""

from __future__ import annotations

import importlib
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from psp_dashboard.auth.principal import ROLE_RANK
from psp_dashboard.auth.sessions import CSRF_HEADER, SESSION_COOKIE

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {
                    "type": "string",
                    "enum": [
                        "VALIDATION_ERROR",
                        "UNAUTHENTICATED",
                        "FORBIDDEN",
                        "NOT_FOUND",
                        "CONFLICT",
                        "RATE_LIMIT_EXCEEDED",
                        "INTERNAL_ERROR",
                        "UPSTREAM_ERROR",
                        "SERVICE_UNAVAILABLE",
                    ],
                },
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": True},
            },
        }
    },
}

_ERROR_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR_REF}}}


SECURITY_SCHEMES: dict[str, Any] = {
    "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token (`psp_…`), POST /api/v1/tokens",
    },
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "The session cookie set by POST /api/v1/auth/login",
    },
    "csrfToken": {
        "type": "apiKey",
        "in": "header",
        "name": CSRF_HEADER,
        "description": "With the session cookie, on state-changing calls: the session's csrf_token",
    },
}
_SAFE = ("GET", "HEAD", "OPTIONS")
# iter_route_contexts: FastAPI >= 0.16x keeps included routers lazily (older: app.routes).
_iter_route_contexts: Any = getattr(
    importlib.import_module("fastapi.routing"), "iter_route_contexts", None
)


def _markers(dependant: Any) -> list[str]:
    found: list[str] = []
    for sub in dependant.dependencies:
        role = getattr(sub.call, "required_role", None)
        if role is not None:
            found.append(role)
        found += _markers(sub)
    return found


def required_roles(app: FastAPI) -> dict[tuple[str, str], str]:
    """(path, METHOD) → the highest role its dependencies require."""
    roles: dict[tuple[str, str], str] = {}
    contexts: list[Any] = list(
        _iter_route_contexts(app.routes) if _iter_route_contexts else app.routes
    )
    for route in contexts:
        dependant = getattr(route, "dependant", None)
        markers = _markers(dependant) if dependant is not None else []
        if not markers:
            continue
        role = max(markers, key=lambda r: ROLE_RANK[r])
        for method in getattr(route, "methods", None) or ():
            roles[(route.path, method)] = role
    return roles


def install_openapi(app: FastAPI) -> None:
    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        components["ErrorEnvelope"] = ERROR_SCHEMA
        schema["components"]["securitySchemes"] = SECURITY_SCHEMES
        roles = required_roles(app)
        for path, path_item in schema.get("paths", {}).items():
            for method, operation in path_item.items():
                role = roles.get((path, method.upper()))
                if role is not None:
                    operation["x-required-role"] = role
                    cookie: dict[str, list[str]] = {"sessionCookie": []}
                    if method.upper() not in _SAFE:
                        cookie["csrfToken"] = []
                    operation["security"] = [{"bearerToken": []}, cookie]
                responses = operation.setdefault("responses", {})
                had_422 = responses.pop("422", None) is not None
                if had_422 or operation.get("parameters") or operation.get("requestBody"):
                    responses.setdefault("400", _error_response("Invalid parameters"))
                if operation.get("requestBody"):
                    responses.setdefault(
                        "413", _error_response("The body is larger than MAX_BODY_BYTES")
                    )
                responses.setdefault("500", _error_response("Internal error"))
                for code, response in responses.items():
                    if code[0] in "45" and "content" not in response:
                        response["content"] = {"application/json": {"schema": _ERROR_REF}}
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]
