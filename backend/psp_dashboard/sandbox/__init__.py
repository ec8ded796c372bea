"""Faithful imitations of the Vima collector API and the PayShack merchant API and
dashboard, serving one seeded world (see docs/sandboxes.md).

Entry points: `World` (data, advance, faults), `Sandbox` (world + servers' state),
`serve_sandboxes` (async, same loop), `sandbox_thread` (background thread, tests),
`truth` (what a correct importer/reconciler must see), `cli.main` (`psp sandbox`).
"""

from psp_dashboard.sandbox.config import (
    Credentials,
    DiscrepancyRates,
    LivingSettings,
    PayShackSettings,
    ReconParams,
    SandboxConfig,
    WorldConfig,
)
from psp_dashboard.sandbox.dashboard_variants import (
    NAMED_VARIANTS,
    DashboardVariant,
    random_variant,
    resolve_variant,
)
from psp_dashboard.sandbox.facts import HandmadePayment, PayShackSpec, VimaSpec
from psp_dashboard.sandbox.faults import FaultConfig
from psp_dashboard.sandbox.server import RunningSandboxes, serve_sandboxes
from psp_dashboard.sandbox.state import Sandbox
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sandbox.world import World

__all__ = [
    "NAMED_VARIANTS",
    "Credentials",
    "DashboardVariant",
    "DiscrepancyRates",
    "FaultConfig",
    "HandmadePayment",
    "LivingSettings",
    "PayShackSettings",
    "PayShackSpec",
    "ReconParams",
    "RunningSandboxes",
    "Sandbox",
    "SandboxConfig",
    "SandboxHandle",
    "VimaSpec",
    "World",
    "WorldConfig",
    "random_variant",
    "resolve_variant",
    "sandbox_thread",
    "serve_sandboxes",
]
