"""`X-Data-Source` / `X-Data-As-Of` on responses whose reads went through `ReadConnDep`.

The dependency leaves its choice in the request state; endpoints return their own
Response objects (whose headers FastAPI does not merge), so the headers are added here,
when the response starts.
"""

from __future__ import annotations

from typing import Any

from starlette.types import Message, Receive, Scope, Send

from psp_dashboard.api.asgi import HttpMiddleware
from psp_dashboard.replica import ReadSource

STATE_KEY = "read_source"


class ReadSourceHeadersMiddleware(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Created here so the request below writes into this very dict.
        state: dict[str, Any] = scope.setdefault("state", {})

        async def send_with_source(message: Message) -> None:
            source = state.get(STATE_KEY)
            if message["type"] == "http.response.start" and isinstance(source, ReadSource):
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                for name, value in source.headers().items():
                    if name.lower().encode() not in names:
                        headers.append((name.lower().encode(), value.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_source)
