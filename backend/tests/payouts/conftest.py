"""Fixtures for the pay-out tests: a sandbox world over real HTTP, the runtime wired to
it, and the pay-outs as the database holds them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.config import SandboxConfig, WorldConfig
from psp_dashboard.sandbox.payouts import PayoutTruth, payout_truth
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sync.connectors.payshack.payout_normalize import PAYOUT_ID_PREFIX
from tests.support.runtime import runtime_with
from tests.sync.conftest import endpoints_for

PAYOUT_WORLD = WorldConfig(seed=23, start=date(2026, 1, 14), days=2, per_day=900)

Row = tuple[str, str | None, datetime, Decimal, str, str | None]


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    with sandbox_thread(SandboxConfig(world=PAYOUT_WORLD)) as handle:
        yield handle


@pytest.fixture
def wired(clean_db: Runtime, sandbox: SandboxHandle) -> Iterator[Runtime]:
    with runtime_with(
        clean_db, endpoints=endpoints_for(sandbox), settings={"payshack_page_pause_ms": 0}
    ):
        yield clean_db


def truth_rows(handle: SandboxHandle) -> list[Row]:
    """(source_id as stored, project, created_at, amount, status, original) per pay-out."""
    with handle.world.lock:
        truth: list[PayoutTruth] = payout_truth(handle.world.payouts)
    return sorted(
        (PAYOUT_ID_PREFIX + p.source_id, p.project, p.created_at, p.amount, p.status,
         p.original_status)
        for p in truth
    )  # fmt: skip


async def stored_payouts(runtime: Runtime) -> list[Row]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT source_id, project, created_at, amount, status, original_status "
                "FROM transactions WHERE direction = 'payout' AND source = 'payshack' "
                "ORDER BY source_id"
            )
        )
        return sorted((r[0], r[1], r[2], Decimal(r[3]), r[4], r[5]) for r in rows)
