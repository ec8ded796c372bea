""" "Now" for the metrics routes, as a dependency: tests freeze it by overriding
`current_time`, and the comparisons of an in-progress period are cut at it."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Annotated

from fastapi import Depends

from psp_dashboard.kit.periods import Period


def current_time() -> datetime:
    # Whole minutes: "until 05:20" is what a card says, and every request of the same
    # minute then shares one cache entry.
    return datetime.now(UTC).replace(second=0, microsecond=0)


NowDep = Annotated[datetime, Depends(current_time)]


def in_progress(period: Period, now: datetime) -> bool:
    return period.start <= now < period.end


def same_elapsed(period: Period, previous: Period, now: datetime) -> datetime | None:
    """Where the compared period is cut when `period` is still in progress: as far into
    it as `now` is into `period`, in local wall-clock time (today until 05:20 → the
    compared day until 05:20, DST days included). None when `period` is not in progress.
    """
    if not in_progress(period, now):
        return None
    local = now.astimezone(period.tz)
    day = previous.from_date + timedelta(days=(local.date() - period.from_date).days)
    wall = time(local.hour, local.minute, local.second, local.microsecond)
    cut = datetime.combine(day, wall, tzinfo=period.tz).astimezone(UTC)
    return min(max(cut, previous.start), previous.end)
