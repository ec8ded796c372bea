"""Response helpers shared by both sandbox apps (bytes out, no FastAPI encoders: a page
of 100 operations must render in a few milliseconds)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import date
from typing import Any

from starlette.responses import Response

from psp_dashboard.sandbox.faults import FaultInjector, truncate_body

JSON = "application/json"
_BAD_GATEWAY = (
    b"<html><head><title>502 Bad Gateway</title></head><body><center>"
    b"<h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
)


class BadRequest(ValueError):
    """A query parameter the provider would reject with 400."""


# ASCII escapes (\u0905 for non-Latin names) are valid JSON and encode twice as fast.
_ENCODER = json.JSONEncoder(separators=(",", ":"), check_circular=False)


def dumps(payload: Any) -> bytes:
    return _ENCODER.encode(payload).encode()


def json_response(
    payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(dumps(payload), status_code=status, media_type=JSON, headers=headers)


async def injected_fault(
    injector: FaultInjector, error_body: Callable[[int, str], Any]
) -> tuple[Response | None, bool]:
    """(an error response to send instead, whether to truncate the body) for one request."""
    decision = injector.decide()
    if decision.delay_seconds:
        await asyncio.sleep(decision.delay_seconds)
    if decision.status == 429:
        headers = {"Retry-After": str(decision.retry_after or 1)}
        return json_response(error_body(429, "Too Many Requests"), 429, headers), False
    if decision.status == 502:
        return Response(_BAD_GATEWAY, status_code=502, media_type="text/html"), False
    if decision.status is not None:
        return json_response(error_body(decision.status, "Internal Server Error"), 500), False
    return None, decision.truncate


def body_response(payload: Any, truncate: bool) -> Response:
    body = dumps(payload)
    return Response(truncate_body(body) if truncate else body, media_type=JSON)


def parse_day(value: str | None, name: str) -> date | None:
    if value is None or value == "":
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(f"{name} must be YYYY-MM-DD") from None


def parse_int(value: str | None, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"{name} must be an integer") from None
