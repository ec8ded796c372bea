"""Fixtures for the sandbox tests: real servers on loopback ports (background thread),
plain httpx clients, and helpers that walk the APIs the way a connector does."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import httpx
import pytest

from psp_dashboard.sandbox import (
    DiscrepancyRates,
    ReconParams,
    SandboxConfig,
    SandboxHandle,
    WorldConfig,
    sandbox_thread,
)

LOGIN = "/indigate-user-svc/api/v1/auth/login"
PAYINS = "/indigate-payin-svc/api/v1/payin/transaction/fetch"

# A small world with every injected discrepancy frequent enough to appear.
RICH_WORLD = WorldConfig(
    seed=7,
    start=date(2026, 1, 10),
    days=3,
    per_day=1500,
    discrepancies=replace(
        DiscrepancyRates().scaled(6.0), cross_midnight_inside=0.4, cross_midnight_outside=0.4
    ),
    # Midnight in IST is a busy hour, so plenty of pairs straddle it.
    recon=ReconParams(timezone="Asia/Kolkata"),
    bad_record_rate=0.01,
    unknown_status_rate=0.004,
)


def rich_config(**world_changes: Any) -> SandboxConfig:
    return SandboxConfig(world=replace(RICH_WORLD, **world_changes))


@pytest.fixture(scope="session")
def shared_sandbox() -> Iterator[SandboxHandle]:
    """Read-only tests share one sandbox; tests that change the world make their own."""
    with sandbox_thread(rich_config()) as handle:
        yield handle


@pytest.fixture
def fresh_sandbox() -> Iterator[SandboxHandle]:
    with sandbox_thread(rich_config(per_day=600, days=2)) as handle:
        yield handle


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


def vima_get(http: httpx.Client, sb: SandboxHandle, **params: Any) -> httpx.Response:
    query = {"apikey": sb.credentials.vima_apikey, **params}
    return http.get(sb.vima_base_url + "/operation", params=query)


def vima_walk(
    http: httpx.Client, sb: SandboxHandle, cursor_field: str, start: str | None = None, **extra: Any
) -> list[dict[str, Any]]:
    """Walk a Vima cursor to the end (count=100, ascending), as the connector does.
    Without any cursor the order is creation order, so an update walk starts at "0"."""
    param = "from_" + cursor_field
    rows: list[dict[str, Any]] = []
    cursor = start if start is not None or cursor_field == "operation_create_id" else "0"
    while True:
        params = {"count": 100, "descending": "false", **extra}
        if cursor is not None:
            params[param] = cursor
        page = vima_get(http, sb, **params)
        assert page.status_code == 200, page.text
        batch = page.json()
        assert isinstance(batch, list)
        if not batch:
            return rows
        rows.extend(batch)
        cursor = max((r[cursor_field] for r in batch), key=int)


def payshack_login(http: httpx.Client, sb: SandboxHandle) -> dict[str, str]:
    """Headers for the PayShack API after a login."""
    resp = http.post(
        sb.payshack_base_url + LOGIN,
        json={"email": sb.credentials.payshack_email, "password": sb.credentials.payshack_pass},
    )
    assert resp.status_code == 200, resp.text
    data = resp.json()["data"]
    return {"Authorization": f"Bearer {data['token']}", "reseller-id": data["clientId"]}


def payshack_page(
    http: httpx.Client, sb: SandboxHandle, headers: dict[str, str], **params: Any
) -> httpx.Response:
    return http.get(sb.payshack_base_url + PAYINS, params=params, headers=headers)
