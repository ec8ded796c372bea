"""Random layout variants 11–20 (see test_payshack_browser_variants.py)."""

from __future__ import annotations

import pytest

from psp_dashboard.sandbox.dashboard_variants import DashboardVariant, random_variant
from psp_dashboard.sandbox.testing import SandboxHandle
from psp_dashboard.sync.connectors.payshack.browser import PayShackBrowserTransport
from tests.connectors.test_payshack_browser import (
    no_chromium_left,  # noqa: F401 - autouse fixture: no Chromium outlives a test here either
)
from tests.connectors.test_payshack_browser_variants import (
    check_full_and_windowed,
    sb,  # noqa: F401 - the module's world
    shared,  # noqa: F401 - one Chromium for both walks
)

CASES = [(f"random-{seed}", random_variant(seed)) for seed in range(11, 21)]


@pytest.mark.parametrize(("name", "variant"), CASES, ids=[name for name, _ in CASES])
async def test_full_and_windowed_syncs_equal_the_truth(
    sb: SandboxHandle,  # noqa: F811
    shared: PayShackBrowserTransport,  # noqa: F811
    name: str,
    variant: DashboardVariant,
) -> None:
    await check_full_and_windowed(sb, shared, name, variant)
