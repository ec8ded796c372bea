"""Rule kinds, their parameters (validated and normalized), scopes and the defaults.

Parameters are stored as JSON: whole numbers as numbers, decimals as strings (exact).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from psp_dashboard.errors import ValidationFailed
from psp_dashboard.sync.records import STREAM_LABELS

Kind = Literal[
    "success_rate_low",
    "traffic_stopped",
    "failures_spike",
    "sync_unhealthy",
    "browser_source_problem",
    "recon_money_at_risk",
    "recon_discrepancy_jump",
    "recon_not_reconciled",
]
Severity = Literal["critical", "warning"]
ScopeType = Literal["all", "source", "project"]
SOURCES = ("vima", "payshack")


@dataclass(frozen=True)
class IntParam:
    low: int
    high: int


@dataclass(frozen=True)
class DecimalParam:
    low: Decimal
    high: Decimal | None = None
    low_inclusive: bool = True


Param = IntParam | DecimalParam


@dataclass(frozen=True)
class KindSpec:
    params: Mapping[str, Param]
    defaults: Mapping[str, Any]
    scopes: tuple[ScopeType, ...]
    # A source scope limited to these sources (the browser reader is PayShack's).
    sources: tuple[str, ...] = SOURCES
    description: str = ""


_TRAFFIC_SCOPES: tuple[ScopeType, ...] = ("all", "source", "project")
KINDS: Mapping[str, KindSpec] = {
    "success_rate_low": KindSpec(
        {
            "threshold_pct": DecimalParam(Decimal(0), Decimal(100), low_inclusive=False),
            "window_minutes": IntParam(5, 1440),
            "min_volume": IntParam(1, 1_000_000),
        },
        {"threshold_pct": "70", "window_minutes": 60, "min_volume": 20},
        _TRAFFIC_SCOPES,
    ),
    "traffic_stopped": KindSpec(
        {"quiet_minutes": IntParam(5, 1440), "min_usual_per_hour": DecimalParam(Decimal(0))},
        {"quiet_minutes": 60, "min_usual_per_hour": "5"},
        _TRAFFIC_SCOPES,
    ),
    "failures_spike": KindSpec(
        {
            "factor": DecimalParam(Decimal(0), low_inclusive=False),
            "min_failed": IntParam(1, 1_000_000),
        },
        {"factor": "3", "min_failed": 10},
        _TRAFFIC_SCOPES,
    ),
    "sync_unhealthy": KindSpec(
        {"lag_minutes": IntParam(1, 10_080)},
        {"lag_minutes": 30},
        ("all", "source"),
        sources=tuple(STREAM_LABELS),  # pay-outs sync on their own stream
    ),
    "browser_source_problem": KindSpec({}, {}, ("all", "source"), sources=("payshack",)),
    "recon_money_at_risk": KindSpec(
        {"amount": DecimalParam(Decimal(0))}, {"amount": "100000.00"}, ("all",)
    ),
    "recon_discrepancy_jump": KindSpec(
        {"points": DecimalParam(Decimal(0), Decimal(100), low_inclusive=False)},
        {"points": "5"},
        ("all",),
    ),
    "recon_not_reconciled": KindSpec({"by_hour": IntParam(0, 23)}, {"by_hour": 6}, ("all",)),
}


def _bad(field_name: str, reason: str, received: Any, expected: str) -> ValidationFailed:
    return ValidationFailed(
        f"{field_name}: {reason}",
        {"field": field_name, "reason": reason, "expected": expected, "received": received},
    )


def _int_param(name: str, spec: IntParam, value: Any) -> int:
    expected = f"a whole number from {spec.low} to {spec.high}"
    if isinstance(value, bool):
        raise _bad(f"params.{name}", "not a whole number", value, expected)
    try:
        number = int(str(value)) if not isinstance(value, int) else value
    except ValueError:
        raise _bad(f"params.{name}", "not a whole number", value, expected) from None
    if not spec.low <= number <= spec.high:
        raise _bad(f"params.{name}", "out of range", value, expected)
    return number


def _decimal_param(name: str, spec: DecimalParam, value: Any) -> str:
    bound = ">=" if spec.low_inclusive else ">"
    expected = f"a decimal {bound} {spec.low}" + (f" and <= {spec.high}" if spec.high else "")
    if isinstance(value, bool | float):
        # Floats are refused, not rounded: thresholds are exact (send "85.5").
        raise _bad(f"params.{name}", "send decimals as strings or integers", value, expected)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _bad(f"params.{name}", "not a decimal", value, expected) from None
    too_low = number < spec.low if spec.low_inclusive else number <= spec.low
    if not number.is_finite() or too_low or (spec.high is not None and number > spec.high):
        raise _bad(f"params.{name}", "out of range", value, expected)
    if number.as_tuple().exponent < -4:  # type: ignore[operator]
        raise _bad(f"params.{name}", "at most 4 decimal places", value, expected)
    return f"{number:f}"


def normalize_params(
    kind: str, given: Mapping[str, Any] | None, base: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The kind's parameters: `base` (or the defaults) overlaid with `given`, each checked."""
    spec = kind_spec(kind)
    unknown = sorted(set(given or {}) - set(spec.params))
    if unknown:
        raise _bad(
            "params", f"unknown parameter(s) {', '.join(unknown)}", unknown,
            f"any of {', '.join(spec.params) or 'none'}",
        )  # fmt: skip
    merged = {**spec.defaults, **(base or {}), **(given or {})}
    out: dict[str, Any] = {}
    for name, param in spec.params.items():
        value = merged[name]
        if isinstance(param, IntParam):
            out[name] = _int_param(name, param, value)
        else:
            out[name] = _decimal_param(name, param, value)
    return out


def kind_spec(kind: str) -> KindSpec:
    try:
        return KINDS[kind]
    except KeyError:
        raise _bad("kind", "unknown rule kind", kind, f"one of {', '.join(KINDS)}") from None


def check_scope(kind: str, scope_type: str, scope_value: str | None) -> str | None:
    """The scope's value as stored (None for `all`), or a 400 naming what fits."""
    spec = kind_spec(kind)
    if scope_type not in spec.scopes:
        raise _bad("scope.type", f"not available for {kind}", scope_type, " or ".join(spec.scopes))
    if scope_type == "all":
        return None
    value = (scope_value or "").strip()
    if scope_type == "source" and value not in spec.sources:
        raise _bad("scope.value", "unknown source", scope_value, " or ".join(spec.sources))
    if scope_type == "project" and not 0 < len(value) <= 100:
        raise _bad("scope.value", "a project name is needed", scope_value, "1–100 characters")
    return value


@dataclass(frozen=True)
class DefaultRule:
    name: str
    kind: str
    severity: Severity
    cooldown_minutes: int = 30
    params: Mapping[str, Any] = field(default_factory=dict)


DEFAULT_RULES: tuple[DefaultRule, ...] = (
    DefaultRule("Success rate low", "success_rate_low", "critical"),
    DefaultRule("Traffic stopped", "traffic_stopped", "warning"),
    DefaultRule("Failures spike", "failures_spike", "warning"),
    DefaultRule("Sync unhealthy", "sync_unhealthy", "critical"),
    DefaultRule("Browser source problem", "browser_source_problem", "critical"),
    DefaultRule("Money at risk", "recon_money_at_risk", "warning", 360),
    DefaultRule("Discrepancy rate jump", "recon_discrepancy_jump", "warning", 360),
    DefaultRule("Day not reconciled", "recon_not_reconciled", "warning", 360),
)
