"""Layout variants of the sandbox Pay-In page: dashboards the scraper has not seen.

A real provider re-skins its dashboard without notice; the scraper must read any page a
person could read. Each `DashboardVariant` field is one independent layout feature, and
`random_variant(seed)` draws every feature on its own so a test run meets combinations
nobody wrote down. The first allowed value of every feature is the "classic" page's
(the one the sandbox always served), so `DashboardVariant()` is classic.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from types import MappingProxyType
from typing import Any, Literal

Table = Literal["table", "grid", "aria-table"]
Columns = Literal["default", "shuffled"]
Extra = Literal["payer", "mode", "channel", "fee", "completed"]
Headers = Literal["canonical", "upper", "alt", "sortable"]
DateFilter = Literal["two-labels", "one-label", "placeholder"]
Zone = Literal["IST", "UTC"]
Apply = Literal["button", "search", "enter"]
Next = Literal["button", "link", "icon", "numbered"]
SizeOptions = Literal["plain", "per-page", "show"]
Totals = Literal["showing", "records", "page-of", "none"]
Grouping = Literal["indian", "international"]
TimeFormat = Literal["long", "iso", "numeric"]
Missing = Literal["—", "-", ""]

EXTRAS: tuple[Extra, ...] = ("payer", "mode", "channel", "fee", "completed")

# Allowed values of every single-valued feature, the classic value first. `extras` (a
# subset of EXTRAS) and `column_seed` (any int) are checked on their own.
CHOICES: Mapping[str, tuple[Any, ...]] = MappingProxyType(
    {
        "table": ("table", "grid", "aria-table"),
        "columns": ("default", "shuffled"),
        "headers": ("canonical", "upper", "alt", "sortable"),
        "date_filter": ("two-labels", "one-label", "placeholder"),
        "filter_zone": ("IST", "UTC"),
        "apply": ("button", "search", "enter"),
        "status_filter": (False, True),
        "next": ("button", "link", "icon", "numbered"),
        "pager_lag_ms": (0, 150),
        "page_size": (10, 25, 100),
        "size_options": ("plain", "per-page", "show"),
        "size_selector": (True, False),
        "totals": ("showing", "records", "page-of", "none"),
        "grouping": ("indian", "international"),
        "created_format": ("long", "iso", "numeric"),
        "modified_format": ("numeric", "long", "iso"),
        "missing": ("—", "-", ""),
        "delay_ms": (0, 600),
        "url_state": (True, False),
    }
)
# "none" leaves a walk nothing to check itself against: only a dedicated test uses it.
_NEVER_DRAWN = {"totals": ("none",)}


@dataclass(frozen=True, slots=True)
class DashboardVariant:
    """One Pay-In page layout. See docs/sandboxes.md for the DOM each value produces."""

    table: Table = "table"
    columns: Columns = "default"
    column_seed: int = 0  # picks the permutation when columns == "shuffled"
    extras: tuple[Extra, ...] = ("payer",)
    headers: Headers = "canonical"
    date_filter: DateFilter = "two-labels"
    filter_zone: Zone = "IST"
    apply: Apply = "button"
    status_filter: bool = False
    next: Next = "button"
    pager_lag_ms: int = 0
    page_size: int = 10
    size_options: SizeOptions = "plain"
    size_selector: bool = True
    totals: Totals = "showing"
    grouping: Grouping = "indian"
    created_format: TimeFormat = "long"
    modified_format: TimeFormat = "numeric"  # Completed At follows it too
    missing: Missing = "—"
    delay_ms: int = 0
    url_state: bool = True

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            value = getattr(self, name)
            # bool is an int: keep True from passing for 1 and 0 for False.
            if not any(value == a and type(value) is type(a) for a in allowed):
                raise ValueError(f"{name} must be one of {list(allowed)}, not {value!r}")
        unknown = [e for e in self.extras if e not in EXTRAS]
        if unknown or len(set(self.extras)) != len(self.extras):
            raise ValueError(f"extras must be distinct values from {list(EXTRAS)}")
        if type(self.column_seed) is not int:
            raise ValueError("column_seed must be an integer")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["extras"] = list(self.extras)
        return data

    def describe(self) -> str:
        """One line naming every feature that differs from classic (or "classic")."""
        base = DashboardVariant()
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value == getattr(base, f.name) or f.name == "column_seed":
                continue
            if f.name == "extras":
                value = "+".join(value) or "none"
            elif f.name == "columns":
                value = f"shuffled#{self.column_seed}"
            parts.append(f"{f.name}={value!s}" if value != "" else f"{f.name}=''")
        return " ".join(parts) or "classic"


def variant_from_dict(data: Mapping[str, Any]) -> DashboardVariant:
    """A variant from feature → value (classic for the rest); unknown keys are errors."""
    known = {f.name for f in fields(DashboardVariant)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"unknown dashboard features {unknown}; known: {sorted(known)}")
    changes = dict(data)
    if "extras" in changes:
        changes["extras"] = tuple(changes["extras"])
    return replace(DashboardVariant(), **changes)


CLASSIC = DashboardVariant()

NAMED_VARIANTS: Mapping[str, DashboardVariant] = MappingProxyType(
    {
        "classic": CLASSIC,
        # A single-page app on a data-grid widget: slow data, keyboard-only filter,
        # a link for Next, nothing kept in the URL.
        "spa-grid": DashboardVariant(
            table="grid",
            columns="shuffled",
            column_seed=11,
            extras=("payer", "mode", "channel"),
            headers="upper",
            date_filter="one-label",
            filter_zone="UTC",
            apply="enter",
            status_filter=True,
            next="link",
            pager_lag_ms=150,
            page_size=25,
            size_options="per-page",
            totals="records",
            grouping="international",
            created_format="iso",
            modified_format="iso",
            missing="-",
            delay_ms=600,
            url_state=False,
        ),
        # An older server-styled portal: ARIA table, abbreviated headers with units,
        # text date fields, icon arrows, only a page count.
        "legacy-portal": DashboardVariant(
            table="aria-table",
            extras=("fee", "completed"),
            headers="alt",
            date_filter="placeholder",
            apply="search",
            next="icon",
            page_size=100,
            size_options="show",
            totals="page-of",
            created_format="numeric",
            modified_format="long",
            missing="",
        ),
        # A component-library table: sortable headers, numbered pages, no size control.
        "material": DashboardVariant(
            columns="shuffled",
            column_seed=5,
            extras=(),
            headers="sortable",
            filter_zone="UTC",
            status_filter=True,
            next="numbered",
            pager_lag_ms=150,
            size_selector=False,
            grouping="international",
            created_format="long",
            modified_format="iso",
            delay_ms=600,
        ),
        # Everything in one dense ARIA table, filters applied with Enter.
        "ops-console": DashboardVariant(
            table="aria-table",
            extras=("payer", "mode", "channel", "fee", "completed"),
            headers="upper",
            date_filter="one-label",
            apply="enter",
            status_filter=True,
            next="numbered",
            page_size=25,
            size_options="show",
            totals="records",
            created_format="iso",
            modified_format="numeric",
            missing="-",
        ),
        # Classic without any statement of how many rows there are.
        "no-totals": replace(CLASSIC, totals="none"),
    }
)


def random_variant(seed: int) -> DashboardVariant:
    """Every feature drawn independently from Random(seed); deterministic per seed."""
    rng = random.Random(seed)
    drawn: dict[str, Any] = {}
    for name, allowed in CHOICES.items():
        pool = [v for v in allowed if v not in _NEVER_DRAWN.get(name, ())]
        drawn[name] = rng.choice(pool)
    drawn["extras"] = tuple(e for e in EXTRAS if rng.random() < 0.5)
    drawn["column_seed"] = rng.randrange(1 << 31)
    return DashboardVariant(**drawn)


def resolve_variant(name: str, seed: int = 0) -> DashboardVariant:
    """A named variant, or "random" → random_variant(seed)."""
    if name == "random":
        return random_variant(seed)
    try:
        return NAMED_VARIANTS[name]
    except KeyError:
        names = ", ".join([*NAMED_VARIANTS, "random"])
        raise ValueError(f"unknown dashboard variant {name!r}; choose one of {names}") from None


def variant_name(variant: DashboardVariant) -> str | None:
    """The name of a named variant equal to this one, if any."""
    return next((n for n, v in NAMED_VARIANTS.items() if v == variant), None)
