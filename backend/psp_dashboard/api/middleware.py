"""Request ids: taken from X-Request-ID when sane, else generated; echoed back; logged."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from psp_dashboard.api.asgi import HttpMiddleware
from psp_dashboard.errors import error_body
from psp_dashboard.logs import request_id_var

log = logging.getLogger("psp_dashboard.access")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode()))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            # The path only: query strings may carry search terms with payer data.
            log.info(
                "request",
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            request_id_var.reset(token)


class RejectNulMiddleware:
    """A NUL character in a URL is refused with the 400 envelope: PostgreSQL cannot
    store or compare it, and no identifier, date or filter contains one."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            query = scope.get("query_string", b"").lower()
            raw_path = scope.get("raw_path") or scope.get("path", "").encode()
            path = scope.get("path", "")
            if b"%00" in query or b"\x00" in query or b"%00" in raw_path.lower() or "\x00" in path:
                body = json.dumps(
                    error_body(
                        "VALIDATION_ERROR",
                        "Invalid request: the URL contains a NUL character",
                        {"field": "url", "received": "NUL (%00)"},
                    )
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 400,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)
