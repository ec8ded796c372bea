"""A write is committed before its response starts.

FastAPI runs the code after a `yield` dependency's yield once the response has been
sent unless the dependency is function-scoped: the request's transaction would then
commit after the client was told 200 (a failing commit would be a lost write reported
as a success, and a client reading right after could miss its own write). Checked at
the ASGI level: when the app sends `http.response.start`, another connection must
already see the row.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from tests.support.auth import sign_in


async def test_the_token_is_visible_when_the_response_starts(
    app: FastAPI, clean_db: Runtime, client: Any
) -> None:
    headers = await sign_in(client, clean_db, "analyst")
    body = json.dumps({"name": "seen-before-reply"}).encode()
    seen: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            assert message["status"] in (200, 201), message
            async with clean_db.engine.connect() as conn:
                count = await conn.execute(
                    text("SELECT count(*) FROM api_tokens WHERE name = 'seen-before-reply'")
                )
                seen.append(int(count.scalar_one()))

    raw = [(b"host", b"test"), (b"content-type", b"application/json")]
    raw += [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/api/v1/tokens", "raw_path": b"/api/v1/tokens",
        "query_string": b"", "root_path": "", "headers": raw,
        "client": ("127.0.0.1", 50000), "server": ("test", 80), "state": {},
    }  # fmt: skip
    await app(scope, receive, send)
    assert seen == [1]
