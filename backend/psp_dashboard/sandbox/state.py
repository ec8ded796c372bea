"""One running pair of sandboxes: the world plus everything the servers keep around it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from psp_dashboard.sandbox.clients import Directory
from psp_dashboard.sandbox.config import LivingSettings, PayShackSettings, SandboxConfig
from psp_dashboard.sandbox.dashboard_variants import DashboardVariant, resolve_variant
from psp_dashboard.sandbox.payshack_auth import PayShackAuth
from psp_dashboard.sandbox.timeline import moment_of
from psp_dashboard.sandbox.vima_served import VimaServed
from psp_dashboard.sandbox.world import World


@dataclass(slots=True)
class LivingState:
    """Living mode knobs that the admin endpoint may change while serving."""

    settings: LivingSettings

    def update(self, enabled: bool | None = None, rate_per_second: float | None = None) -> None:
        changes: dict[str, object] = {}
        if enabled is not None:
            changes["enabled"] = enabled
        if rate_per_second is not None:
            changes["rate_per_second"] = rate_per_second
        self.settings = replace(self.settings, **changes)  # type: ignore[arg-type]


def dashboard_variant(settings: PayShackSettings) -> DashboardVariant:
    if isinstance(settings.variant, DashboardVariant):
        return settings.variant
    return resolve_variant(settings.variant, settings.variant_seed)


class Sandbox:
    def __init__(self, config: SandboxConfig | None = None, *, world: World | None = None):
        self.config = config or SandboxConfig()
        self.world = world if world is not None else World(self.config.world)
        self.world.faults.vima.configure(self.config.vima_faults)
        self.world.faults.payshack.configure(self.config.payshack_faults)
        self.credentials = self.config.credentials
        self.vima_served = VimaServed()  # answered /operation requests and their rows
        self.directory = Directory(self.world.seed, moment_of(self.world.timeline.start_ms))
        self.auth = PayShackAuth(self.config.payshack, self.world.faults.payshack)
        self.encrypted = self.config.payshack.encrypted
        # Canonical Pay-In header (e.g. "UTR") → text to show instead ("" removes the text):
        # a re-skinned dashboard, for the scraper's "missing column" error.
        self.payin_header_renames: dict[str, str] = {}
        # Display order of canonical header texts, any column (others hidden); None = the
        # variant's columns. Renames and order apply on top of `variant` (dashboard_columns).
        self.payin_column_order: list[str] | None = None
        self.payin_path = "/" + self.config.payshack.payin_path.strip("/")
        # Layout of the Pay-In page (read per request: changing it re-skins the next load).
        self.variant: DashboardVariant = dashboard_variant(self.config.payshack)
        self.living = LivingState(self.config.living)
