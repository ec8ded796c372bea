"""On a sandbox world synced over HTTP through the real pipeline, `payments` is the
number of distinct payments the world holds (its entries), counterparts arriving a sync
after their records; the row figures stay what they were."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.config import DiscrepancyRates, SandboxConfig, WorldConfig
from psp_dashboard.sandbox.kinds import Kind
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sandbox.truth import records
from psp_dashboard.sandbox.truth_records import TruthRecord
from psp_dashboard.sandbox.world import World
from psp_dashboard.sync.service import sync_source
from tests.api.conftest import Api
from tests.support.runtime import runtime_with
from tests.sync.conftest import endpoints_for

WORLD = WorldConfig(
    seed=23,
    start=date(2026, 1, 20),
    days=2,
    per_day=700,
    # Five times the default rates: duplicates on both sides, pairs across midnight
    # inside and outside the grace window.
    discrepancies=replace(
        DiscrepancyRates().scaled(5), cross_midnight_inside=0.3, cross_midnight_outside=0.3
    ),
)
RANGE = {
    "from_date": WORLD.start.isoformat(),
    "to_date": (WORLD.start + timedelta(days=WORLD.days)).isoformat(),
}


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    with sandbox_thread(SandboxConfig(world=WORLD)) as handle:
        yield handle


def good(world: World, source: str) -> list[TruthRecord]:
    return [r for r in records(world, source) if isinstance(r, TruthRecord)]  # type: ignore[arg-type]


def distinct_payments(world: World, rows: list[TruthRecord]) -> int:
    """The world's entries (one payment each), except a pair split beyond the grace
    window: reconciliation reports it as two missing rows, and so it is two payments
    here too (docs/payments.md)."""
    per_entry = Counter(r.entry for r in rows)
    split = sum(1 for e, n in per_entry.items() if n == 2 and world.kinds[e] == Kind.PAIR_CROSS_OUT)
    return len(per_entry) + split


async def overview(api: Api) -> dict[str, Any]:
    await api.runtime.cache.delete_pattern("metrics:*")
    data: dict[str, Any] = await api.data("/metrics/overview", **RANGE)
    return data


async def test_payments_equal_the_worlds_distinct_payments(
    clean_db: Runtime, client: AsyncClient, sandbox: SandboxHandle
) -> None:
    world = sandbox.world
    vima, payshack = good(world, "vima"), good(world, "payshack")
    api = Api(client, clean_db)
    with runtime_with(clean_db, endpoints=endpoints_for(sandbox)):
        assert (await sync_source(clean_db, "vima")).status == "success"
        alone = await overview(api)
        assert alone["total"]["count"] == alone["payments"]["count"] == len(vima)
        assert alone["linked"] == 0

        # The counterparts arrive a sync later.
        assert (await sync_source(clean_db, "payshack")).status == "success"
        data = await overview(api)
        rows = vima + payshack
        assert data["total"]["count"] == len(rows)
        assert data["total"]["amount"] == sum((r.amount for r in rows), Decimal(0))
        assert data["by_source"]["vima"]["count"] == len(vima)
        assert data["by_source"]["payshack"]["count"] == len(payshack)
        want = distinct_payments(world, rows)
        kinds = {world.kinds[r.entry] for r in rows}
        assert {Kind.DUP_VIMA, Kind.DUP_PAYSHACK, Kind.PAIR_CROSS_OUT, Kind.PAIR_SKEW} <= kinds
        assert data["payments"]["count"] == want
        assert data["linked"] == len(rows) - want > 100

        # A re-sync changes nothing.
        for source in ("vima", "payshack"):
            assert (await sync_source(clean_db, source)).status == "success"
        again = await overview(api)
        assert (again["total"]["count"], again["payments"]["count"]) == (len(rows), want)
