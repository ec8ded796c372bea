"""The seeded world both sandboxes serve.

Storage is compact on purpose (a 1M-payments day must not become 1M dicts): per entry
one byte each for kind, flags, Vima status and PayShack status, plus a sorted array of
entries in PayShack order. Everything else (times, amounts, ids, names) is recomputed
from (seed, entry index) on demand. Entries appended later (`advance`) and hand-made
entries keep their times in arrays; settled pendings keep their new modification time.

All access goes through `lock`: the servers read from their thread while tests and the
living-mode task advance the world from others.
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, time, timedelta
from itertools import compress
from zoneinfo import ZoneInfo

from psp_dashboard.sandbox import world_advance, world_changes, world_facts
from psp_dashboard.sandbox.config import WorldConfig
from psp_dashboard.sandbox.facts import HandmadePayment, PayInFacts, VimaFacts
from psp_dashboard.sandbox.faults import Faults
from psp_dashboard.sandbox.ids import IdScheme
from psp_dashboard.sandbox.kinds import (
    DISPLACED_KINDS,
    HAS_PAYSHACK,
    HAS_VIMA,
    PAIR_KINDS,
    REGULAR_PAYSHACK,
    Kind,
    KindWeights,
    flag_weights,
)
from psp_dashboard.sandbox.payouts import PayoutBook
from psp_dashboard.sandbox.rng import classify, draws32, hash64, thresholds, unit
from psp_dashboard.sandbox.statuses import (
    StatusTables,
    joint_pair_weights,
    payshack_only_weights,
)
from psp_dashboard.sandbox.timeline import Timeline, moment_of, ms_of

PS_DELAY_MS = 12_000  # a pay-in is created ~12 s after its Vima operation
CROSS_ELIGIBLE_MS = 25 * 60_000
_DUP_LOOKBACK = 256
_SALT_CROSS, _SALT_PSTIME, _SALT_STATUS = 0xC705, 0x9571, 0x57A7


class World:
    def __init__(
        self, config: WorldConfig | None = None, *, handmade: Sequence[HandmadePayment] = ()
    ) -> None:
        self.config = config or WorldConfig()
        c = self.config
        self.seed = c.seed
        self.lock = threading.RLock()
        self.faults = Faults()
        self.statuses = StatusTables()
        self.kind_weights = KindWeights(c)
        self.advance_weights = KindWeights(c, allow_displaced=False)
        self.advance_tables = world_advance.AdvanceTables(self)
        end_ms = ms_of(c.end_at) if c.end_at is not None else None
        self.timeline = Timeline(c.seed, c.start, c.days, c.per_day, end_ms)
        self.n_gen = self.timeline.n
        crossing = int(c.id_crossing * (self.n_gen + len(handmade)))
        self.ids = IdScheme(c.seed, crossing)
        self.tail_time = array("q")
        self.tail_ps_time = array("q")
        self.tail_slot = array("q")
        self.log_entry = array("q")  # slot n_gen + k holds the event of entry log[k]
        self.log_create = bytearray()
        self.handmade: dict[int, HandmadePayment] = {}
        self.ps_time_override: dict[int, int] = {}
        self.upd_slot: dict[int, int] = {}  # entries whose last update came after creation
        self.vima_settled: dict[int, int] = {}  # entry -> ms of the settlement
        self.payshack_settled: dict[int, int] = {}
        self.payshack_modified: dict[int, int] = {}  # entry -> ms of a later change (refund)
        self.pending: deque[int] = deque()
        self._generate()
        self.clock_ms = self._initial_clock()
        world_advance.add_handmade(self, handmade)
        # PayShack pay-outs (payouts.py): their own small book over the same days.
        self.payouts = PayoutBook.for_world(
            c.seed, self.timeline.start_ms, min(self.timeline.end_ms, self.clock_ms),
            c.days, c.per_day,
        )  # fmt: skip

    # -- building -------------------------------------------------------------------------
    def _generate(self) -> None:
        n, c, kw = self.n_gen, self.config, self.kind_weights
        cats = classify(thresholds(kw.weights), draws32(c.seed, "kind", n))
        self.kinds = cats.translate(kw.translate_table()) if n else bytearray()
        joint = joint_pair_weights(c.unknown_status_rate)
        jcats = classify(thresholds([w for _, _, w in joint]), draws32(c.seed, "status", n))
        to_v, to_p = bytearray(256), bytearray(256)
        for i, (v, p, _) in enumerate(joint):
            to_v[i], to_p[i] = v, p
        self.vstat = jcats.translate(to_v)
        self.pstat = jcats.translate(to_p)
        self.flags = classify(thresholds(flag_weights(c)), draws32(c.seed, "flags", n))
        ps_only = thresholds(payshack_only_weights(c.unknown_status_rate))
        other = bytes(1 if k == Kind.PAYSHACK_OTHER else 0 for k in range(256))
        for e in compress(range(n), self.kinds.translate(other)):
            self.pstat[e] = bisect_right(ps_only, hash64(c.seed, e, _SALT_STATUS) >> 32)
        for e in compress(range(n), self.kinds.translate(_only(Kind.PAIR_STATUS))):
            self.pstat[e] = world_advance.mismatched_payshack_status(self, e)
        self._mark_cross_midnight()
        for e in compress(range(n), self.kinds.translate(_only(*DISPLACED_KINDS))):
            self.ps_time_override[e] = world_facts.displaced_ps_time(self, e)
        self._build_payshack_order()
        self._build_pending()

    def _mark_cross_midnight(self) -> None:
        """Pairs created just before a local midnight become cross-midnight cases."""
        r, tz = self.config.discrepancies, ZoneInfo(self.config.recon.timezone)
        if self.n_gen == 0 or r.cross_midnight_inside + r.cross_midnight_outside <= 0:
            return
        first = datetime.fromtimestamp(self.timeline.start_ms / 1000, UTC).astimezone(tz)
        day = first.date()
        entries = range(self.n_gen)
        while True:
            day += timedelta(days=1)
            midnight = ms_of(datetime.combine(day, time(0), tz))
            if midnight - CROSS_ELIGIBLE_MS > self.timeline.end_ms:
                return
            lo = bisect_left(entries, midnight - CROSS_ELIGIBLE_MS, key=self.entry_time_ms)
            hi = bisect_left(entries, midnight, key=self.entry_time_ms)
            for e in range(lo, hi):
                if self.kinds[e] != Kind.PAIR:
                    continue
                u = unit(hash64(self.seed, e, _SALT_CROSS))
                if u < r.cross_midnight_inside:
                    self.kinds[e] = Kind.PAIR_CROSS_IN
                elif u < r.cross_midnight_inside + r.cross_midnight_outside:
                    self.kinds[e] = Kind.PAIR_CROSS_OUT

    def _build_payshack_order(self) -> None:
        n = self.n_gen
        regular = array("q", compress(range(n), self.kinds.translate(REGULAR_PAYSHACK)))
        displaced = sorted((t, e) for e, t in self.ps_time_override.items())
        order, prev = array("q"), 0
        for t, e in displaced:
            pos = bisect_right(regular, t, lo=prev, key=self.ps_time_ms)
            order.extend(regular[prev:pos])
            order.append(e)
            prev = pos
        order.extend(regular[prev:])
        self.ps_order = order
        self.ps_pos_status = bytearray(map(self.pstat.__getitem__, order))

    def _build_pending(self) -> None:
        n = self.n_gen
        if n == 0:
            return
        v = self.vstat.translate(self.statuses.vima_pending_mask())
        p = self.pstat.translate(self.statuses.payshack_pending_mask())
        has_v, has_p = self.kinds.translate(HAS_VIMA), self.kinds.translate(HAS_PAYSHACK)
        big = int.from_bytes
        mask = ((big(v) & big(has_v)) | (big(p) & big(has_p))).to_bytes(n)
        self.pending.extend(compress(range(n), mask))

    def _initial_clock(self) -> int:
        if self.n_gen == 0:
            return self.timeline.start_ms
        last = self.n_gen - 1
        clock = max(self.entry_time_ms(last) + PS_DELAY_MS + 120_000, self.timeline.end_ms)
        if self.config.end_at is None and self.ps_order:
            # A provider never lists a pay-in from its own future: a world of full days
            # starts its clock after the latest one (cross-midnight pay-ins of the last
            # day fall up to ~3 h after it). A world cut at "now" keeps "now".
            clock = max(clock, self.ps_time_ms(self.ps_order[-1]) + 60_000)
        return clock

    # -- entries --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.kinds)

    def has_vima(self, e: int) -> bool:
        k = self.kinds[e]
        if k == Kind.HANDMADE:
            return self.handmade[e].vima is not None
        return bool(HAS_VIMA[k])

    def has_payshack(self, e: int) -> bool:
        k = self.kinds[e]
        if k == Kind.HANDMADE:
            return self.handmade[e].payshack is not None
        return bool(HAS_PAYSHACK[k])

    def vima_project(self, e: int) -> str:
        k = self.kinds[e]
        if k == Kind.HANDMADE:
            spec = self.handmade[e].vima
            return spec.project if spec is not None else ""
        if k >= 16:
            return self.kind_weights.other_projects[k - 16]
        return "91game"

    def entry_time_ms(self, e: int) -> int:
        """Creation time of the entry (its Vima operation's, when it has one)."""
        if e < self.n_gen:
            return self.timeline.time_ms(e)
        return self.tail_time[e - self.n_gen]

    def ps_time_ms(self, e: int) -> int:
        """createdAt of the entry's pay-in."""
        if e >= self.n_gen:
            return self.tail_ps_time[e - self.n_gen]
        override = self.ps_time_override.get(e)
        if override is not None:
            return override
        t = self.timeline.time_ms(e)
        gap = self.timeline.time_ms(e + 1) - t if e + 1 < self.n_gen else 1000
        return t + PS_DELAY_MS + int(unit(hash64(self.seed, e, _SALT_PSTIME)) * gap)

    def create_slot(self, e: int) -> int:
        return e if e < self.n_gen else self.tail_slot[e - self.n_gen]

    def update_slot(self, e: int) -> int:
        return self.upd_slot.get(e, self.create_slot(e)) if self.upd_slot else self.create_slot(e)

    @property
    def slot_count(self) -> int:
        return self.n_gen + len(self.log_entry)

    def log_event(self, slot: int) -> tuple[int, bool]:
        """(entry, is_creation) of a slot past the generated ones."""
        k = slot - self.n_gen
        return self.log_entry[k], bool(self.log_create[k])

    def first_entry_after_slot(self, slot: int) -> int:
        """The first entry whose creation slot is > slot."""
        if slot < self.n_gen:
            return max(0, slot + 1)
        return self.n_gen + bisect_right(self.tail_slot, slot)

    def dup_ref(self, e: int) -> int | None:
        """The pair a generated duplicate copies: the nearest earlier pair entry."""
        for j in range(e - 1, max(-1, e - _DUP_LOOKBACK), -1):
            if self.kinds[j] in PAIR_KINDS:
                return j
        return None

    def vima_facts(self, e: int) -> VimaFacts | None:
        return world_facts.vima_facts(self, e)

    def payin_facts(self, e: int) -> PayInFacts | None:
        return world_facts.payin_facts(self, e)

    # -- time windows -----------------------------------------------------------------------
    def entries_between(self, from_ms: int | None, to_ms: int | None) -> range:
        """Entries whose creation time is in [from_ms, to_ms)."""
        everything = range(len(self))
        lo = 0 if from_ms is None else bisect_left(everything, from_ms, key=self.entry_time_ms)
        hi = len(self) if to_ms is None else bisect_left(everything, to_ms, key=self.entry_time_ms)
        return range(lo, max(lo, hi))

    def ps_positions_between(self, from_ms: int | None, to_ms: int | None) -> range:
        """Positions in `ps_order` (oldest first) with createdAt in [from_ms, to_ms)."""
        order, key = self.ps_order, self.ps_time_ms
        lo = 0 if from_ms is None else bisect_left(order, from_ms, key=key)
        hi = len(order) if to_ms is None else bisect_left(order, to_ms, key=key)
        return range(lo, max(lo, hi))

    def ps_position_of(self, e: int) -> int:
        t = self.ps_time_ms(e)
        pos = bisect_left(self.ps_order, t, key=self.ps_time_ms)
        while self.ps_order[pos] != e:
            pos += 1
        return pos

    def payshack_entries_with_order_id(self, order_id: str) -> list[int]:
        return world_facts.entries_with_order_id(self, order_id)

    def vima_entries(self) -> Iterator[int]:
        return (e for e in range(len(self)) if self.has_vima(e))

    # -- changes --------------------------------------------------------------------------
    def advance(
        self,
        new: int = 0,
        settle: int = 0,
        at: datetime | None = None,
        settle_older_than: timedelta | None = None,
    ) -> world_advance.AdvanceResult:
        """Add `new` payments and settle up to `settle` of the oldest pendings.

        Without `at` the world's own clock moves (about a second per new payment), so
        tests are deterministic; living mode passes the wall-clock time, and
        `settle_older_than` keeps fresh pendings pending for a while."""
        with self.lock:
            at_ms = None if at is None else ms_of(at)
            before = None
            if settle_older_than is not None:
                now = max(self.clock_ms, at_ms or 0)
                before = now - int(settle_older_than.total_seconds() * 1000)
            return world_advance.advance(self, new, settle, at_ms, before)

    def change_aged(
        self,
        *,
        settle: int = 0,
        refund: int = 0,
        min_age: timedelta = timedelta(0),
        max_age: timedelta = timedelta(days=3650),
    ) -> tuple[list[int], list[int]]:
        """At the world's clock: settle up to `settle` pendings and refund up to `refund`
        successful pay-ins whose age is in [min_age, max_age] (late changes)."""
        with self.lock:
            lo, hi = int(min_age.total_seconds() * 1000), int(max_age.total_seconds() * 1000)
            settled = world_changes.settle_aged(self, settle, lo, hi, self.clock_ms)
            refunded = world_changes.refund_aged(self, refund, lo, hi, self.clock_ms)
            return settled, refunded

    @property
    def clock(self) -> datetime:
        return moment_of(self.clock_ms)


def _only(*kinds: int) -> bytes:
    return bytes(1 if k in kinds else 0 for k in range(256))
