"""The reconciliation rules on a synced sandbox world, reconciled by the real engine:
quiet while the days reconcile cleanly and on time; money at risk and the discrepancy
jump fire the day PayShack fails 91game's pay-ins that Vima calls successful, and
resolve with the next clean day; "not reconciled by 06:00" fires until the run is in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from psp_dashboard.alerts.evaluate import evaluate
from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.config import DiscrepancyRates, SandboxConfig, WorldConfig
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from tests.alerts.conftest import Caller
from tests.alerts.sandbox_world import World
from tests.reconciliation.support import run, with_settings
from tests.support.runtime import runtime_with
from tests.sync.conftest import endpoints_for

START = date(2026, 1, 10)
WORLD = WorldConfig(seed=7, start=START, days=3, per_day=300, discrepancies=DiscrepancyRates.none())
RULES = [
    {"name": "Risk", "kind": "recon_money_at_risk", "params": {"amount": "500"}},
    {"name": "Jump", "kind": "recon_discrepancy_jump", "params": {"points": "5"}},
    {"name": "Late", "kind": "recon_not_reconciled", "params": {"by_hour": 6}},
]


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    with sandbox_thread(SandboxConfig(world=WORLD)) as handle:
        yield handle


@pytest.fixture
def world(alerts_rt: Runtime, sandbox: SandboxHandle) -> Iterator[World]:
    params = WORLD.recon
    settings = {
        "recon_timezone": params.timezone,
        "recon_grace_minutes": params.grace_minutes,
        "recon_amount_tolerance": params.amount_tolerance,
        "recon_time_tolerance_minutes": params.time_tolerance_minutes,
        "recon_projects": list(params.projects),
    }
    with runtime_with(alerts_rt, endpoints=endpoints_for(sandbox), settings=settings):
        yield World(sandbox, alerts_rt)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


async def _firing_kinds(caller: Caller) -> list[str]:
    page = (await caller.call("GET", "/alerts", params={"state": "firing"})).json()
    return sorted(a["kind"] for a in page["data"])


async def test_recon_rules_fire_and_resolve(caller: Caller, world: World) -> None:
    rt = world.rt
    for rule in RULES:
        assert (await caller.call("POST", "/alerts/rules", json=rule)).status_code == 201
    await world.sync()
    day1, day2, day3, day4 = (START + timedelta(days=n) for n in (1, 2, 3, 4))

    # The morning after day2: not due at 05:00, late at 06:30 until day2's run is in.
    assert (await evaluate(rt.engine, rt.settings, at(day3, 5))).fired == 0
    assert (await evaluate(rt.engine, rt.settings, at(day3, 6, 30))).fired == 1
    assert await _firing_kinds(caller) == ["recon_not_reconciled"]
    configured = with_settings(rt)
    for day in (day1, day2):
        await run(configured, day)
    tally = await evaluate(rt.engine, rt.settings, at(day3, 6, 31))
    assert (tally.fired, tally.resolved) == (0, 1)  # clean days: no risk, no jump

    # day3: PayShack fails 91game's new pay-ins while Vima keeps its own outcome.
    await world.incident("success_drop", project="91game", source="payshack")
    await world.advance(24 * 60, new=300, settle=400)
    await world.incident("clear")
    await world.advance(150, new=10, settle=400)  # past the grace window, all settled
    await world.sync()
    await run(configured, day3)
    await evaluate(rt.engine, rt.settings, at(day4, 6, 30))
    assert await _firing_kinds(caller) == ["recon_discrepancy_jump", "recon_money_at_risk"]
    risk = (await caller.call("GET", "/alerts", params={"kind": "recon_money_at_risk"})).json()
    alert = risk["data"][0]
    assert alert["evidence"]["recon_date"] == day3.isoformat()
    response = await caller.call(
        "GET", "/reconciliation/summary", params={"date": day3.isoformat()}
    )
    summary = json.loads(response.text, parse_float=Decimal)["data"]
    assert Decimal(alert["value"]) == summary["money_at_risk"]["total"] > 500
    assert alert["threshold"] == "500"

    # day4 is clean again: both resolve once it is reconciled.
    await world.advance(24 * 60 - 150, new=300, settle=400)
    await world.advance(150, new=10, settle=400)
    await world.sync()
    await run(configured, day4)
    tally = await evaluate(rt.engine, rt.settings, at(day4 + timedelta(days=1), 6, 30))
    assert (tally.fired, tally.resolved) == (0, 2)
    assert await _firing_kinds(caller) == []
