"""End to end: a multi-day sandbox world (every kind of discrepancy, cross-midnight
pairs, keys only in c_id, bad records), synced through the real pipeline over HTTP,
then every day reconciled: each key exactly as the sandbox's truth says."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox import HandmadePayment, PayShackSpec, VimaSpec, World
from psp_dashboard.sandbox.config import (
    DiscrepancyRates,
    ReconParams,
    SandboxConfig,
    WorldConfig,
)
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sandbox.truth import expected_reconciliation, recon_days
from psp_dashboard.sync.service import sync_source
from tests.reconciliation.support import brief, comparable, run, with_settings
from tests.support.runtime import runtime_with
from tests.sync.conftest import endpoints_for

WORLD = WorldConfig(
    seed=11,
    start=date(2026, 1, 14),
    days=3,
    per_day=1500,
    # Ten times the default rates, so every kind shows up on every day; and pairs near
    # midnight split across it, inside and outside the grace window.
    discrepancies=replace(
        DiscrepancyRates().scaled(10), cross_midnight_inside=0.4, cross_midnight_outside=0.4
    ),
    bad_record_rate=0.005,
)


@pytest.fixture(params=["UTC", "Asia/Kolkata"])
def sandbox(request: pytest.FixtureRequest) -> Iterator[SandboxHandle]:
    """The world aims its cross-midnight cases at the reconciliation time zone."""
    world = replace(WORLD, recon=ReconParams(timezone=request.param))
    with sandbox_thread(SandboxConfig(world=world)) as handle:
        yield handle


async def test_every_day_matches_the_sandbox_truth(rt: Runtime, sandbox: SandboxHandle) -> None:
    with runtime_with(rt, endpoints=endpoints_for(sandbox)):
        for source in ("vima", "payshack"):
            result = await sync_source(rt, source)
            assert result.status == "success", result.error
    world = sandbox.world
    params = world.config.recon
    configured = with_settings(
        rt,
        recon_timezone=params.timezone,
        recon_grace_minutes=params.grace_minutes,
        recon_amount_tolerance=params.amount_tolerance,
        recon_time_tolerance_minutes=params.time_tolerance_minutes,
        recon_projects=list(params.projects),
    )
    kinds: set[tuple[str, str | None]] = set()
    for day in recon_days(world, params.timezone):
        outcome = await run(configured, day)
        got = brief(await comparable(configured, outcome.run_id))
        want = brief(expected_reconciliation(world, day))
        assert got == want, f"{day}: engine and truth disagree"
        kinds |= {(r[1], r[2]) for r in got}
    assert kinds >= {
        ("matched", None),
        ("discrepancy", "amount"),
        ("discrepancy", "status"),
        ("discrepancy", "time"),
        ("discrepancy", "duplicate"),
        ("missing_payshack", "missing"),
        ("missing_vima", "missing"),
    }


async def test_duplicates_across_midnight_match_the_truth_on_each_day(rt: Runtime) -> None:
    """Rule 1 within the window (issue #20), through the real pipeline: each case is a
    duplicate on every day that reports its key, in the engine as in the truth."""
    day = date(2026, 3, 10)
    prev, nxt = day - timedelta(days=1), day + timedelta(days=1)

    def at(d: date, hour: int, minute: int) -> datetime:
        return datetime(d.year, d.month, d.day, hour, minute, tzinfo=UTC)

    def pay(key: str, v: datetime | None = None, p: datetime | None = None) -> HandmadePayment:
        return HandmadePayment(
            key,
            None if v is None else VimaSpec(v, Decimal("100.00")),
            None if p is None else PayShackSpec(p, Decimal("100.00")),
        )

    payments = [
        pay("801", at(prev, 23, 30)), pay("801", at(day, 0, 30), at(day, 0, 10)),
        pay("802", p=at(day, 23, 30)), pay("802", p=at(nxt, 0, 30)),
        pay("803", p=at(prev, 23, 30)), pay("803", at(day, 0, 10), at(day, 0, 30)),
        pay("804", at(day, 23, 30)), pay("804", at(nxt, 0, 30)),
        pay("805", at(day, 12, 0), at(day, 12, 1)),  # a plain match beside them
    ]  # fmt: skip
    world = World(WorldConfig(start=prev, days=3, per_day=0), handmade=payments)
    with (
        sandbox_thread(SandboxConfig(), world=world) as handle,
        runtime_with(rt, endpoints=endpoints_for(handle)),
    ):
        for source in ("vima", "payshack"):
            result = await sync_source(rt, source)
            assert result.status == "success", result.error
    duplicates = 0
    for d in (prev, day, nxt):
        outcome = await run(rt, d)
        got = brief(await comparable(rt, outcome.run_id))
        assert got == brief(expected_reconciliation(world, d)), d
        duplicates += sum(1 for r in got if r[2] == "duplicate")
    assert duplicates == 7  # 801, 802 and 804 on two days each; 803 on its operation's day
