"""The outbox: a webhook receiver that fails three times then succeeds gets exactly one
delivery (back-off driven by the job's clock, no sleeps), signed; an SMTP sink receives
the e-mail with the alert's subject; a receiver that never answers well ends `failed`."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from pydantic import SecretStr

from psp_dashboard.alerts.deliveries import MAX_ATTEMPTS, deliver_due
from psp_dashboard.alerts.evaluate import evaluate
from psp_dashboard.runtime import Runtime
from tests.alerts.conftest import Caller, insert_run
from tests.support.runtime import runtime_with


class Receiver:
    """A local webhook endpoint answering 500 to the first `failures` requests."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.requests: list[tuple[dict[str, str], bytes, int]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = 500 if len(receiver.requests) < receiver.failures else 200
                receiver.requests.append((dict(self.headers), body, status))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook/secret-token"

    @property
    def delivered(self) -> list[bytes]:
        return [body for _, body, status in self.requests if status == 200]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(failures=3)
    thread = threading.Thread(target=r.server.serve_forever, daemon=True)
    thread.start()
    yield r
    r.server.shutdown()
    thread.join()


async def _firing_alert(caller: Caller, rt: Runtime, channel: dict[str, Any]) -> datetime:
    rule = {"name": "Sync", "kind": "sync_unhealthy", "channel_ids": [channel["id"]]}
    assert (await caller.call("POST", "/alerts/rules", json=rule)).status_code == 201
    now = datetime.now(UTC)
    await insert_run(rt, "payshack", "failed", now - timedelta(minutes=1), "UPSTREAM_ERROR: 502")
    assert (await evaluate(rt.engine, rt.settings, now)).fired == 1
    return now


async def test_a_failing_receiver_gets_exactly_one_delivery(
    caller: Caller, alerts_rt: Runtime, receiver: Receiver
) -> None:
    body = {"name": "hook", "kind": "webhook", "url": receiver.url, "format": "json",
            "secret": "s3cret"}  # fmt: skip
    channel = (await caller.call("POST", "/alerts/channels", json=body)).json()["data"]
    now = await _firing_alert(caller, alerts_rt, channel)

    # Attempts at the times the back-off allows; between them nothing is due.
    t = now
    for step, wait in enumerate((timedelta(0), timedelta(seconds=30), timedelta(minutes=2))):
        t += wait
        tally = await deliver_due(alerts_rt.engine, alerts_rt.settings, t)
        assert (tally.sent, tally.retrying) == (0, 1), (step, receiver.requests)
        early = await deliver_due(alerts_rt.engine, alerts_rt.settings, t + timedelta(seconds=29))
        assert (early.sent, early.retrying, early.failed) == (0, 0, 0)
    t += timedelta(minutes=10)
    assert (await deliver_due(alerts_rt.engine, alerts_rt.settings, t)).sent == 1
    for later in (timedelta(hours=1), timedelta(days=1)):
        assert (await deliver_due(alerts_rt.engine, alerts_rt.settings, t + later)).sent == 0

    assert len(receiver.requests) == 4 and len(receiver.delivered) == 1
    headers, raw, _ = receiver.requests[-1]
    expected = "sha256=" + hmac.new(b"s3cret", raw, hashlib.sha256).hexdigest()
    assert headers["X-PSP-Signature"] == expected
    assert headers["X-PSP-Timestamp"].isdigit()
    payload = json.loads(raw)
    assert payload["event"] == "firing" and payload["title"].startswith("PayShack sync failed")

    alert = (await caller.call("GET", "/alerts")).json()["data"][0]
    assert alert["notifications"][0]["status"] == "sent"
    assert alert["notifications"][0]["attempts"] == 4


async def test_slack_and_telegram_bodies(caller: Caller, alerts_rt: Runtime) -> None:
    r = Receiver(failures=0)
    thread = threading.Thread(target=r.server.serve_forever, daemon=True)
    thread.start()
    try:
        for body in (
            {"name": "slack", "kind": "webhook", "url": r.url},
            {"name": "tg", "kind": "webhook", "url": r.url, "format": "telegram",
             "chat_id": "-1001"},
        ):  # fmt: skip
            channel = (await caller.call("POST", "/alerts/channels", json=body)).json()["data"]
            test = await caller.call("POST", f"/alerts/channels/{channel['id']}/test")
            assert test.json()["data"] == {"delivered": True, "status": "sent", "error": None}
    finally:
        r.server.shutdown()
        thread.join()
    slack, telegram = (json.loads(body) for _, body, _ in r.requests)
    assert slack["text"].startswith("[PSP] FIRING: Test message") and slack["blocks"]
    assert telegram["chat_id"] == "-1001" and "[PSP] FIRING" in telegram["text"]
    # Unsigned without any secret (no ALERT_WEBHOOK_SECRET in the tests).
    assert "X-PSP-Signature" not in r.requests[0][0]


async def test_a_receiver_that_never_recovers_ends_failed(
    caller: Caller, alerts_rt: Runtime
) -> None:
    r = Receiver(failures=1000)
    thread = threading.Thread(target=r.server.serve_forever, daemon=True)
    thread.start()
    try:
        body = {"name": "down", "kind": "webhook", "url": r.url}
        channel = (await caller.call("POST", "/alerts/channels", json=body)).json()["data"]
        t = await _firing_alert(caller, alerts_rt, channel)
        for _ in range(MAX_ATTEMPTS + 2):
            await deliver_due(alerts_rt.engine, alerts_rt.settings, t)
            t += timedelta(hours=2)
    finally:
        r.server.shutdown()
        thread.join()
    assert len(r.requests) == MAX_ATTEMPTS
    note = (await caller.call("GET", "/alerts")).json()["data"][0]["notifications"][0]
    assert (note["status"], note["attempts"], note["delivered_at"]) == ("failed", 6, None)


class Sink:
    def __init__(self) -> None:
        self.messages: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.messages.append(envelope)
        return "250 OK"


async def test_an_smtp_sink_receives_the_email(caller: Caller, alerts_rt: Runtime) -> None:
    sink = Sink()
    with socket.socket() as probe:  # a free port (the controller's own check needs one)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = SecretStr(f"smtp://127.0.0.1:{port}")
        with runtime_with(alerts_rt, settings={"smtp_url": smtp, "alerts_from": "psp@ops.test"}):
            body = {"name": "mail", "kind": "email", "to": "finance@ops.test"}
            channel = (await caller.call("POST", "/alerts/channels", json=body)).json()["data"]
            assert channel["target"] == "finance@ops.test"
            now = await _firing_alert(caller, alerts_rt, channel)
            assert (await deliver_due(alerts_rt.engine, alerts_rt.settings, now)).sent == 1
    finally:
        controller.stop()
    assert len(sink.messages) == 1
    envelope = sink.messages[0]
    assert envelope.rcpt_tos == ["finance@ops.test"]
    mail = message_from_bytes(envelope.content)  # type: ignore[arg-type]
    assert mail["Subject"] == "[PSP] FIRING: PayShack sync failed"
    assert mail["From"] == "psp@ops.test"
