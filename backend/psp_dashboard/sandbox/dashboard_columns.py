"""Which columns the Pay-In page shows, in which order and under which header text.

A column is known by its canonical header ("Transaction ID", "Payer", …): the re-skin
knobs (`Sandbox.payin_column_order`, `Sandbox.payin_header_renames`) name columns that
way whatever the variant shows, so a test can hide or rename a column on any layout.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from psp_dashboard.sandbox.dashboard_variants import DashboardVariant, Extra

Kind = Literal["text", "money", "time", "status"]


@dataclass(frozen=True, slots=True)
class ColumnDef:
    key: str  # the pay-in field the cells show
    canonical: str
    alt: str
    kind: Kind = "text"
    extra: Extra | None = None  # None = one of the nine columns every variant shows


# Default display order; extras sit where a dashboard would put them (payer next to the
# order, the fee next to the amounts, completion after the other times).
CATALOGUE: tuple[ColumnDef, ...] = (
    ColumnDef("txnId", "Transaction ID", "Txn ID"),
    ColumnDef("orderId", "Order ID", "Order No."),
    ColumnDef("payerName", "Payer", "Payer Name", extra="payer"),
    ColumnDef("amount", "Amount", "Amount (₹)", "money"),
    ColumnDef("paidAmount", "Paid Amount", "Paid Amt (₹)", "money"),
    ColumnDef("totalCommissionAmount", "Fee", "Commission (₹)", "money", extra="fee"),
    ColumnDef("txnStatus", "Status", "Txn Status", "status"),
    ColumnDef("paymentMode", "Mode", "Payment Mode", extra="mode"),
    ColumnDef("transactionType", "Channel", "Channel", extra="channel"),
    ColumnDef("clientName", "Client", "Client Name"),
    ColumnDef("utr", "UTR", "UTR No."),
    ColumnDef("createdAt", "Created At", "Created On (IST)", "time"),
    ColumnDef("modifiedAt", "Modified At", "Last Updated (IST)", "time"),
    ColumnDef("completedAt", "Completed At", "Completed On (IST)", "time", extra="completed"),
)
BY_CANONICAL = {c.canonical: c for c in CATALOGUE}
REQUIRED = tuple(c.canonical for c in CATALOGUE if c.extra is None)
# The sortable skin marks the column the rows are actually sorted by (newest first).
SORTED_BY = "createdAt"


@dataclass(frozen=True, slots=True)
class ShownColumn:
    key: str
    kind: Kind
    label: str  # header text (without the sort arrow)
    sort: str  # "▲"/"▼" after the label in the sortable skin, else ""
    canonical: str

    @property
    def header_text(self) -> str:
        """What a person reads in the header cell."""
        return f"{self.label} {self.sort}" if self.sort else self.label


def variant_columns(variant: DashboardVariant) -> list[ColumnDef]:
    shown = [c for c in CATALOGUE if c.extra is None or c.extra in variant.extras]
    if variant.columns == "shuffled":
        rng = random.Random(variant.column_seed)
        default = list(shown)
        rng.shuffle(shown)
        if shown == default:  # a shuffle that changes nothing tests nothing
            shown = shown[1:] + shown[:1]
    return shown


def header_label(column: ColumnDef, variant: DashboardVariant) -> str:
    if variant.headers == "upper":
        return column.canonical.upper()
    if variant.headers == "alt":
        return column.alt
    if variant.headers == "sortable":
        return column.canonical.lower()
    return column.canonical


def shown_columns(
    variant: DashboardVariant,
    column_order: list[str] | None = None,
    header_renames: dict[str, str] | None = None,
) -> list[ShownColumn]:
    """The page's columns. `column_order` (canonical headers, any of the catalogue)
    replaces the variant's choice and order; `header_renames` (canonical → text)
    replaces a column's whole header text, sort arrow included."""
    renames = header_renames or {}
    if column_order is None:
        chosen = variant_columns(variant)
    else:
        chosen = [BY_CANONICAL[name] for name in column_order if name in BY_CANONICAL]
    out = []
    for c in chosen:
        if c.canonical in renames:
            label, sort = renames[c.canonical], ""
        else:
            label = header_label(c, variant)
            sort = ""
            if variant.headers == "sortable":
                sort = "▼" if c.key == SORTED_BY else "▲"
        out.append(ShownColumn(c.key, c.kind, label, sort, c.canonical))
    return out
