"""Incidents for the alerts demo and tests (`POST /_sandbox/incident`, docs/sandboxes.md).

- success_drop: new pay-ins of a project fail (both providers, or only `source`'s side,
  which also makes them reconciliation discrepancies);
- outage: a provider's API answers 5xx to every data request (its fault knobs, restored
  on clear);
- layout_change: PayShack's Pay-In table renames its Status column to one the browser
  reader does not know, so it reports the layout changed (the renames, restored on clear).

`minutes` ends an incident by itself on the wall clock; `clear` ends them all. The state
is kept per sandbox beside it, not in it (the world stays the providers' truth).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal
from weakref import WeakKeyDictionary

from psp_dashboard.sandbox.statuses import P_FAILED

if TYPE_CHECKING:
    from psp_dashboard.sandbox.state import Sandbox

IncidentKind = Literal["success_drop", "outage", "layout_change"]
KINDS: tuple[str, ...] = ("success_drop", "outage", "layout_change", "clear")
# The browser reader knows Status by several spellings (browser_table.ALIASES); not this.
LAYOUT_RENAMES = {"Status": "Condition"}


@dataclass
class Incident:
    kind: IncidentKind
    project: str | None
    source: str | None
    started_at: datetime
    until: datetime | None
    restore: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "project": self.project,
            "source": self.source,
            "started_at": self.started_at.isoformat(),
            "until": None if self.until is None else self.until.isoformat(),
        }


_ACTIVE: WeakKeyDictionary[Sandbox, dict[str, Incident]] = WeakKeyDictionary()


def active(sb: Sandbox, now: datetime | None = None) -> dict[str, Incident]:
    """The incidents going on (ending those whose time is up)."""
    current = _ACTIVE.setdefault(sb, {})
    now = now or datetime.now(UTC)
    for kind, incident in list(current.items()):
        if incident.until is not None and now >= incident.until:
            _end(sb, incident)
            del current[kind]
    return current


def start(
    sb: Sandbox,
    kind: str,
    *,
    project: str | None = None,
    source: str | None = None,
    minutes: float | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Start (or restart) an incident; `clear` ends them all. Returns what is going on."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    if source not in (None, "vima", "payshack"):
        raise ValueError("source must be vima or payshack")
    if minutes is not None and minutes <= 0:
        raise ValueError("minutes must be > 0")
    now = now or datetime.now(UTC)
    current = active(sb, now)
    if kind == "clear":
        for incident in current.values():
            _end(sb, incident)
        current.clear()
        return []
    if kind == "success_drop" and not project:
        raise ValueError("success_drop needs a project")
    if kind in current:
        _end(sb, current.pop(kind))
    until = None if minutes is None else now + timedelta(minutes=minutes)
    incident = Incident(kind, project, source, now, until)  # type: ignore[arg-type]
    _begin(sb, incident)
    current[kind] = incident
    return [i.as_json() for i in current.values()]


def _begin(sb: Sandbox, incident: Incident) -> None:
    if incident.kind == "outage":
        service = incident.source or "payshack"
        incident.source = service
        injector = sb.world.faults.get(service)  # type: ignore[arg-type]
        incident.restore["faults"] = injector.config
        injector.update(share_5xx=1.0)
    elif incident.kind == "layout_change":
        incident.restore["renames"] = dict(sb.payin_header_renames)
        sb.payin_header_renames = {**sb.payin_header_renames, **LAYOUT_RENAMES}


def _end(sb: Sandbox, incident: Incident) -> None:
    if incident.kind == "outage":
        sb.world.faults.get(incident.source or "payshack").configure(incident.restore["faults"])  # type: ignore[arg-type]
    elif incident.kind == "layout_change":
        sb.payin_header_renames = incident.restore["renames"]


def affect_new_payments(sb: Sandbox, created: Iterable[int]) -> int:
    """Fail the just-created pay-ins a success_drop covers; returns how many. Call it under
    the world's lock, in the same step that created them, so no reader saw them pending."""
    incident = active(sb).get("success_drop")
    if incident is None:
        return 0
    w = sb.world
    failed = 0
    for e in created:
        if w.vima_project(e) != incident.project:
            continue
        if w.has_vima(e) and incident.source in (None, "vima"):
            w.vstat[e] = w.statuses.vima_code("fail", "fail")
        if w.has_payshack(e) and incident.source in (None, "payshack"):
            w.pstat[e] = P_FAILED
            w.ps_pos_status[w.ps_position_of(e)] = P_FAILED
        failed += 1
    return failed
