"""Reconciliation fixtures: an empty database whose sources count as fully synced."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from psp_dashboard.runtime import Runtime
from tests.reconciliation.support import FAR_FUTURE, mark_synced, with_settings

DEFAULTS = {
    "recon_timezone": "UTC",
    "recon_projects": ["91game"],
    "recon_grace_minutes": 120,
    "recon_time_tolerance_minutes": 30,
}


@pytest.fixture
async def rt(clean_db: Runtime) -> AsyncIterator[Runtime]:
    """The spec's default rules (UTC, 91game, G = 120 min, A = 0, T = 30 min)."""
    await mark_synced(clean_db, FAR_FUTURE, FAR_FUTURE)
    yield with_settings(clean_db, **DEFAULTS)
