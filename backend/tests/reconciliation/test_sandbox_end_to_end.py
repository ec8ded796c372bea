"""End to end: a multi-day sandbox world (every kind of discrepancy, cross-midnight
pairs, keys only in c_id, bad records), synced through the real pipeline over HTTP,
then every day reconciled: each key exactly as the sandbox's truth says."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date

import pytest

from psp_dashboard.runtime import Runtime
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
