"""`GET /events`: live updates as Server-Sent Events, fed by the Redis events channel.

Each connected browser holds one Redis pub/sub subscription for as long as it listens.
A comment line goes out every `HEARTBEAT_SECONDS` so proxies keep the connection open
and a vanished client is noticed at the next write; the subscription is released when
the client disconnects (Starlette cancels the stream) or Redis goes away (the browser's
EventSource then reconnects by itself after `retry`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from redis.asyncio.client import PubSub
from redis.exceptions import RedisError
from starlette.responses import StreamingResponse

from psp_dashboard.api.deps import CacheDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.auth.deps import AUTH_RESPONSES, ViewerDep
from psp_dashboard.errors import ServiceUnavailable
from psp_dashboard.events import channel

log = logging.getLogger(__name__)
router = APIRouter(tags=["events"], route_class=ValidatedRoute)

HEARTBEAT_SECONDS = 15.0
RETRY_MS = 5000
_EVENT_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def format_event(raw: bytes | str) -> bytes | None:
    """One published message (`{"event": name, "data": {...}}`) as an SSE frame."""
    try:
        message: Any = json.loads(raw)
        name = message["event"]
        data = message.get("data")
    except (ValueError, TypeError, KeyError, AttributeError):
        log.warning("dropping malformed event message")
        return None
    if not isinstance(name, str) or not _EVENT_NAME.match(name):
        return None
    # json.dumps never emits a newline, so `data:` is one line as SSE requires.
    return f"event: {name}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


async def _stream(request: Request, pubsub: PubSub) -> AsyncIterator[bytes]:
    try:
        yield f"retry: {RETRY_MS}\n: connected\n\n".encode()
        last_write = time.monotonic()
        while not await request.is_disconnected():
            try:
                message = await pubsub.get_message(
                    ignore_subscribe_messages=True, timeout=HEARTBEAT_SECONDS
                )
            except (RedisError, OSError) as exc:
                log.warning("event stream lost Redis", extra={"error": type(exc).__name__})
                return
            if message is not None and message.get("type") == "message":
                frame = format_event(message["data"])
                if frame is not None:
                    yield frame
                    last_write = time.monotonic()
            elif time.monotonic() - last_write >= HEARTBEAT_SECONDS:
                yield b": heartbeat\n\n"
                last_write = time.monotonic()
    finally:
        with contextlib.suppress(RedisError, OSError):
            await pubsub.unsubscribe()
        with contextlib.suppress(RedisError, OSError):
            await pubsub.aclose()  # type: ignore[no-untyped-call]


@router.get(
    "/events",
    operation_id="events_stream",
    summary="Live updates (Server-Sent Events): sync.finished, recon.finished",
    response_class=StreamingResponse,
    responses={
        **AUTH_RESPONSES,
        200: {
            "description": "An endless text/event-stream: `event:`/`data:` frames "
            "(data is JSON) and `: heartbeat` comments",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        503: {"description": "Redis (the event bus) or the session store is unreachable"},
    },
)
async def events(_: ViewerDep, request: Request, cache: CacheDep) -> StreamingResponse:
    pubsub = cache.redis.pubsub()
    try:
        await pubsub.subscribe(channel(cache))
    except (RedisError, OSError) as exc:
        with contextlib.suppress(RedisError, OSError):
            await pubsub.aclose()  # type: ignore[no-untyped-call]
        raise ServiceUnavailable("Live updates are unavailable: the event bus is down") from exc
    return StreamingResponse(
        _stream(request, pubsub),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
