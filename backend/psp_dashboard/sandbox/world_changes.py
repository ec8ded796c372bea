"""Late changes of existing payments, chosen by age: what a provider does hours or days
after a pay-in was created (a pending that settles late, a refund of a success).

Tests and the bench move the world's clock (`World.advance`) and then change payments
of a given age at that clock, so an importer's view can be checked against the truth
after each step.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from psp_dashboard.sandbox.statuses import normalize_payshack
from psp_dashboard.sandbox.world_advance import settle_entry

if TYPE_CHECKING:
    from psp_dashboard.sandbox.world import World

REFUNDED = "Refunded"


def settle_aged(w: World, count: int, min_age_ms: int, max_age_ms: int, at_ms: int) -> list[int]:
    """Settle up to `count` pending payments created between max_age and min_age before
    `at_ms` (oldest first); their new status and modification time are of `at_ms`."""
    lo, hi = at_ms - max_age_ms, at_ms - min_age_ms
    chosen: list[int] = []
    for e in w.pending:
        if len(chosen) >= count:
            break
        if lo <= w.entry_time_ms(e) <= hi and settle_entry(w, e, at_ms):
            chosen.append(e)
    if chosen:
        gone = set(chosen)
        w.pending = deque(e for e in w.pending if e not in gone)
    return chosen


def refund_aged(w: World, count: int, min_age_ms: int, max_age_ms: int, at_ms: int) -> list[int]:
    """Refund up to `count` successful pay-ins created between max_age and min_age before
    `at_ms` (oldest first): PayShack says Refunded from `at_ms` on; Vima is unchanged."""
    refunded = w.statuses.payshack_code(REFUNDED)
    chosen: list[int] = []
    for pos in w.ps_positions_between(at_ms - max_age_ms, at_ms - min_age_ms + 1):
        if len(chosen) >= count:
            break
        e = w.ps_order[pos]
        if normalize_payshack(w.statuses.payshack[w.pstat[e]]) != "success":
            continue
        if e >= w.n_gen and e in w.handmade:
            continue  # hand-made pay-ins keep the status their test gave them
        w.pstat[e] = refunded
        w.ps_pos_status[pos] = refunded
        w.payshack_modified[e] = at_ms
        chosen.append(e)
    return chosen
