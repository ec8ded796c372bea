"""What each entry of the payment stream is: a one-byte kind per entry.

An entry is one payment event. Depending on its kind it shows up as a Vima operation, a
PayShack pay-in, or both (a pair, possibly with an injected discrepancy). Kinds are drawn
from weights derived from `WorldConfig`; the lookup tables answer "does this kind have a
Vima row / a PayShack row" with one byte index, which keeps scans cheap.
"""

from __future__ import annotations

from enum import IntEnum

from psp_dashboard.sandbox.config import WorldConfig

PAIR_PROJECT = "91game"
PAIR_CLIENT = "91G_TECH_PVT_LTD"
OTHER_VIMA_KIND_BASE = 16
MAX_OTHER_PROJECTS = 32


class Kind(IntEnum):
    PAIR = 0
    PAIR_AMOUNT_SUBRUPEE = 1
    PAIR_AMOUNT_LARGE = 2
    PAIR_STATUS = 3
    PAIR_SKEW = 4  # PayShack createdAt off by more than the time tolerance
    PAIR_CROSS_IN = 5  # PayShack row just after midnight, inside the grace window
    PAIR_CROSS_OUT = 6  # PayShack row after midnight + grace: two missing rows
    MISSING_PAYSHACK = 7  # 91game operation without a pay-in
    MISSING_VIMA = 8  # 91G pay-in without an operation
    DUP_VIMA = 9  # second operation with the previous pair's key
    DUP_PAYSHACK = 10  # second pay-in with the previous pair's orderId
    NO_KEY = 11  # 91game operation with neither client_operation_id nor c_id
    PAYSHACK_OTHER = 14  # another PayShack client (not reconciled)
    HANDMADE = 15  # facts given explicitly (tests)


PAIR_KINDS = frozenset(range(0, 7))
DISPLACED_KINDS = frozenset({Kind.PAIR_SKEW, Kind.PAIR_CROSS_IN, Kind.PAIR_CROSS_OUT})
AMOUNT_KINDS = frozenset({Kind.PAIR_AMOUNT_SUBRUPEE, Kind.PAIR_AMOUNT_LARGE})
_VIMA_91 = PAIR_KINDS | {Kind.MISSING_PAYSHACK, Kind.DUP_VIMA, Kind.NO_KEY}
_PS_91 = PAIR_KINDS | {Kind.MISSING_VIMA, Kind.DUP_PAYSHACK}


def _table(members: set[int] | frozenset[int]) -> bytes:
    return bytes(1 if i in members else 0 for i in range(256))


OTHER_VIMA_KINDS = frozenset(range(OTHER_VIMA_KIND_BASE, OTHER_VIMA_KIND_BASE + MAX_OTHER_PROJECTS))
HAS_VIMA = _table(_VIMA_91 | OTHER_VIMA_KINDS)  # HANDMADE is answered by the world itself
HAS_PAYSHACK = _table(_PS_91 | {Kind.PAYSHACK_OTHER})
# Pay-ins whose createdAt follows the regular formula (so their order is the entry order).
REGULAR_PAYSHACK = _table((_PS_91 | {Kind.PAYSHACK_OTHER}) - DISPLACED_KINDS)


class KindWeights:
    """Category weights for `rng.classify`, and the kind each category stands for."""

    def __init__(self, config: WorldConfig, *, allow_displaced: bool = True) -> None:
        shares = dict(config.project_shares)
        if len(shares) - (PAIR_PROJECT in shares) > MAX_OTHER_PROJECTS:
            raise ValueError("too many Vima projects")
        total_share = sum(shares.values()) or 1.0
        vima_side = 1.0 - config.payshack_other_share
        f91 = vima_side * shares.get(PAIR_PROJECT, 0.0) / total_share
        r = config.discrepancies
        sub = {
            Kind.MISSING_PAYSHACK: r.missing_payshack,
            Kind.MISSING_VIMA: r.missing_vima,
            Kind.DUP_VIMA: r.duplicate_vima,
            Kind.DUP_PAYSHACK: r.duplicate_payshack,
            Kind.NO_KEY: r.no_key,
            Kind.PAIR_AMOUNT_SUBRUPEE: r.amount_subrupee,
            Kind.PAIR_AMOUNT_LARGE: r.amount_large,
            Kind.PAIR_STATUS: r.status,
            Kind.PAIR_SKEW: r.time_skew if allow_displaced else 0.0,
        }
        injected = sum(sub.values())
        if injected > 1.0:
            raise ValueError("discrepancy rates add up to more than 1")
        self.kinds: list[int] = [Kind.PAYSHACK_OTHER, Kind.PAIR]
        self.weights: list[float] = [config.payshack_other_share, f91 * (1.0 - injected)]
        for kind, rate in sub.items():
            self.kinds.append(kind)
            self.weights.append(f91 * rate)
        self.other_projects: list[str] = [p for p in shares if p != PAIR_PROJECT]
        for k, project in enumerate(self.other_projects):
            self.kinds.append(OTHER_VIMA_KIND_BASE + k)
            self.weights.append(vima_side * shares[project] / total_share)

    def translate_table(self) -> bytes:
        """Category index -> kind byte, for bytes.translate."""
        table = bytearray(256)
        for i, kind in enumerate(self.kinds):
            table[i] = kind
        return bytes(table)


def flag_weights(config: WorldConfig) -> list[float]:
    """Joint weights of the per-entry flags byte: bits 0-1 key mode, bits 2-3 Vima bad
    record reason, bits 4-5 PayShack bad record reason (0 = good)."""
    kc = config.discrepancies.key_only_in_c_id
    bad = config.bad_record_rate
    key_modes = (1.0 - kc, kc / 2, kc / 2)
    reasons = (1.0 - bad, bad / 3, bad / 3, bad / 3)
    weights = [0.0] * 64
    for km, pk in enumerate(key_modes):
        for vb, pv in enumerate(reasons):
            for pb, pp in enumerate(reasons):
                weights[km | vb << 2 | pb << 4] = pk * pv * pp
    return weights


KEY_FIELD, KEY_C_ID_ABSENT, KEY_C_ID_EMPTY, KEY_NONE = 0, 1, 2, 3
BAD_REASONS = (None, "missing_id", "non_numeric_amount", "unparseable_date")
