"""One place that turns every failure into the contract's error envelope."""

from __future__ import annotations

import importlib
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path

from psp_dashboard.errors import AppError, RateLimited, error_body

_EXPECTED_BY_TYPE = {
    "date_from_datetime_parsing": "YYYY-MM-DD",
    "date_parsing": "YYYY-MM-DD",
    "date_type": "YYYY-MM-DD",
    "datetime_parsing": "ISO-8601 date-time",
    "datetime_from_date_parsing": "ISO-8601 date-time",
    "int_parsing": "integer",
    "int_type": "integer",
    "uuid_parsing": "UUID",
    "uuid_type": "UUID",
    "bool_parsing": "boolean",
    "decimal_parsing": "decimal number",
    "missing": "a value",
}

_MAX_ECHO = 100
# FastAPI >= 0.16x keeps included routers lazily; this walks them (older: app.routes).
iter_route_contexts: Any = getattr(
    importlib.import_module("fastapi.routing"), "iter_route_contexts", None
)

_STATUS_CODES = {
    400: "VALIDATION_ERROR",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "VALIDATION_ERROR",
    409: "CONFLICT",
    413: "VALIDATION_ERROR",
    429: "RATE_LIMIT_EXCEEDED",
    502: "UPSTREAM_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


def validation_details(error: dict[str, Any]) -> dict[str, Any]:
    loc = [str(part) for part in error.get("loc", ()) if not isinstance(part, int)]
    # ("query", "from_date") → "from_date"; ("body", "date") → "date"
    field = ".".join(loc[1:]) if len(loc) > 1 else (loc[0] if loc else "request")
    details: dict[str, Any] = {"field": field}
    etype = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if etype in _EXPECTED_BY_TYPE:
        details["expected"] = _EXPECTED_BY_TYPE[etype]
    elif "expected" in ctx:
        details["expected"] = str(ctx["expected"])
    elif etype in ("less_than_equal", "greater_than_equal", "less_than", "greater_than"):
        details["expected"] = error.get("msg", "")
    if etype != "missing" and "input" in error and isinstance(error["input"], str | int | float):
        received = error["input"]
        # Enough to recognise the value; a 10 KB string is not echoed back whole.
        if isinstance(received, str) and len(received) > _MAX_ECHO:
            received = received[:_MAX_ECHO] + "…"
        details["received"] = received
    return details


def _validation_message(details: dict[str, Any], msg: str) -> str:
    return f"Invalid {details['field']}: {msg}"


def allowed_methods(app: FastAPI, path: str) -> list[str]:
    index: list[tuple[re.Pattern[str], frozenset[str]]] | None = getattr(
        app.state, "allowed_methods_index", None
    )
    if index is None:
        contexts: list[Any] = list(
            iter_route_contexts(app.routes) if iter_route_contexts else app.routes
        )
        index = [
            (compile_path(route.path)[0], frozenset(route.methods))
            for route in contexts
            if getattr(route, "path", None) and getattr(route, "methods", None)
        ]
        app.state.allowed_methods_index = index
    found = {method for pattern, methods in index if pattern.match(path) for method in methods}
    return sorted(found)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return JSONResponse(exc.body(), status_code=exc.status_code, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        first = errors[0] if errors else {}
        details = validation_details(first)
        if len(errors) > 1:
            details["errors"] = [validation_details(e) for e in errors[1:]]
        message = _validation_message(details, str(first.get("msg", "invalid value")))
        return JSONResponse(error_body("VALIDATION_ERROR", message, details), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "INTERNAL_ERROR")
        message = exc.detail if isinstance(exc.detail, str) else "Request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = "No such resource"
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # The router names the methods of the first route it matched; a path served
            # by several routes (GET and POST /tokens) allows all of theirs.
            headers["Allow"] = ", ".join(allowed_methods(app, request.url.path))
        return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=headers)

    # Anything else: `unhandled.UnhandledErrorMiddleware` (logged once, 500 envelope).
