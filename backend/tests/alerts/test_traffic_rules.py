"""The traffic rules on a synced sandbox world: quiet over a normal day, firing when an
incident is injected at a known time, resolving when it is over.

- success_drop (91game's new pay-ins fail): success_rate_low and failures_spike fire for
  91game on both sources, and only there;
- outage (PayShack's API answers 5xx): traffic_stopped fires for PayShack's projects and
  sync_unhealthy for PayShack; both resolve once the provider answers again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from psp_dashboard.alerts.evaluate import evaluate
from psp_dashboard.alerts.rules import normalize_params
from psp_dashboard.alerts.signals import RuleView, observe
from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from tests.alerts.conftest import Caller
from tests.alerts.sandbox_world import CONFIG, World
from tests.support.runtime import runtime_with
from tests.sync.conftest import endpoints_for

RULES: list[dict[str, Any]] = [
    {"name": "Success", "kind": "success_rate_low",
     "params": {"threshold_pct": "60", "window_minutes": 60, "min_volume": 8}},
    {"name": "Failures", "kind": "failures_spike", "params": {"factor": "3", "min_failed": 8}},
    {"name": "Quiet", "kind": "traffic_stopped",
     "params": {"quiet_minutes": 60, "min_usual_per_hour": "4"}},
    {"name": "Sync", "kind": "sync_unhealthy", "params": {"lag_minutes": 30}},
]  # fmt: skip


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    with sandbox_thread(CONFIG) as handle:
        yield handle


@pytest.fixture
def world(alerts_rt: Runtime, sandbox: SandboxHandle) -> Iterator[World]:
    fast_failures = {"sync_max_retries": 0, "sync_backoff_base_seconds": 0}
    with runtime_with(alerts_rt, endpoints=endpoints_for(sandbox), settings=fast_failures):
        yield World(sandbox, alerts_rt)


async def _firing(caller: Caller) -> set[tuple[str, str | None, str | None]]:
    page = (await caller.call("GET", "/alerts", params={"state": "firing", "limit": 100})).json()
    return {(a["kind"], a["evidence"]["transactions"] and a["evidence"]["transactions"]["source"],
             a["evidence"]["transactions"] and a["evidence"]["transactions"]["project"])
            for a in page["data"]}  # fmt: skip


async def test_traffic_rules_fire_and_resolve_on_incidents(caller: Caller, world: World) -> None:
    for rule in RULES:
        assert (await caller.call("POST", "/alerts/rules", json=rule)).status_code == 201
    assert await world.sync() == {"vima": "success", "payshack": "success"}

    # A normal day: quiet at every hour of the world's last day.
    end = await world.clock()
    for hours in range(24, -1, -1):
        tally = await evaluate(world.rt.engine, world.rt.settings, end - timedelta(hours=hours))
        assert (tally.evaluated, tally.fired) == (4, 0), (hours, await _firing(caller))

    # Quiet because the figures are normal, not because there are none to judge.
    async with world.rt.engine.connect() as conn:
        for kind, params in ((r["kind"], r["params"]) for r in RULES[:3]):
            view = RuleView(uuid.uuid4(), kind, "all", None, normalize_params(kind, params))
            seen = await observe(conn, view, end, world.rt.settings)
            busy = [o for o in seen if o.project == "91game"]
            assert len(busy) == 2 and not any(o.firing for o in busy), (kind, busy)
            if kind == "success_rate_low":
                assert all(o.value is not None and o.value > 60 for o in busy), busy
                volumes = [int(o.message.split(" of ")[1].split()[0]) for o in busy]
                assert min(volumes) >= 8, busy  # enough volume to have been judged
            if kind == "traffic_stopped":
                assert all(o.threshold is not None and o.threshold >= 4 for o in busy), busy

    # 91game's pay-ins start failing: an hour of it.
    await world.incident("success_drop", project="91game")
    await world.advance(60, settle=10)
    await world.sync()
    tally = await world.evaluate()
    firing = await _firing(caller)
    assert firing == {
        ("success_rate_low", "vima", "91game"),
        ("success_rate_low", "payshack", "91game"),
        ("failures_spike", "vima", "91game"),
        ("failures_spike", "payshack", "91game"),
    }, firing
    assert tally.fired == 4
    alert = (await caller.call("GET", "/alerts", params={"kind": "success_rate_low"})).json()
    first = alert["data"][0]
    assert first["severity"] == "warning" and first["title"].startswith("Success rate ")
    assert first["evidence"]["transactions"]["status"] == "failed"
    assert (await world.evaluate()).fired == 0  # still firing: not told again

    # Over: two normal hours later both rules resolve.
    await world.incident("clear")
    await world.advance(120, settle=200)
    await world.sync()
    tally = await world.evaluate()
    assert (tally.fired, tally.resolved) == (0, 4), await _firing(caller)

    # PayShack's API goes down for 90 minutes: nothing new arrives from it.
    await world.incident("outage", source="payshack")
    await world.advance(90, settle=100)
    assert await world.sync() == {"vima": "success", "payshack": "failed"}
    await world.evaluate()
    firing = await _firing(caller)
    assert ("traffic_stopped", "payshack", "91game") in firing
    assert not any(k == "traffic_stopped" and s == "vima" for k, s, _ in firing), firing
    sync_alerts = (await caller.call("GET", "/alerts", params={"kind": "sync_unhealthy"})).json()
    assert [a["title"] for a in sync_alerts["data"]] == ["PayShack sync failed"]
    assert sync_alerts["data"][0]["evidence"]["sync_run_id"] is not None

    await world.incident("clear")
    assert await world.sync() == {"vima": "success", "payshack": "success"}
    await world.evaluate()
    assert await _firing(caller) == set()
