"""GET /events: published events arrive as SSE frames; heartbeats; hang-up unsubscribes."""

from __future__ import annotations

import asyncio

import pytest

from psp_dashboard import events, events_endpoints
from psp_dashboard.main import create_app
from tests.api import asgi
from tests.api.conftest import Api


async def subscribers(api: Api) -> int:
    counts = await api.runtime.cache.redis.pubsub_numsub(events.channel(api.runtime.cache))
    return int(counts[0][1])


async def test_published_events_are_forwarded_then_the_subscription_ends(api: Api) -> None:
    headers = await api.headers("viewer")
    app = create_app(api.runtime.settings, runtime=api.runtime)

    async def publish() -> None:
        async def later() -> None:
            for _ in range(50):  # wait until the stream's subscription is live
                if await subscribers(api):
                    break
                await asyncio.sleep(0.02)
            await events.publish(api.runtime.cache, "sync.finished", {"source": "vima", "n": 3})

        asyncio.get_running_loop().create_task(later())

    stream = await asgi.call(
        app, "/api/v1/events", headers, on_start=publish, until=lambda s: b"event:" in s.body
    )
    assert stream.status == 200
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert stream.body.startswith(b"retry: 5000\n")
    assert b'event: sync.finished\ndata: {"source":"vima","n":3}\n\n' in stream.body
    for _ in range(50):
        if await subscribers(api) == 0:
            break
        await asyncio.sleep(0.02)
    assert await subscribers(api) == 0


async def test_idle_stream_sends_heartbeats(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events_endpoints, "HEARTBEAT_SECONDS", 0.05)
    headers = await api.headers("viewer")
    app = create_app(api.runtime.settings, runtime=api.runtime)
    stream = await asgi.call(
        app, "/api/v1/events", headers, until=lambda s: s.body.count(b": heartbeat") >= 2
    )
    assert stream.body.count(b": heartbeat\n\n") >= 2


def test_malformed_messages_are_dropped() -> None:
    assert events_endpoints.format_event(b"not json") is None
    assert events_endpoints.format_event(b'{"event": "a\\nb", "data": {}}') is None
    assert events_endpoints.format_event(b'{"data": {}}') is None
    frame = events_endpoints.format_event(b'{"event": "recon.finished", "data": {"d": "x\\ny"}}')
    assert frame == b'event: recon.finished\ndata: {"d":"x\\ny"}\n\n'


async def test_events_need_a_signed_in_user(api: Api) -> None:
    response = await api.client.get("/api/v1/events")
    assert response.status_code == 401
