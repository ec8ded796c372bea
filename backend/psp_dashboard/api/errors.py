"""One place that turns every failure into the contract's error envelope."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from psp_dashboard.errors import AppError, RateLimited, error_body

log = logging.getLogger(__name__)

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
        details["received"] = error["input"]
    return details


def _validation_message(details: dict[str, Any], msg: str) -> str:
    return f"Invalid {details['field']}: {msg}"


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
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _STATUS_CODES.get(exc.status_code, "INTERNAL_ERROR")
        message = exc.detail if isinstance(exc.detail, str) else "Request failed"
        if exc.status_code == 404 and message == "Not Found":
            message = "No such resource"
        return JSONResponse(
            error_body(code, message), status_code=exc.status_code, headers=exc.headers
        )

    @app.exception_handler(Exception)
    async def _unhandled(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", extra={"error": type(exc).__name__})
        return JSONResponse(error_body("INTERNAL_ERROR", "Internal server error"), status_code=500)
