"""browser_source_problem on the real browser reader: the sandbox's layout_change incident
renames the Pay-In table's Status column, the reader stops with "missing the required
column" and a screenshot; the alert fires with the screenshot served behind sign-in, and
resolves when the layout is back. A rejected login fires it too."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import SecretStr

from psp_dashboard.alerts.evaluate import evaluate
from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.config import SandboxConfig, WorldConfig
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from tests.alerts.conftest import Caller
from tests.alerts.sandbox_world import World
from tests.connectors.test_payshack_browser import (
    no_chromium_left,  # noqa: F401 - autouse fixture: no Chromium outlives a test here
)
from tests.support.runtime import runtime_with
from tests.sync.conftest import endpoints_for

RULES = [
    {"name": "Browser", "kind": "browser_source_problem", "severity": "critical"},
    {"name": "Sync", "kind": "sync_unhealthy", "scope": {"type": "source", "value": "payshack"}},
]


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    with sandbox_thread(SandboxConfig(world=WorldConfig(days=1, per_day=120))) as handle:
        yield handle


@pytest.fixture
def world(alerts_rt: Runtime, sandbox: SandboxHandle, tmp_path: Path) -> Iterator[World]:
    settings = {
        "payshack_transport": "browser",
        "payshack_page_pause_ms": 0,
        "payshack_diagnostics_dir": tmp_path,
        "sync_max_retries": 0,
    }
    with runtime_with(alerts_rt, endpoints=endpoints_for(sandbox), settings=settings):
        yield World(sandbox, alerts_rt)


async def _alerts(caller: Caller, **params: str) -> list[dict[str, object]]:
    data: list[dict[str, object]] = (await caller.call("GET", "/alerts", params=params)).json()[
        "data"
    ]
    return data


async def test_a_layout_change_fires_with_the_screenshot_and_resolves(
    caller: Caller, world: World, tmp_path: Path
) -> None:
    rt = world.rt
    for rule in RULES:
        assert (await caller.call("POST", "/alerts/rules", json=rule)).status_code == 201
    assert await world.sync("payshack") == {"payshack": "success"}
    assert (await evaluate(rt.engine, rt.settings)).fired == 0

    await world.incident("layout_change")
    assert await world.sync("payshack") == {"payshack": "failed"}
    assert (await evaluate(rt.engine, rt.settings)).fired == 2
    [alert] = await _alerts(caller, kind="browser_source_problem")
    assert alert["title"] == "PayShack browser reader: layout changed"
    assert "missing the required column 'Status'" in str(alert["message"])
    evidence = alert["evidence"]
    assert isinstance(evidence, dict)
    assert evidence["screenshot_url"] == f"/api/v1/alerts/{alert['id']}/screenshot"
    assert evidence["source"] == "payshack" and evidence["sync_run_id"]
    shot = await caller.call("GET", f"/alerts/{alert['id']}/screenshot", "viewer")
    assert shot.status_code == 200 and shot.headers["content-type"] == "image/png"
    assert shot.content.startswith(b"\x89PNG")
    saved = await asyncio.to_thread(lambda: [p.read_bytes() for p in tmp_path.glob("*.png")])
    assert saved == [shot.content]  # the very file the reader saved, from its directory
    anonymous = await caller.client.get(f"/api/v1/alerts/{alert['id']}/screenshot")
    assert anonymous.status_code == 401

    await world.incident("clear")
    assert await world.sync("payshack") == {"payshack": "success"}
    assert (await evaluate(rt.engine, rt.settings)).resolved == 2
    assert await _alerts(caller, state="firing") == []


async def test_a_rejected_login_fires(caller: Caller, world: World) -> None:
    rt = world.rt
    assert (await caller.call("POST", "/alerts/rules", json=RULES[0])).status_code == 201
    assert rt.endpoints is not None
    wrong = replace(rt.endpoints, payshack_password=SecretStr("not-the-password"))
    with runtime_with(rt, endpoints=wrong):
        assert await world.sync("payshack") == {"payshack": "failed"}
    assert (await evaluate(rt.engine, rt.settings)).fired == 1
    [alert] = await _alerts(caller, state="firing")
    assert alert["title"] == "PayShack browser reader: login rejected"
