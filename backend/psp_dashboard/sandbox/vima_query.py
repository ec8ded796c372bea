"""Which operations a Vima request selects, in which order.

Two orders exist. Creation order is the entry order. Update order is: generated entries
never updated since (in entry order, their update id shares their creation slot), then
the event log (appended payments and settlements) in slot order, keeping only each
operation's latest event. Both are walked lazily until `count` rows are found, so a page
costs O(count) plus whatever the filters skip.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from psp_dashboard.sandbox.facts import VimaFacts
from psp_dashboard.sandbox.kinds import HAS_VIMA, OTHER_VIMA_KIND_BASE, Kind
from psp_dashboard.sandbox.world_facts import vima_entries_with_key

if TYPE_CHECKING:
    from psp_dashboard.sandbox.world import World


@dataclass(frozen=True, slots=True)
class VimaQuery:
    project: str | None = None
    status: str | None = None  # filters current_status
    from_ms: int | None = None  # operation_created_at >= from_ms
    to_ms: int | None = None  # operation_created_at < to_ms
    count: int = 10
    descending: bool = True
    after_create_id: int | None = None
    after_update_id: int | None = None
    # `client_operation_id=`: one key's operations (a re-fetch; the filter is ours, the
    # spec lists none; a server that ignores it is caught by the client, see refetch.py).
    key: str | None = None


def select_vima(w: World, q: VimaQuery) -> list[VimaFacts]:
    with w.lock:
        accept = _acceptor(w, q)
        out: list[VimaFacts] = []
        for e in _candidates(w, q):
            if accept(e):
                facts = w.vima_facts(e)
                if facts is not None:
                    out.append(facts)
                    if len(out) >= q.count:
                        break
        return out


def _acceptor(w: World, q: VimaQuery) -> Callable[[int], bool]:
    kind_ok = bytearray(HAS_VIMA)
    if q.project is not None:
        for k in range(256):
            if kind_ok[k] and _kind_project(w, k) != q.project:
                kind_ok[k] = 0
    codes = None if q.status is None else w.statuses.vima_codes_with_current(q.status)
    kinds, vstat, handmade = w.kinds, w.vstat, Kind.HANDMADE
    # In creation order the candidate range already starts past the cursor.
    after_create = q.after_create_id if q.after_update_id is not None else None
    ids = w.ids

    def accept(e: int) -> bool:
        k = kinds[e]
        if k == handmade:
            if not w.has_vima(e) or (q.project is not None and w.vima_project(e) != q.project):
                return False
        elif not kind_ok[k]:
            return False
        if codes is not None and vstat[e] not in codes:
            return False
        return after_create is None or ids.create_id(w.create_slot(e)) > after_create

    return accept


def _kind_project(w: World, k: int) -> str:
    if k >= OTHER_VIMA_KIND_BASE:
        others = w.kind_weights.other_projects
        return others[k - OTHER_VIMA_KIND_BASE] if k - OTHER_VIMA_KIND_BASE < len(others) else ""
    return "91game"


def _candidates(w: World, q: VimaQuery) -> Iterator[int]:
    window = w.entries_between(q.from_ms, q.to_ms)
    if q.key is not None:
        keyed = sorted(e for e in vima_entries_with_key(w, q.key) if e in window)
        return iter(keyed[::-1] if q.descending else keyed)
    if q.after_update_id is not None:
        return _by_update(w, q, window)
    lo, hi = window.start, window.stop
    cursor = q.after_create_id
    if cursor is not None:
        slot = w.ids.slot_of(cursor)
        lo = max(lo, w.first_entry_after_slot(slot - 1))
        if lo < hi and w.create_slot(lo) == slot and w.ids.create_id(slot) <= cursor:
            lo += 1  # the cursor's own operation (cursors are exclusive)
    return iter(range(hi - 1, lo - 1, -1) if q.descending else range(lo, hi))


def _by_update(w: World, q: VimaQuery, window: range) -> Iterator[int]:
    cursor = q.after_update_id
    first_slot = -1 if cursor is None else w.ids.slot_of(cursor)
    cursor_value = -1 if cursor is None else cursor
    n_gen, ids = w.n_gen, w.ids
    moved = w.upd_slot

    def generated(slots: range) -> Iterator[int]:
        for i in slots:
            # ids grow with the slot: only the cursor's own slot needs a comparison
            if i not in moved and (i != first_slot or ids.update_id(i) > cursor_value):
                yield i

    def logged(slots: range) -> Iterator[int]:
        for s in slots:
            e, _ = w.log_event(s)
            if w.update_slot(e) != s or (s == first_slot and ids.update_id(s) <= cursor_value):
                continue
            if window.start <= e < window.stop:
                yield e

    gen_slots = range(max(first_slot, window.start, 0), min(n_gen, window.stop))
    log_slots = range(max(first_slot, n_gen), w.slot_count)
    if q.descending:
        yield from logged(log_slots[::-1])
        yield from generated(gen_slots[::-1])
    else:
        yield from generated(gen_slots)
        yield from logged(log_slots)
