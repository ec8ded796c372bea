"""Fixtures for the reference-data tests: empty reference tables, a wired sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.config import SandboxConfig
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from tests.support.runtime import runtime_with
from tests.sync.conftest import SMALL_WORLD, endpoints_for

REFERENCE_TABLES = (
    "payshack_client_balances",
    "payshack_clients",
    "payshack_resellers",
    "payshack_service_providers",
    "client_project_map",
)


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    with sandbox_thread(SandboxConfig(world=SMALL_WORLD)) as handle:
        yield handle


@pytest.fixture
async def clean_reference(clean_db: Runtime) -> AsyncIterator[Runtime]:
    async with clean_db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(REFERENCE_TABLES)} CASCADE"))
        await conn.execute(
            text(
                "UPDATE payshack_reference_state SET last_attempt_at = NULL, "
                "last_success_at = NULL, last_error = NULL, last_error_at = NULL, "
                "last_counts = '{}'::jsonb"
            )
        )
    yield clean_db


@pytest.fixture
def wired(clean_reference: Runtime, sandbox: SandboxHandle) -> Iterator[Runtime]:
    """The runtime pointed at the sandbox, no pause between PayShack pages."""
    with runtime_with(
        clean_reference,
        endpoints=endpoints_for(sandbox),
        settings={"payshack_page_pause_ms": 0},
    ):
        yield clean_reference
