"""The last resort: an exception no handler knew becomes the 500 envelope, logged once.

Starlette's own catch-all answers and then re-raises for the server to log, so every
unexpected error was logged twice. Caught here, inside that layer, it is logged once,
by name and traceback (the engine hides bound SQL parameters, see `db.py`).
"""

from __future__ import annotations

import logging

from starlette.types import Message, Receive, Scope, Send

from psp_dashboard.api.asgi import HttpMiddleware
from psp_dashboard.api.respond import send_error

log = logging.getLogger("psp_dashboard.api.errors")


class UnhandledErrorMiddleware(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            log.exception("unhandled error", extra={"error": type(exc).__name__})
            if started:
                # Headers are out: all that is left is to cut the response short.
                return
            await send_error(send, 500, "INTERNAL_ERROR", "Internal server error")
