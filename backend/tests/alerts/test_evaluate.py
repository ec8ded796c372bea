"""The state machine: one notification per firing and one per resolution however many
evaluators run at once or again, the cooldown, rules switched off resolve their alerts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from psp_dashboard.alerts.evaluate import LOCK_NAME, evaluate
from psp_dashboard.db import make_engine
from psp_dashboard.kit.locks import lock_key
from psp_dashboard.runtime import Runtime
from tests.alerts.conftest import Caller, insert_run


@pytest.fixture
async def second_engine(alerts_rt: Runtime) -> AsyncIterator[AsyncEngine]:
    """Another process's connection pool: a second worker."""
    engine = make_engine(alerts_rt.database_url)
    yield engine
    await engine.dispose()


async def _rule(caller: Caller, cooldown: int = 30) -> str:
    channel = (
        await caller.call("POST", "/alerts/channels", json={"name": "bell", "kind": "in_app"})
    ).json()["data"]
    body = {"name": "Sync", "kind": "sync_unhealthy", "cooldown_minutes": cooldown,
            "channel_ids": [channel["id"]]}  # fmt: skip
    response = await caller.call("POST", "/alerts/rules", json=body)
    assert response.status_code == 201
    rule_id: str = response.json()["data"]["id"]
    return rule_id


async def _events(rt: Runtime) -> list[tuple[str, str]]:
    async with rt.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT a.state, d.event FROM alert_deliveries d "
                "JOIN alerts a ON a.id = d.alert_id ORDER BY d.id"
            )
        )
        return [(r[0], r[1]) for r in rows]


async def test_two_evaluators_notify_once_per_firing_and_resolution(
    caller: Caller, alerts_rt: Runtime, second_engine: AsyncEngine
) -> None:
    await _rule(caller)
    settings = alerts_rt.settings
    now = datetime.now(UTC)
    await insert_run(alerts_rt, "vima", "failed", now - timedelta(minutes=5), "boom")
    for minute in range(3):  # several ticks, each by two workers at once
        at = now + timedelta(minutes=minute)
        await asyncio.gather(
            evaluate(alerts_rt.engine, settings, at), evaluate(second_engine, settings, at)
        )
    await insert_run(alerts_rt, "vima", "success", now)
    for minute in range(3, 6):
        at = now + timedelta(minutes=minute)
        await asyncio.gather(
            evaluate(alerts_rt.engine, settings, at), evaluate(second_engine, settings, at)
        )
    assert await _events(alerts_rt) == [("resolved", "firing"), ("resolved", "resolved")]
    alerts = (await caller.call("GET", "/alerts")).json()
    assert alerts["meta"]["total"] == 1


async def test_a_concurrent_evaluator_skips_while_one_holds_the_lock(
    caller: Caller, alerts_rt: Runtime, second_engine: AsyncEngine
) -> None:
    await _rule(caller)
    await insert_run(alerts_rt, "vima", "failed", datetime.now(UTC), "boom")
    async with alerts_rt.engine.begin() as conn:
        await conn.execute(
            text("SELECT pg_advisory_xact_lock(:k)"),
            {"k": lock_key(LOCK_NAME)},
        )
        skipped = await evaluate(second_engine, alerts_rt.settings)
    assert skipped.skipped and skipped.fired == 0
    assert (await evaluate(second_engine, alerts_rt.settings)).fired == 1


async def test_cooldown_keeps_a_recently_resolved_rule_quiet(
    caller: Caller, alerts_rt: Runtime
) -> None:
    await _rule(caller, cooldown=30)
    rt, settings = alerts_rt, alerts_rt.settings
    t0 = datetime.now(UTC)
    await insert_run(rt, "vima", "failed", t0 - timedelta(minutes=3), "boom")
    assert (await evaluate(rt.engine, settings, t0)).fired == 1
    await insert_run(rt, "vima", "success", t0 - timedelta(minutes=2))
    assert (await evaluate(rt.engine, settings, t0 + timedelta(minutes=1))).resolved == 1
    await insert_run(rt, "vima", "failed", t0 - timedelta(minutes=1), "boom again")
    for minutes in (2, 10, 30):  # resolved at +1: quiet until +31
        assert (await evaluate(rt.engine, settings, t0 + timedelta(minutes=minutes))).fired == 0
    assert (await evaluate(rt.engine, settings, t0 + timedelta(minutes=31))).fired == 1
    assert [e for _, e in await _events(rt)] == ["firing", "resolved", "firing"]


async def test_disabling_a_rule_resolves_its_firing_alerts(
    caller: Caller, alerts_rt: Runtime
) -> None:
    rule_id = await _rule(caller)
    await insert_run(alerts_rt, "payshack", "incomplete", datetime.now(UTC), "short by 3")
    assert (await evaluate(alerts_rt.engine, alerts_rt.settings)).fired == 1
    rules = (await caller.call("GET", "/alerts/rules", "viewer")).json()["data"]
    assert rules[0]["state"] == {"firing": 1}
    off = await caller.call("PATCH", f"/alerts/rules/{rule_id}", json={"enabled": False})
    assert off.json()["data"]["state"] == {"firing": 0}
    alert = (await caller.call("GET", "/alerts")).json()["data"][0]
    assert alert["state"] == "resolved" and alert["message"].endswith("rule disabled")
    assert (await evaluate(alerts_rt.engine, alerts_rt.settings)).evaluated == 0


async def test_a_failed_payout_sync_fires_under_its_own_name_and_scope(
    caller: Caller, alerts_rt: Runtime
) -> None:
    body = {"name": "Pay-outs", "kind": "sync_unhealthy",
            "scope": {"type": "source", "value": "payshack_payouts"}}  # fmt: skip
    assert (await caller.call("POST", "/alerts/rules", json=body)).status_code == 201
    now = datetime.now(UTC)
    await insert_run(alerts_rt, "payshack", "failed", now - timedelta(minutes=5), "boom")
    await insert_run(alerts_rt, "payshack_payouts", "failed", now - timedelta(minutes=5), "boom")
    await evaluate(alerts_rt.engine, alerts_rt.settings, now)
    alerts = (await caller.call("GET", "/alerts")).json()["data"]
    # The rule is scoped to the pay-out stream: PayShack's pay-in failure is not its alert.
    assert [a["title"] for a in alerts] == ["PayShack pay-outs sync failed"]
