"""Every knob of the sandboxes, as frozen dataclasses with sandbox-only defaults.

Rates are probabilities in [0, 1]. The defaults give a world that looks like a normal
day at the provider (a few per mille of each discrepancy); tests build their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from decimal import Decimal

from psp_dashboard.sandbox.dashboard_variants import DashboardVariant
from psp_dashboard.sandbox.faults import FaultConfig


@dataclass(frozen=True, slots=True)
class ReconParams:
    """Reconciliation parameters, named as in reconciliation.md. The world aims its
    injected cross-midnight and time-skew cases at these; truth accepts others."""

    timezone: str = "UTC"
    grace_minutes: int = 120
    amount_tolerance: Decimal = Decimal("0.00")
    time_tolerance_minutes: int = 30
    projects: tuple[str, ...] = ("91game",)


@dataclass(frozen=True, slots=True)
class DiscrepancyRates:
    """Shares of 91game payments carrying each injected discrepancy.

    The two cross-midnight rates are shares of the eligible pairs only: those whose Vima
    operation is created in the last 25 minutes before a midnight of `ReconParams.timezone`.
    """

    amount_subrupee: float = 0.003
    amount_large: float = 0.002
    status: float = 0.008
    missing_payshack: float = 0.006
    missing_vima: float = 0.004
    duplicate_vima: float = 0.002
    duplicate_payshack: float = 0.002
    time_skew: float = 0.003
    no_key: float = 0.001
    # client_operation_id absent or "" while create_params...identifiers.c_id holds the key
    key_only_in_c_id: float = 0.02
    cross_midnight_inside: float = 0.3
    cross_midnight_outside: float = 0.15

    def scaled(self, factor: float) -> DiscrepancyRates:
        """All rates multiplied by `factor` (capped at 1)."""
        changes = {f.name: min(1.0, getattr(self, f.name) * factor) for f in fields(self)}
        return replace(self, **changes)

    @classmethod
    def none(cls) -> DiscrepancyRates:
        return cls().scaled(0.0)


@dataclass(frozen=True, slots=True)
class WorldConfig:
    seed: int = 1
    start: date = date(2026, 1, 1)  # first UTC day of the world
    days: int = 3
    per_day: int = 2000  # payments per full UTC day (both providers together)
    # Cut the world at this instant (the last day is then partial); None = full days.
    end_at: datetime | None = None
    project_shares: tuple[tuple[str, float], ...] = (
        ("91game", 0.6),
        ("monetix", 0.25),
        ("caroussel", 0.15),
    )
    # Share of payments that only PayShack sees (its other clients, e.g. MNCL_M5_Pvt_Ltd).
    payshack_other_share: float = 0.15
    discrepancies: DiscrepancyRates = field(default_factory=DiscrepancyRates)
    bad_record_rate: float = 0.001  # per side: records a correct importer must quarantine
    unknown_status_rate: float = 0.001  # status values outside the documented tables
    recon: ReconParams = field(default_factory=ReconParams)
    # Where in the initial world the id sequences cross a power of ten (0..1).
    id_crossing: float = 0.5


@dataclass(frozen=True, slots=True)
class Credentials:
    """Sandbox-only credentials; nothing here is valid anywhere else."""

    vima_apikey: str = "master-sandbox-5a4db0c05a4db0c05a4db0c0"
    vima_basic_user: str = "sandbox"
    vima_basic_pass: str = "sandbox-only"  # noqa: S105 - public sandbox-only value
    # Which of the spec's two ways the Vima API accepts: "api_key" (`apikey=`), "basic".
    vima_auth_methods: tuple[str, ...] = ("api_key", "basic")
    payshack_email: str = "reseller@sandbox.payshack.test"
    payshack_pass: str = "sandbox-only"  # noqa: S105 - public sandbox-only value


@dataclass(frozen=True, slots=True)
class PayShackSettings:
    payin_path: str = "/payin"
    encrypted: bool = False  # AES-GCM payloads for the page and the API alike
    token_ttl_seconds: int = 1800
    refresh_ttl_seconds: int = 7 * 24 * 3600
    session_ttl_seconds: int = 1800
    # Layout of the dashboard's Pay-In page: a name from NAMED_VARIANTS, "random" (drawn
    # from variant_seed) or a DashboardVariant; see dashboard_variants.py.
    variant: str | DashboardVariant = "classic"
    variant_seed: int = 0


@dataclass(frozen=True, slots=True)
class LivingSettings:
    """Living mode: payments keep arriving on wall-clock time and pendings settle."""

    enabled: bool = False
    rate_per_second: float = 1.0
    settle_per_second: float = 0.2
    settle_after_seconds: float = 60.0  # a pending settles no sooner than this after creation
    tick_seconds: float = 1.0


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    world: WorldConfig = field(default_factory=WorldConfig)
    credentials: Credentials = field(default_factory=Credentials)
    payshack: PayShackSettings = field(default_factory=PayShackSettings)
    living: LivingSettings = field(default_factory=LivingSettings)
    vima_faults: FaultConfig = field(default_factory=FaultConfig)
    payshack_faults: FaultConfig = field(default_factory=FaultConfig)
