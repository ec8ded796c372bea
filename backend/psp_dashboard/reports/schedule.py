"""When a schedule is due, and which days its report covers.

A schedule fires at `send_at` wall-clock time in its zone: every day (daily summary) or
on one weekday (weekly report; 0 = Monday … 6 = Sunday, Python's numbering). Due times
are computed from local dates, so a DST change moves the UTC instant, never the local
time, and a day never fires twice or not at all:
- a time the clocks skip (02:30 on a spring-forward night) fires at the same instant as
  if the old offset still held, i.e. right after the jump (03:30 local);
- a time that happens twice (01:30 on a fall-back night) fires at its first occurrence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Kind = Literal["daily_summary", "weekly_reconciliation"]
KINDS: tuple[Kind, ...] = ("daily_summary", "weekly_reconciliation")
WEEK_DAYS = 7


@dataclass(frozen=True, slots=True)
class Timing:
    kind: str
    send_at: time
    timezone: str
    weekday: int | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def fires_on(self, day: date) -> bool:
        return self.weekday is None or day.weekday() == self.weekday

    def at(self, day: date) -> datetime:
        """The UTC instant the schedule fires on local `day` (fold 0: see the module)."""
        local = datetime.combine(day, self.send_at.replace(tzinfo=None), tzinfo=self.tz)
        return local.astimezone(UTC)


def latest_due(timing: Timing, now: datetime) -> datetime | None:
    """The last due time at or before `now` (None only for a malformed weekday)."""
    day = now.astimezone(timing.tz).date()
    # A due time of local day D can be a few hours off D in UTC; 9 days cover a week
    # and both edges.
    for back in range(-1, WEEK_DAYS + 2):
        candidate = day - timedelta(days=back)
        if timing.fires_on(candidate) and timing.at(candidate) <= now:
            return timing.at(candidate)
    return None


def next_due(timing: Timing, now: datetime) -> datetime | None:
    """The first due time strictly after `now`."""
    day = now.astimezone(timing.tz).date()
    for ahead in range(-1, WEEK_DAYS + 2):
        candidate = day + timedelta(days=ahead)
        if timing.fires_on(candidate) and timing.at(candidate) > now:
            return timing.at(candidate)
    return None


def report_period(kind: str, due_at: datetime, timezone: str) -> tuple[date, date]:
    """The days a report sent at `due_at` covers, in the schedule's zone: yesterday for
    the daily summary, the 7 days ending yesterday for the weekly report."""
    sent_on = due_at.astimezone(ZoneInfo(timezone)).date()
    last = sent_on - timedelta(days=1)
    if kind == "weekly_reconciliation":
        return last - timedelta(days=WEEK_DAYS - 1), last
    return last, last
