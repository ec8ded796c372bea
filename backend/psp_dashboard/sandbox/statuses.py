"""Raw status vocabularies of both providers, their normalization, and the tables the
world draws them from.

Statuses are stored per entry as one-byte codes into a per-world table, so that a
settled pending only rewrites a byte. Hand-made worlds may add combinations.
"""

from __future__ import annotations

from typing import Literal

Normalized = Literal["success", "failed", "pending", "refunded"]

# Vima: (current_status, payment_status or None when absent). Codes are list positions.
VIMA_BASE_CODES: tuple[tuple[str, str | None], ...] = (
    ("success", "success"),
    ("fail", "fail"),
    ("in_process", None),
    ("user_input_required", None),
    ("success", None),  # payment_status absent: normalize from current_status
    ("fail", None),
    ("in_process", "success"),  # the payment is final, the operation not yet
    ("processing", None),  # a value outside the documented enum
)
V_SUCCESS, V_FAIL, V_IN_PROCESS, V_USER_INPUT = 0, 1, 2, 3

PAYSHACK_BASE_CODES: tuple[str, ...] = (
    "Success",
    "SUCCESS",
    "Failed",
    "FAILED",
    "Tampered",
    "INITIATED",
    "Initiated",
    "Pending",
    "In Process",
    "Incomplete",
    "Refunded",
    "Cb_Refunded",
    "Processing",  # outside the documented table
)
P_SUCCESS, P_FAILED = 0, 2
PAYSHACK_PENDING_VARIANTS = (5, 6, 7, 8, 9)  # INITIATED .. Incomplete
PAYSHACK_PAID = frozenset({"Success", "SUCCESS", "Refunded", "Cb_Refunded"})

_PAYSHACK_NORMALIZED: dict[str, Normalized] = {
    "Success": "success",
    "SUCCESS": "success",
    "Failed": "failed",
    "FAILED": "failed",
    "Tampered": "failed",
    "INITIATED": "pending",
    "Initiated": "pending",
    "Pending": "pending",
    "In Process": "pending",
    "Incomplete": "pending",
    "Refunded": "refunded",
    "Cb_Refunded": "refunded",
}
_VIMA_NORMALIZED: dict[str, Normalized] = {
    "success": "success",
    "fail": "failed",
    "in_process": "pending",
    "user_input_required": "pending",
}
VIMA_STATUS_FILTER_VALUES = ("success", "fail", "in_process", "user_input_required")


def normalize_vima(current: str, payment: str | None) -> Normalized:
    """payment_status when present, else current_status; unknown values are pending."""
    raw = payment if payment else current
    return _VIMA_NORMALIZED.get(raw, "pending")


def normalize_payshack(status: str) -> Normalized:
    return _PAYSHACK_NORMALIZED.get(status, "pending")


class StatusTables:
    """The per-world code tables (base codes first, hand-made additions after)."""

    def __init__(self) -> None:
        self.vima: list[tuple[str, str | None]] = list(VIMA_BASE_CODES)
        self.payshack: list[str] = list(PAYSHACK_BASE_CODES)

    def vima_code(self, current: str, payment: str | None) -> int:
        pair = (current, payment)
        if pair not in self.vima:
            self.vima.append(pair)
        return self.vima.index(pair)

    def payshack_code(self, status: str) -> int:
        if status not in self.payshack:
            self.payshack.append(status)
        return self.payshack.index(status)

    def vima_normalized(self, code: int) -> Normalized:
        return normalize_vima(*self.vima[code])

    def payshack_normalized(self, code: int) -> Normalized:
        return normalize_payshack(self.payshack[code])

    def vima_is_final(self, code: int) -> bool:
        """Finished operations carry complete_amount and card_finish."""
        current, payment = self.vima[code]
        return current in ("success", "fail") or payment in ("success", "fail")

    def vima_pending_mask(self) -> bytes:
        return bytes(
            1 if i < len(self.vima) and self.vima_normalized(i) == "pending" else 0
            for i in range(256)
        )

    def payshack_pending_mask(self) -> bytes:
        return bytes(
            1 if i < len(self.payshack) and self.payshack_normalized(i) == "pending" else 0
            for i in range(256)
        )

    def vima_codes_with_current(self, current: str) -> frozenset[int]:
        return frozenset(i for i, (c, _) in enumerate(self.vima) if c == current)

    def payshack_codes_matching(self, status: str) -> frozenset[int]:
        """The PayShack status filter is case-insensitive ("success" finds SUCCESS too)."""
        wanted = status.strip().casefold()
        return frozenset(i for i, s in enumerate(self.payshack) if s.casefold() == wanted)


def joint_pair_weights(unknown_rate: float) -> list[tuple[int, int, float]]:
    """(vima code, payshack code, weight) for a consistent 91game pair; also used as the
    marginal for Vima-only projects. Success ~88 %, failures ~7 %, pendings ~5 %."""
    pend = [(5, 0.35), (6, 0.10), (7, 0.25), (8, 0.15), (9, 0.15)]
    rows: list[tuple[int, int, float]] = [
        (0, 0, 0.860 * 0.93),
        (0, 1, 0.860 * 0.07),
        (4, 0, 0.015),
        (6, 0, 0.005),
        (1, 2, 0.055 * 0.80),
        (1, 3, 0.055 * 0.20),
        (1, 4, 0.003),
        (5, 2, 0.010),
    ]
    rows += [(2, p, 0.030 * w) for p, w in pend]
    rows += [(3, p, 0.020 * w) for p, w in pend]
    rows.append((7, 12, unknown_rate))
    return rows


def payshack_only_weights(unknown_rate: float) -> list[float]:
    """Weights over PAYSHACK_BASE_CODES for pay-ins nobody else sees."""
    return [0.80, 0.05, 0.05, 0.01, 0.004, 0.02, 0.01, 0.02, 0.01, 0.015, 0.005, 0.002,
            unknown_rate]  # fmt: skip
