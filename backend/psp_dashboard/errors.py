"""Domain errors carry their HTTP status and contract code; one handler renders them."""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

T = TypeVar("T")


class AppError(Exception):
    status_code: ClassVar[int] = 500
    code: ClassVar[str] = "INTERNAL_ERROR"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = self.details
        return {"error": error}


class ValidationFailed(AppError):
    status_code = 400
    code = "VALIDATION_ERROR"


class Unauthenticated(AppError):
    status_code = 401
    code = "UNAUTHENTICATED"


class Forbidden(AppError):
    status_code = 403
    code = "FORBIDDEN"


class NotFound(AppError):
    status_code = 404
    code = "NOT_FOUND"


def found(value: T | None, message: str, details: dict[str, Any]) -> T:
    """`value`, or NotFound when a look-up came back empty."""
    if value is None:
        raise NotFound(message, details)
    return value


class Conflict(AppError):
    status_code = 409
    code = "CONFLICT"


class RateLimited(AppError):
    status_code = 429
    code = "RATE_LIMIT_EXCEEDED"

    def __init__(self, message: str, retry_after: int, details: dict[str, Any] | None = None):
        super().__init__(message, details)
        self.retry_after = retry_after


class UpstreamFailed(AppError):
    status_code = 502
    code = "UPSTREAM_ERROR"


class ServiceUnavailable(AppError):
    status_code = 503
    code = "SERVICE_UNAVAILABLE"


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"error": error}
