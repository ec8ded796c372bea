"""How the world changes: appended payments, settled pendings, hand-made entries.

Every change is recorded as a new slot of the id sequence, so Vima's
`operation_update_id` of a settled operation moves past every id served before.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from psp_dashboard.sandbox.facts import HandmadePayment
from psp_dashboard.sandbox.kinds import DISPLACED_KINDS, HAS_PAYSHACK, Kind, flag_weights
from psp_dashboard.sandbox.rng import hash64, thresholds, unit
from psp_dashboard.sandbox.statuses import (
    P_FAILED,
    P_SUCCESS,
    PAYSHACK_BASE_CODES,
    joint_pair_weights,
    normalize_payshack,
    payshack_only_weights,
)
from psp_dashboard.sandbox.timeline import moment_of, ms_of

if TYPE_CHECKING:
    from psp_dashboard.sandbox.world import World

SETTLE_SUCCESS_SHARE = 0.85
_SALT_K, _SALT_S, _SALT_F, _SALT_P, _SALT_T, _SALT_MISMATCH, _SALT_SETTLE = (
    0xAD01, 0xAD02, 0xAD03, 0xAD04, 0xAD05, 0x3151, 0x5E77,
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class AdvanceResult:
    created: tuple[int, ...]  # entry indices of the new payments
    settled: tuple[int, ...]  # entries whose pending side(s) became final
    clock: datetime


class AdvanceTables:
    """Draw tables for payments appended after the initial world (no time-displaced
    kinds there, so new pay-ins land at the newest end of PayShack's order)."""

    def __init__(self, w: World) -> None:
        c = w.config
        self.kind_cuts = thresholds(w.advance_weights.weights)
        self.joint = joint_pair_weights(c.unknown_status_rate)
        self.joint_cuts = thresholds([weight for _, _, weight in self.joint])
        self.flag_cuts = thresholds(flag_weights(c))
        self.ps_only_cuts = thresholds(payshack_only_weights(c.unknown_status_rate))


def mismatched_payshack_status(w: World, e: int) -> int:
    """A PayShack status whose normalized value differs from the Vima side's."""
    vima = w.statuses.vima_normalized(w.vstat[e])
    choices = [i for i, s in enumerate(PAYSHACK_BASE_CODES) if normalize_payshack(s) != vima]
    return choices[hash64(w.seed, e, _SALT_MISMATCH) % len(choices)]


def advance(
    w: World, new: int, settle: int, at_ms: int | None, settle_before_ms: int | None = None
) -> AdvanceResult:
    if new < 0 or settle < 0:
        raise ValueError("new and settle must be >= 0")
    start = w.clock_ms
    spacing = (at_ms - start) / new if at_ms is not None and at_ms > start and new else None
    created = []
    last = w.entry_time_ms(len(w) - 1) if len(w) else start
    for k in range(new):
        e = len(w)
        if spacing is not None:
            t = start + int(spacing * (k + 1))
        else:  # deterministic: about one payment a second
            t = w.clock_ms + 500 + hash64(w.seed, e, _SALT_T) % 1000
        t = max(t, last + 1)
        _append_generated(w, e, t)
        created.append(e)
        last = t
        w.clock_ms = max(w.clock_ms, t)
    if at_ms is not None:
        w.clock_ms = max(w.clock_ms, at_ms)
    settled = _settle(w, settle, settle_before_ms)
    return AdvanceResult(tuple(created), tuple(settled), moment_of(w.clock_ms))


def _append_generated(w: World, e: int, t: int) -> None:
    tables, seed = w.advance_tables, w.seed
    kind = w.advance_weights.kinds[bisect_right(tables.kind_cuts, hash64(seed, e, _SALT_K) >> 32)]
    if kind in DISPLACED_KINDS:  # pragma: no cover - excluded by the advance weights
        kind = Kind.PAIR
    v, p, _ = tables.joint[bisect_right(tables.joint_cuts, hash64(seed, e, _SALT_S) >> 32)]
    w.kinds.append(kind)
    w.flags.append(bisect_right(tables.flag_cuts, hash64(seed, e, _SALT_F) >> 32))
    w.vstat.append(v)
    w.pstat.append(p)
    if kind == Kind.PAYSHACK_OTHER:
        w.pstat[e] = bisect_right(tables.ps_only_cuts, hash64(seed, e, _SALT_P) >> 32)
    elif kind == Kind.PAIR_STATUS:
        w.pstat[e] = mismatched_payshack_status(w, e)
    ps_t = t + 12_000 + hash64(seed, e, _SALT_P + 1) % 2_000 if HAS_PAYSHACK[kind] else -1
    _append_entry(w, e, t, ps_t)


def _append_entry(w: World, e: int, t: int, ps_t: int) -> None:
    w.tail_time.append(t)
    w.tail_ps_time.append(ps_t)
    w.tail_slot.append(w.slot_count)
    w.log_entry.append(e)
    w.log_create.append(1)
    if ps_t >= 0:
        code = w.pstat[e]
        order = w.ps_order
        if not order or ps_t >= w.ps_time_ms(order[-1]):
            order.append(e)
            w.ps_pos_status.append(code)
        else:
            pos = bisect_right(order, ps_t, key=w.ps_time_ms)
            order.insert(pos, e)
            w.ps_pos_status.insert(pos, code)
    if _pending_sides(w, e) != (False, False):
        w.pending.append(e)


def _pending_sides(w: World, e: int) -> tuple[bool, bool]:
    v = w.has_vima(e) and w.statuses.vima_normalized(w.vstat[e]) == "pending"
    p = w.has_payshack(e) and w.statuses.payshack_normalized(w.pstat[e]) == "pending"
    return v, p


def _settle(w: World, count: int, before_ms: int | None) -> list[int]:
    done: list[int] = []
    while len(done) < count and w.pending:
        e = w.pending[0]
        if before_ms is not None and w.entry_time_ms(e) > before_ms:
            break
        w.pending.popleft()
        if settle_entry(w, e, w.clock_ms):
            done.append(e)
    return done


def settle_entry(w: World, e: int, now_ms: int) -> bool:
    """Turn the pending side(s) of one payment final; False if nothing was pending."""
    v_pending, p_pending = _pending_sides(w, e)
    if not (v_pending or p_pending):
        return False
    success = unit(hash64(w.seed, e, _SALT_SETTLE)) < SETTLE_SUCCESS_SHARE
    if w.has_vima(e) and not v_pending:  # follow the side that is already final
        success = w.statuses.vima_normalized(w.vstat[e]) in ("success", "refunded")
    elif w.has_payshack(e) and not p_pending:
        success = w.statuses.payshack_normalized(w.pstat[e]) in ("success", "refunded")
    if v_pending:
        outcome = "success" if success else "fail"
        w.vstat[e] = w.statuses.vima_code(outcome, outcome)
        w.vima_settled[e] = now_ms
        w.upd_slot[e] = w.slot_count
        w.log_entry.append(e)
        w.log_create.append(0)
    if p_pending:
        code = P_SUCCESS if success else P_FAILED
        w.pstat[e] = code
        w.ps_pos_status[w.ps_position_of(e)] = code
        w.payshack_settled[e] = now_ms
    return True


def add_handmade(w: World, payments: Sequence[HandmadePayment]) -> None:
    """Append hand-made payments (sorted by time, after the generated ones)."""

    def entry_time(p: HandmadePayment) -> int:
        spec = p.vima or p.payshack
        if spec is None:
            raise ValueError("a hand-made payment needs a vima or a payshack side")
        return ms_of(spec.created_at)

    last = w.entry_time_ms(w.n_gen - 1) if w.n_gen else None
    for p in sorted(payments, key=entry_time):
        t = entry_time(p)
        if last is not None and t < last:
            raise ValueError("hand-made payments must come after the generated ones")
        _validate(p)
        e = len(w)
        w.kinds.append(Kind.HANDMADE)
        w.flags.append(0)
        w.handmade[e] = p
        v_code = p_code = 0
        if p.vima is not None:
            s = p.vima
            pay = s.payment_status
            if pay == "same":
                pay = s.status if s.status in ("success", "fail") else None
            v_code = w.statuses.vima_code(s.status, pay)
        if p.payshack is not None:
            p_code = w.statuses.payshack_code(p.payshack.status)
        w.vstat.append(v_code)
        w.pstat.append(p_code)
        ps_t = ms_of(p.payshack.created_at) if p.payshack is not None else -1
        _append_entry(w, e, t, ps_t)
        w.clock_ms = max(w.clock_ms, t + 60_000, ps_t + 60_000)


def _validate(p: HandmadePayment) -> None:
    numeric = p.key is not None and p.key.isdigit() and p.key == str(int(p.key))
    if p.vima is not None and p.vima.key_mode.startswith("c_id") and not numeric:
        raise ValueError("a key carried only as c_id must be a number")
    if p.payshack is not None and not (p.payshack.order_id or p.key):
        raise ValueError("a hand-made pay-in needs an order_id or a key")
    for spec in (p.vima, p.payshack):
        if spec is not None and spec.created_at.tzinfo is None:
            raise ValueError("hand-made times must be tz-aware")
