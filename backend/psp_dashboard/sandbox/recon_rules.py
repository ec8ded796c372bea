"""The reconciliation rules of reconciliation.md as a pure function of normalized rows.

This is the sandbox's independent reading of the rules, used to state what the
engine must produce for a day; it shares no code with the engine on purpose.

Boundary choices (where the text leaves room): a day D is [local midnight, next local
midnight); the grace window is closed, [D start − G, D end + G]; tolerances compare with
">" (a difference equal to the tolerance matches). On a duplicate, `vima_status` /
`payshack_status` show the earliest row of each side. A key is reported on D when it has
a Vima row created on D (each Vima row is reported on its own day only) or a PayShack row
of D that no Vima row's day window holds; rule 1 counts the key's rows on each side
within D's window W = [D start − G, D end + G], whatever day they were created on, so
a duplicate that straddles a midnight is a duplicate on every day that reports its key.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from psp_dashboard.sandbox.config import ReconParams
from psp_dashboard.sandbox.statuses import Normalized
from psp_dashboard.sandbox.truth_records import TruthRecord

MatchStatus = Literal["matched", "discrepancy", "missing_payshack", "missing_vima"]
DiscrepancyType = Literal["duplicate", "missing", "status", "amount", "time"]


@dataclass(frozen=True, slots=True)
class ReconRow:
    key: str | None
    match_status: MatchStatus
    discrepancy_type: DiscrepancyType | None
    vima_ids: tuple[str, ...]
    payshack_ids: tuple[str, ...]
    vima_status: Normalized | None
    payshack_status: Normalized | None
    amount_diff: Decimal | None
    details: dict[str, Any] = field(default_factory=dict, compare=False)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "match_status": self.match_status,
            "discrepancy_type": self.discrepancy_type,
            "vima_ids": list(self.vima_ids),
            "payshack_ids": list(self.payshack_ids),
            "vima_status": self.vima_status,
            "payshack_status": self.payshack_status,
            "amount_diff": None if self.amount_diff is None else str(self.amount_diff),
            "details": self.details,
        }


def day_bounds(day: date, timezone: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(timezone)
    return datetime.combine(day, time(0), tz), datetime.combine(day + timedelta(1), time(0), tz)


def reconcile_day(
    day: date,
    vima: Iterable[TruthRecord],
    payshack: Iterable[TruthRecord],
    params: ReconParams,
) -> list[ReconRow]:
    """Result rows of day D. `vima` must hold the rows created within D ± grace plus
    every row of the keys of D's pay-ins (from any day); `payshack` every pay-in created
    within D ± grace."""
    tz = ZoneInfo(params.timezone)
    start, end = day_bounds(day, params.timezone)
    grace = timedelta(minutes=params.grace_minutes)
    projects = set(params.projects)
    v_rows = sorted((r for r in vima if r.project in projects), key=_order)
    p_rows = sorted((r for r in payshack if r.project in projects), key=_order)
    p_by_key: dict[str, list[TruthRecord]] = defaultdict(list)
    v_by_key: dict[str, list[TruthRecord]] = defaultdict(list)
    for p in p_rows:
        if p.key is not None:
            p_by_key[p.key].append(p)
    for v in v_rows:
        if v.key is not None:
            v_by_key[v.key].append(v)

    def window_of(moment: datetime) -> tuple[datetime, datetime]:
        local_day = moment.astimezone(tz).date()
        day_start, day_end = day_bounds(local_day, params.timezone)
        return day_start - grace, day_end + grace

    lo, hi = start - grace, end + grace

    def in_window(rs: Iterable[TruthRecord]) -> list[TruthRecord]:
        return [r for r in rs if lo <= r.created_at <= hi]

    rows: list[ReconRow] = []
    todays_keys: set[str] = set()
    for v in v_rows:
        if not start <= v.created_at < end:
            continue
        if v.key is None:
            rows.append(_row(None, "missing_payshack", "missing", [v], [], {"reason": "no_key"}))
        else:
            todays_keys.add(v.key)
    for key in todays_keys:
        vs = in_window(v_by_key[key])
        if len(vs) == 1:  # not a duplicate: the one row of W is D's
            rows.append(_classify(key, vs, in_window(p_by_key.get(key, [])), params))
        else:
            rows.append(_duplicate(key, vs, in_window(p_by_key.get(key, []))))
    orphan_keys: set[str] = set()
    for p in p_rows:
        if not start <= p.created_at < end or p.key in todays_keys:
            continue
        paired = any(
            wlo <= p.created_at <= whi
            for wlo, whi in (window_of(v.created_at) for v in v_by_key.get(p.key or "", []))
        )
        if p.key is None:
            rows.append(_row(None, "missing_vima", "missing", [], [p], {"reason": "no_key"}))
        elif not paired:
            orphan_keys.add(p.key)
    for key in orphan_keys:
        vs, ps = in_window(v_by_key.get(key, [])), in_window(p_by_key[key])
        if len(vs) > 1 or len(ps) > 1:
            rows.append(_duplicate(key, vs, ps))
        else:
            lone = [p for p in ps if start <= p.created_at < end]
            rows.append(_row(key, "missing_vima", "missing", [], lone, {}))
    rows.sort(key=lambda r: (r.key is None, r.key or "", r.vima_ids, r.payshack_ids))
    return rows


def _order(r: TruthRecord) -> tuple[datetime, str]:
    return r.created_at, r.source_id


def _duplicate(key: str, vs: list[TruthRecord], ps: list[TruthRecord]) -> ReconRow:
    return _row(key, "discrepancy", "duplicate", vs, ps, {})


def _classify(
    key: str, vs: list[TruthRecord], ps: list[TruthRecord], params: ReconParams
) -> ReconRow:
    if len(vs) > 1 or len(ps) > 1:
        return _duplicate(key, vs, ps)
    if not ps:
        return _row(key, "missing_payshack", "missing", vs, [], {})
    v, p = vs[0], ps[0]
    differences: list[DiscrepancyType] = []
    if v.status != p.status:
        differences.append("status")
    diff = v.amount - p.amount
    if abs(diff) > params.amount_tolerance:
        differences.append("amount")
    if abs(v.created_at - p.created_at) > timedelta(minutes=params.time_tolerance_minutes):
        differences.append("time")
    if not differences:
        return _row(key, "matched", None, vs, ps, {})
    kind = differences[0]
    return _row(
        key, "discrepancy", kind, vs, ps, {"differences": differences},
        amount_diff=diff if kind == "amount" else None,
    )  # fmt: skip


def _row(
    key: str | None,
    status: MatchStatus,
    kind: DiscrepancyType | None,
    vs: list[TruthRecord],
    ps: list[TruthRecord],
    details: dict[str, Any],
    amount_diff: Decimal | None = None,
) -> ReconRow:
    details = {
        **details,
        "original_statuses": {
            "vima": [v.original_status for v in vs],
            "payshack": [p.original_status for p in ps],
        },
    }
    return ReconRow(
        key=key,
        match_status=status,
        discrepancy_type=kind,
        vima_ids=tuple(v.source_id for v in vs),
        payshack_ids=tuple(p.source_id for p in ps),
        vima_status=vs[0].status if vs else None,
        payshack_status=ps[0].status if ps else None,
        amount_diff=amount_diff,
        details=details,
    )


def summarize(rows: Iterable[ReconRow]) -> dict[str, Any]:
    counts: dict[str, int] = defaultdict(int)
    types: dict[str, int] = defaultdict(int)
    total = 0
    for r in rows:
        total += 1
        counts[r.match_status] += 1
        if r.discrepancy_type is not None:
            types[r.discrepancy_type] += 1
    return {"total_transactions": total, "by_match_status": dict(counts), "by_type": dict(types)}
