"""Fixtures for sync tests: a sandbox world served over real HTTP, and DB-vs-truth views."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.config import SandboxConfig, WorldConfig
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sandbox.truth import bad_records, daily_totals
from psp_dashboard.sync.records import Source
from psp_dashboard.sync.sources import SourceEndpoints
from tests.support.runtime import runtime_with

SMALL_WORLD = WorldConfig(
    seed=7, start=date(2026, 1, 14), days=2, per_day=900, bad_record_rate=0.01
)

Totals = list[tuple[date, str | None, str, int, Decimal]]


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    with sandbox_thread(SandboxConfig(world=SMALL_WORLD)) as handle:
        yield handle


def endpoints_for(handle: SandboxHandle) -> SourceEndpoints:
    from pydantic import SecretStr

    creds = handle.credentials
    return SourceEndpoints(
        vima_base_url=handle.vima_base_url,
        vima_api_key=SecretStr(creds.vima_apikey),
        payshack_base_url=handle.payshack_base_url,
        payshack_api_url=handle.payshack_base_url,
        payshack_email=SecretStr(creds.payshack_email),
        payshack_password=SecretStr(creds.payshack_pass),
        sandbox=frozenset({"vima", "payshack"}),
    )


@pytest.fixture
def wired(clean_db: Runtime, sandbox: SandboxHandle) -> Iterator[Runtime]:
    """The runtime with its sources pointed at the sandbox (as `psp run` does)."""
    with runtime_with(clean_db, endpoints=endpoints_for(sandbox)):
        yield clean_db


def truth_totals(handle: SandboxHandle, source: Source) -> Totals:
    return [
        (t.day, t.project, t.status, t.count, t.amount) for t in daily_totals(handle.world, source)
    ]


async def db_totals(conn: AsyncConnection, source: str) -> Totals:
    rows = await conn.execute(
        text(
            "SELECT (created_at AT TIME ZONE 'UTC')::date AS day, project, status, "
            "COUNT(*), SUM(amount) FROM transactions WHERE source = :s "
            "GROUP BY 1, 2, 3 ORDER BY 1, COALESCE(project, ''), 3"
        ),
        {"s": source},
    )
    return [(r[0], r[1], r[2], int(r[3]), Decimal(r[4])) for r in rows]


def truth_bad_locators(handle: SandboxHandle, source: Source) -> dict[str, str]:
    return {b.locator: b.reason for b in bad_records(handle.world, source)}


async def assert_matches_truth(runtime: Runtime, handle: SandboxHandle, source: Source) -> None:
    async with runtime.engine.connect() as conn:
        stored = await db_totals(conn, source)
        duplicates = (
            await conn.execute(
                text(
                    "SELECT COUNT(*) FROM (SELECT source_id FROM transactions WHERE source = :s "
                    "GROUP BY source_id HAVING COUNT(*) > 1) d"
                ),
                {"s": source},
            )
        ).scalar_one()
    assert duplicates == 0
    assert stored == truth_totals(handle, source)
