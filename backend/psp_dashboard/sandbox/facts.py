"""The facts behind each served record, and the specs of hand-made payments.

Renderers turn facts into the providers' JSON; truth turns the same facts into
normalized records. Both read these, so truth always describes what is served.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from psp_dashboard.sandbox.rng import hash64

KeyMode = Literal["field", "c_id_only", "c_id_only_empty", "none"]
BadReason = Literal["missing_id", "non_numeric_amount", "unparseable_date"]


@dataclass(frozen=True, slots=True)
class VimaFacts:
    entry: int
    person: int  # whose payer details to show (a duplicate shows its original's payer)
    project: str
    key: str | None
    key_mode: KeyMode
    created_ms: int
    modified_ms: int
    completed_ms: int | None
    amount_minor: int  # create_params...amount.value
    complete_minor: int | None  # complete_amount * 100; None = field absent
    current_status: str
    payment_status: str | None
    create_slot: int
    update_slot: int
    bad: BadReason | None


@dataclass(frozen=True, slots=True)
class PayInFacts:
    entry: int
    person: int
    client: str
    order_id: str
    created_ms: int
    modified_ms: int
    completed_ms: int | None
    amount_minor: int
    paid_minor: int | None  # None = paidAmount null (or absent on Incomplete)
    status: str
    bad: BadReason | None


@dataclass(frozen=True, slots=True)
class VimaSpec:
    """A hand-made Vima operation. Amounts in rupees (major units)."""

    created_at: datetime
    amount: Decimal
    status: str = "success"  # current_status
    payment_status: str | Literal["same"] | None = "same"  # "same" = current when final
    key_mode: KeyMode = "field"
    complete_amount: Decimal | Literal["auto"] | None = "auto"  # auto: amount when final
    project: str = "91game"
    bad: BadReason | None = None


@dataclass(frozen=True, slots=True)
class PayShackSpec:
    """A hand-made PayShack pay-in. Amounts in rupees."""

    created_at: datetime
    amount: Decimal
    status: str = "Success"
    paid_amount: Decimal | Literal["auto"] | None = "auto"  # auto: amount when paid
    client: str = "91G_TECH_PVT_LTD"
    order_id: str | None = None  # default: the payment's key
    bad: BadReason | None = None


@dataclass(frozen=True, slots=True)
class HandmadePayment:
    """One payment event of a hand-made world: a Vima side, a PayShack side, or both,
    sharing `key` (client_operation_id = orderId). Two payments with one key make a
    duplicate."""

    key: str | None
    vima: VimaSpec | None = None
    payshack: PayShackSpec | None = None


def to_minor(amount: Decimal) -> int:
    minor = amount * 100
    if minor != minor.to_integral_value():
        raise ValueError(f"amount {amount} has more than two decimals")
    return int(minor)


_ROUND_RUPEES = (100, 200, 300, 500, 1000, 1500, 2000, 2500, 3000, 5000, 10000, 20000, 50000)
_ROUND_WEIGHTS = (14, 10, 6, 16, 16, 5, 10, 5, 3, 7, 5, 2, 1)
_ROUND_CUM = [sum(_ROUND_WEIGHTS[: i + 1]) for i in range(len(_ROUND_WEIGHTS))]
_SALT_AMOUNT = 0xA770


def amount_minor(seed: int, entry: int) -> int:
    """INR in paise: ~45 % round values, the rest a long tail from ₹100 to ₹50,000."""
    h = hash64(seed, entry, _SALT_AMOUNT)
    if h % 100 < 45:
        pick = (h >> 8) % _ROUND_CUM[-1]
        for i, cum in enumerate(_ROUND_CUM):
            if pick < cum:
                return _ROUND_RUPEES[i] * 100
    u = ((h >> 16) & 0xFFFFFF) / 0x1000000
    rupees = int(100 * 500 ** (u**1.8))  # skewed towards small payments
    paise = (h >> 44) % 100 if (h >> 40) % 4 == 0 else 0
    return max(10000, min(5_000_000, rupees * 100 + paise))
