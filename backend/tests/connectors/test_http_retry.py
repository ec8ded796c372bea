"""RetryingClient against a scripted local HTTP server (a stand-in provider).

The server speaks raw HTTP/1.1 over a real socket so it can misbehave in ways a
framework would not allow: bodies cut short of their Content-Length, broken JSON.
Backoff waits go through a recording `sleep`, so tests neither wait nor race.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from psp_dashboard.sync.connectors.http import (
    RetryingClient,
    RetryPolicy,
    install_log_redaction,
    redact_url,
    retry_after_seconds,
)
from psp_dashboard.sync.errors import UpstreamAuthError, UpstreamError


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"[]"
    headers: dict[str, str] = field(default_factory=dict)
    cut_body_at: int | None = None  # send only this many body bytes, then hang up


@dataclass
class ScriptedServer:
    replies: list[Reply]
    requests: list[str] = field(default_factory=list)  # request targets, in order
    url: str = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line = head.split(b"\r\n", 1)[0].decode()
        length = next(
            (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
             if line.lower().startswith(b"content-length:")),
            0,
        )  # fmt: skip
        if length:
            await reader.readexactly(length)
        self.requests.append(request_line.split(" ")[1])
        reply = self.replies.pop(0) if self.replies else Reply(500, b"script exhausted")
        headers = {"content-type": "application/json", "content-length": str(len(reply.body)),
                   "connection": "close", **reply.headers}  # fmt: skip
        lines = [f"HTTP/1.1 {reply.status} X"] + [f"{k}: {v}" for k, v in headers.items()]
        body = reply.body if reply.cut_body_at is None else reply.body[: reply.cut_body_at]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        writer.close()


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    scripted = ScriptedServer([])
    listener = await asyncio.start_server(scripted.handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    scripted.url = f"http://127.0.0.1:{port}"
    async with listener:
        yield scripted


class RecordingSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


POLICY = RetryPolicy(max_attempts=4, backoff_base=0.01, backoff_cap=0.05, retry_after_cap=3)


async def call(
    server: ScriptedServer, sleep: RecordingSleep, path: str = "/operation?apikey=master-secret"
) -> object:
    async with httpx.AsyncClient() as client:
        retrying = RetryingClient(client, POLICY, sleep=sleep, rng=lambda: 1.0)
        return (await retrying.request_json("GET", server.url + path)).body


@pytest.mark.parametrize(
    "failure",
    [
        pytest.param(Reply(429, b"{}"), id="429"),
        pytest.param(Reply(500, b"oops"), id="500"),
        pytest.param(Reply(503, b""), id="503"),
        pytest.param(Reply(408, b""), id="408"),
        pytest.param(Reply(200, b'[{"operation_id": "1"'), id="truncated-json"),
        pytest.param(Reply(200, b'[{"operation_id": "1"}]', cut_body_at=10), id="cut-body"),
        pytest.param(Reply(200, b"<html>gateway</html>"), id="html-body"),
    ],
)
async def test_transient_failure_is_retried(server: ScriptedServer, failure: Reply) -> None:
    server.replies = [failure, Reply(200, b'[{"operation_id": "1"}]')]
    sleep = RecordingSleep()
    assert await call(server, sleep) == [{"operation_id": "1"}]
    assert len(server.requests) == 2
    assert len(sleep.delays) == 1


async def test_backoff_grows_exponentially_up_to_the_cap(server: ScriptedServer) -> None:
    server.replies = [Reply(500), Reply(500), Reply(500), Reply(200, b"[]")]
    sleep = RecordingSleep()
    assert await call(server, sleep) == []
    # rng() == 1.0 shows the ceilings: base * 2**n, capped at 0.05.
    assert sleep.delays == pytest.approx([0.01, 0.02, 0.04])


def test_full_jitter_stays_below_the_ceiling() -> None:
    policy = RetryPolicy(backoff_base=1, backoff_cap=8)
    assert policy.backoff(1, lambda: 0.0) == 0
    assert policy.backoff(3, lambda: 0.5) == 2
    assert policy.backoff(10, lambda: 0.999) < 8


async def test_retry_after_seconds_is_honoured_and_capped(server: ScriptedServer) -> None:
    server.replies = [
        Reply(429, headers={"retry-after": "2"}),
        Reply(503, headers={"retry-after": "3600"}),
        Reply(200, b"[]"),
    ]
    sleep = RecordingSleep()
    await call(server, sleep)
    assert sleep.delays == [2.0, 3.0]  # the second one capped by retry_after_cap


def test_retry_after_http_date() -> None:
    now = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert retry_after_seconds(later, now) == 30
    assert retry_after_seconds(format_datetime(now - timedelta(seconds=5), usegmt=True), now) == 0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds(None, now) is None


async def test_exhausted_retries_raise_upstream_error_without_the_key(
    server: ScriptedServer,
) -> None:
    server.replies = [Reply(502)] * 4
    with pytest.raises(UpstreamError) as caught:
        await call(server, RecordingSleep())
    message = str(caught.value)
    assert caught.value.status == 502
    assert caught.value.attempts == 4
    assert "/operation" in message and "127.0.0.1" in message
    assert "master-secret" not in message and "apikey" not in message
    assert len(server.requests) == 4


async def test_connection_refused_is_retried_then_reported() -> None:
    listener = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    listener.close()
    await listener.wait_closed()  # nothing listens on the port any more
    sleep = RecordingSleep()
    async with httpx.AsyncClient() as client:
        retrying = RetryingClient(client, POLICY, sleep=sleep)
        with pytest.raises(UpstreamError, match="no response") as caught:
            await retrying.request_json("GET", f"http://127.0.0.1:{port}/x?apikey=k")
    assert caught.value.detail == "ConnectError"
    assert len(sleep.delays) == POLICY.max_attempts - 1


@pytest.mark.parametrize(("status", "error"), [(400, UpstreamError), (404, UpstreamError),
                                               (401, UpstreamAuthError),
                                               (403, UpstreamAuthError)])  # fmt: skip
async def test_client_errors_are_not_retried(
    server: ScriptedServer, status: int, error: type[UpstreamError]
) -> None:
    server.replies = [Reply(status)]
    with pytest.raises(error) as caught:
        await call(server, RecordingSleep())
    assert caught.value.status == status
    assert len(server.requests) == 1


async def test_passthrough_status_is_returned_to_the_caller(server: ScriptedServer) -> None:
    server.replies = [Reply(401, b"not json")]
    async with httpx.AsyncClient() as client:
        retrying = RetryingClient(client, POLICY, sleep=RecordingSleep())
        response = await retrying.request_json("GET", server.url + "/x", passthrough={401})
    assert (response.status, response.body) == (401, None)


async def test_non_json_classifier_stops_retrying(server: ScriptedServer) -> None:
    server.replies = [Reply(200, b"U2FsdGVkX1+abc")]

    def classify(text: str) -> Exception | None:
        return RuntimeError("ciphertext") if text.startswith("U2Fsd") else None

    async with httpx.AsyncClient() as client:
        retrying = RetryingClient(client, POLICY, sleep=RecordingSleep())
        with pytest.raises(RuntimeError, match="ciphertext"):
            await retrying.request_json("GET", server.url + "/x", non_json=classify)
    assert len(server.requests) == 1


def test_redact_url_hides_credential_parameters() -> None:
    url = "https://h/collector1/api/v1/operation?apikey=master-abc&count=100&token=t1"
    assert redact_url(url) == "https://h/collector1/api/v1/operation?apikey=***&count=100&token=***"


async def test_httpx_request_log_lines_are_redacted(
    server: ScriptedServer, caplog: pytest.LogCaptureFixture
) -> None:
    install_log_redaction()
    server.replies = [Reply(200, b"[]")]
    with caplog.at_level(logging.DEBUG):
        await call(server, RecordingSleep())
    assert any("HTTP Request" in r.getMessage() for r in caplog.records)
    assert "master-secret" not in caplog.text
