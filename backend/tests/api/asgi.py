"""A raw ASGI call that reads a streamed body chunk by chunk and can hang up midway
(httpx's ASGI transport buffers whole bodies, so endless streams need this)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Stream:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    chunks: list[bytes] = field(default_factory=list)
    ended: bool = False

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)


async def call(
    app: Any,
    path: str,
    headers: dict[str, str],
    *,
    query: str = "",
    until: Callable[[Stream], bool],
    on_start: Callable[[], Any] | None = None,
    settle: float = 10.0,
) -> Stream:
    """GET `path`; once `until(stream)` holds (or the body ends), the client disconnects.
    `on_start` runs (and is awaited) when the response headers arrived."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"test")]
        + [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50001),
        "server": ("test", 80),
        "state": {},
    }
    stream = Stream()
    done = asyncio.Event()
    hang_up = asyncio.Event()
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await hang_up.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            stream.status = message["status"]
            stream.headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
            if on_start is not None:
                result = on_start()
                if asyncio.iscoroutine(result):
                    await result
        elif message["type"] == "http.response.body":
            if message.get("body"):
                stream.chunks.append(message["body"])
            if not message.get("more_body", False):
                stream.ended = True
                done.set()
            elif until(stream):
                done.set()

    task = asyncio.create_task(app(scope, receive, send))
    waiter = asyncio.create_task(done.wait())
    await asyncio.wait({task, waiter}, timeout=settle, return_when=asyncio.FIRST_COMPLETED)
    hang_up.set()
    try:
        await asyncio.wait_for(task, timeout=settle)
    except (TimeoutError, asyncio.CancelledError):
        task.cancel()
    waiter.cancel()
    return stream
