"""Which pay-ins a PayShack fetch returns: newest first, numbered pages.

`World.ps_order` holds the entries oldest first; page p of size L is the slice that ends
(p-1)·L rows before the newest matching row, so pages shift as new pay-ins arrive, as
they do at the provider. Status filters count matches with bytes.count over the
status-per-position bytes instead of touching rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from psp_dashboard.sandbox.facts import PayInFacts
from psp_dashboard.sandbox.render_common import year_of

if TYPE_CHECKING:
    from psp_dashboard.sandbox.world import World

_BLOCK = 4096


@dataclass(frozen=True, slots=True)
class PayShackQuery:
    page: int = 1
    limit: int = 10
    from_ms: int | None = None  # createdAt >= from_ms
    to_ms: int | None = None  # createdAt < to_ms
    status: str | None = None  # case-insensitive txnStatus
    order_id: str | None = None
    txn_id: str | None = None


@dataclass(frozen=True, slots=True)
class PayShackPage:
    rows: list[PayInFacts]
    total: int
    page: int
    limit: int

    @property
    def total_pages(self) -> int:
        return -(-self.total // self.limit)

    @property
    def prev_page(self) -> int:
        return self.page - 1

    @property
    def next_page(self) -> int:
        return self.page + 1 if self.page < self.total_pages else 0


def select_payshack(w: World, q: PayShackQuery) -> PayShackPage:
    with w.lock:
        window = w.ps_positions_between(q.from_ms, q.to_ms)
        codes = None if q.status is None else w.statuses.payshack_codes_matching(q.status)
        skip = (q.page - 1) * q.limit
        if q.order_id is not None or q.txn_id is not None:
            entries, total = _lookup(w, q, codes, skip)
        elif codes is None:
            total = len(window)
            newest = window.stop - 1 - skip
            positions = range(newest, max(window.start, newest - q.limit + 1) - 1, -1)
            entries = [w.ps_order[p] for p in positions]
        else:
            entries, total = _filtered(w, window, codes, skip, q.limit)
        rows = [f for e in entries if (f := w.payin_facts(e)) is not None]
        return PayShackPage(rows, total, q.page, q.limit)


def _filtered(
    w: World, window: range, codes: frozenset[int], skip: int, limit: int
) -> tuple[list[int], int]:
    statuses = w.ps_pos_status
    lo, hi = window.start, window.stop
    total = sum(statuses.count(c, lo, hi) for c in codes)
    pos = hi
    while pos > lo:  # skip whole blocks of matches from the newest end
        block = max(lo, pos - _BLOCK)
        found = sum(statuses.count(c, block, pos) for c in codes)
        if found > skip:
            break
        skip -= found
        pos = block
    entries: list[int] = []
    while pos > lo and len(entries) < limit:
        pos -= 1
        if statuses[pos] in codes:
            if skip:
                skip -= 1
            else:
                entries.append(w.ps_order[pos])
    return entries, total


def _lookup(
    w: World, q: PayShackQuery, codes: frozenset[int] | None, skip: int
) -> tuple[list[int], int]:
    candidates: set[int] | None = None
    if q.order_id is not None:
        candidates = set(w.payshack_entries_with_order_id(q.order_id.strip()))
    if q.txn_id is not None:
        e = w.ids.entry_of_txn_id(q.txn_id.strip())
        by_txn = set()
        if (
            e is not None
            and e < len(w)
            and w.has_payshack(e)
            and w.ids.txn_id(e, year_of(w.ps_time_ms(e))) == q.txn_id.strip()
        ):
            by_txn.add(e)
        candidates = by_txn if candidates is None else candidates & by_txn
    assert candidates is not None
    matches = []
    for e in candidates:
        t = w.ps_time_ms(e)
        if q.from_ms is not None and t < q.from_ms:
            continue
        if q.to_ms is not None and t >= q.to_ms:
            continue
        if codes is not None and w.pstat[e] not in codes:
            continue
        matches.append((t, e))
    matches.sort(reverse=True)
    return [e for _, e in matches[skip : skip + q.limit]], len(matches)
