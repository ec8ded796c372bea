"""What the sandboxes serve, stated as a correct importer and reconciler must see it.

Everything here reads the same facts the renderers serve (after any `advance`), so a
connector, an importer or the reconciliation engine can be checked against it:
- `daily_totals`: per source / day / project / normalized status: count and Decimal sum;
- `bad_records`: the records a correct importer quarantines (excluded everywhere else);
- `expected_reconciliation`: the result rows of one day by reconciliation.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from psp_dashboard.sandbox.config import ReconParams
from psp_dashboard.sandbox.recon_rules import ReconRow, day_bounds, reconcile_day
from psp_dashboard.sandbox.statuses import Normalized
from psp_dashboard.sandbox.timeline import moment_of, ms_of
from psp_dashboard.sandbox.truth_records import (
    BadRecord,
    Source,
    TruthRecord,
    payshack_record,
    vima_record,
)
from psp_dashboard.sandbox.world import World
from psp_dashboard.sandbox.world_facts import vima_entries_with_key

_CHUNK = 20_000  # rows read per lock hold, so servers keep answering meanwhile


@dataclass(frozen=True, slots=True)
class StatusTotal:
    source: Source
    day: date
    project: str | None
    status: Normalized
    count: int
    amount: Decimal

    def as_json(self) -> dict[str, str | int | None]:
        return {
            "source": self.source,
            "day": self.day.isoformat(),
            "project": self.project,
            "status": self.status,
            "count": self.count,
            "amount": str(self.amount),
        }


def vima_records(
    w: World, from_ms: int | None = None, to_ms: int | None = None
) -> Iterator[TruthRecord | BadRecord]:
    """Every Vima operation created in [from_ms, to_ms), oldest first."""
    with w.lock:
        window = w.entries_between(from_ms, to_ms)
    for lo in range(window.start, window.stop, _CHUNK):
        with w.lock:
            facts = [w.vima_facts(e) for e in range(lo, min(window.stop, lo + _CHUNK))]
            batch = [vima_record(w, f) for f in facts if f is not None]
        yield from batch


def payshack_records(
    w: World, from_ms: int | None = None, to_ms: int | None = None
) -> Iterator[TruthRecord | BadRecord]:
    """Every pay-in created in [from_ms, to_ms), oldest first."""
    with w.lock:
        window = w.ps_positions_between(from_ms, to_ms)
    for lo in range(window.start, window.stop, _CHUNK):
        with w.lock:
            entries = w.ps_order[lo : min(window.stop, lo + _CHUNK)]
            batch = [payshack_record(w, f) for e in entries if (f := w.payin_facts(e))]
        yield from batch


def records(w: World, source: Source) -> Iterator[TruthRecord | BadRecord]:
    return vima_records(w) if source == "vima" else payshack_records(w)


def daily_totals(
    w: World, source: Source, *, timezone: str = "UTC", project: str | None = None
) -> list[StatusTotal]:
    """Good records only, grouped by local day of creation, project and status."""
    tz = ZoneInfo(timezone)
    groups: dict[tuple[date, str | None, Normalized], list[Decimal]] = defaultdict(list)
    for r in records(w, source):
        if isinstance(r, BadRecord) or (project is not None and r.project != project):
            continue
        groups[(r.created_at.astimezone(tz).date(), r.project, r.status)].append(r.amount)
    return [
        StatusTotal(source, day, proj, status, len(amounts), sum(amounts, Decimal("0.00")))
        for (day, proj, status), amounts in sorted(
            groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2])
        )
    ]


def bad_records(w: World, source: Source | None = None) -> list[BadRecord]:
    sources: tuple[Source, ...] = ("vima", "payshack") if source is None else (source,)
    return [r for s in sources for r in records(w, s) if isinstance(r, BadRecord)]


def expected_reconciliation(
    w: World, day: date, params: ReconParams | None = None
) -> list[ReconRow]:
    """The result rows reconciliation.md gives for `day` (good records only)."""
    p = params or w.config.recon
    start, end = day_bounds(day, p.timezone)
    grace_ms = p.grace_minutes * 60_000
    lo_ms, hi_ms = ms_of(start), ms_of(end)
    # Rule 1 counts a key's rows within D ± grace on both sides.
    vima = [
        r
        for r in vima_records(w, lo_ms - grace_ms, hi_ms + grace_ms + 1)
        if isinstance(r, TruthRecord)
    ]
    payshack = [
        r
        for r in payshack_records(w, lo_ms - grace_ms, hi_ms + grace_ms + 1)
        if isinstance(r, TruthRecord)
    ]
    # Pay-ins of D whose key has no operation on D may pair with one of a nearby day.
    known = {r.key for r in vima}
    seen = {r.entry for r in vima}
    for key in {r.key for r in payshack if r.key is not None and r.key not in known}:
        with w.lock:
            entries = vima_entries_with_key(w, key)
            extra = [vima_record(w, f) for e in entries if e not in seen and (f := w.vima_facts(e))]
        vima += [r for r in extra if isinstance(r, TruthRecord)]
    return reconcile_day(day, vima, payshack, p)


def recon_days(w: World, timezone: str = "UTC") -> list[date]:
    """Every local day the world's operations span."""
    tz = ZoneInfo(timezone)
    with w.lock:
        if len(w) == 0:
            return []
        first = w.entry_time_ms(0)
        last = max(w.entry_time_ms(len(w) - 1), w.clock_ms)
    lo = moment_of(first).astimezone(tz).date()
    hi = moment_of(last).astimezone(tz).date()
    return [lo + timedelta(days=i) for i in range((hi - lo).days + 1)]
