"""Fixtures of the reports tests: empty report tables, a known encryption key, a caller
signed in per role, an SMTP sink and a webhook receiver (the alerts tests' own)."""

from __future__ import annotations

import socket
import threading
from collections.abc import AsyncIterator, Iterator

import pytest
from aiosmtpd.controller import Controller
from httpx import AsyncClient
from pydantic import SecretStr
from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from tests.alerts.conftest import Caller
from tests.alerts.test_deliveries import Receiver, Sink
from tests.reconciliation.support import FAR_FUTURE, mark_synced
from tests.support.runtime import runtime_with

REPORT_TABLES = ("report_deliveries", "report_schedules")


@pytest.fixture
async def reports_rt(clean_db: Runtime) -> AsyncIterator[Runtime]:
    """The session runtime with empty report tables, a fixed encryption key, UTC
    reconciliation days of project 91game, and sources counted as fully synced."""
    async with clean_db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(REPORT_TABLES)} CASCADE"))
    await mark_synced(clean_db, FAR_FUTURE, FAR_FUTURE)
    settings = {
        "alerts_encryption_key": SecretStr("test-reports-key"),
        "alerts_from": "psp@ops.test",
        "recon_timezone": "UTC",
        "recon_projects": ["91game"],
        "recon_grace_minutes": 120,
        "recon_time_tolerance_minutes": 30,
    }
    with runtime_with(clean_db, settings=settings) as rt:
        yield rt


@pytest.fixture
async def caller(reports_rt: Runtime, client: AsyncClient) -> AsyncIterator[Caller]:
    yield Caller(client, reports_rt)


@pytest.fixture
def smtp_sink(reports_rt: Runtime) -> Iterator[Sink]:
    """A local SMTP server that keeps what it receives; SMTP_URL points at it."""
    sink = Sink()
    with socket.socket() as probe:  # a free port (the controller's own check needs one)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with runtime_with(reports_rt, settings={"smtp_url": SecretStr(f"smtp://127.0.0.1:{port}")}):
            yield sink
    finally:
        controller.stop()


@pytest.fixture
def flaky_receiver() -> Iterator[Receiver]:
    """A webhook endpoint answering 500 once, then 200."""
    r = Receiver(failures=1)
    thread = threading.Thread(target=r.server.serve_forever, daemon=True)
    thread.start()
    yield r
    r.server.shutdown()
    thread.join()
