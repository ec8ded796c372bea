"""The sync model both PayShack transports share: a watermark and time windows.

PayShack pages by page number, newest first, filtered by date only, so there is no
cursor: a run walks a time window and the state is a watermark.
- First sync (no watermark): the whole history, or from `PAYSHACK_SYNC_START` (midnight
  IST of that date).
- Later syncs: [watermark − overlap, now]; the overlap re-reads recent rows, catching
  late-arriving rows and status changes of recent pending pay-ins.
- The new watermark (the run's start) rides only on the LAST page's checkpoint: rows
  shift to later pages while payments arrive, so a walk that stops half-way has not
  seen everything older than its start. A crash repeats the window, never skips it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from psp_dashboard.kit.timeparse import IST, parse_iso_utc
from psp_dashboard.sync.connectors.base import RawPage

WATERMARK = "watermark"


def utc_day_windows(from_date: date, to_date: date) -> list[tuple[datetime, datetime]]:
    """UTC-day windows [d 00:00Z, d+1 00:00Z) for every d in [from_date, to_date]."""
    if to_date < from_date:
        raise ValueError("to_date is before from_date")
    return [
        (
            datetime.combine(from_date + timedelta(days=i), time(0), UTC),
            datetime.combine(from_date + timedelta(days=i + 1), time(0), UTC),
        )
        for i in range((to_date - from_date).days + 1)
    ]


def created_in_window(row: Mapping[str, Any], start: datetime | None, end: datetime | None) -> bool:
    """start <= createdAt < end, compared at whole seconds (the precision both transports
    share: a row at 12:00:00.900 shown as 12:00:00 is in a window from 12:00:00.500)."""
    try:
        created = parse_iso_utc(row.get("createdAt") or "")
    except ValueError:
        return True  # kept: the normalizer rejects it visibly (quarantine)
    floor = None if start is None else start.astimezone(UTC).replace(microsecond=0)
    return (floor is None or created >= floor) and (end is None or created < end)


class WindowedPayShack:
    """`pages`, `window_pages`, `day_pages` on top of a transport's `walk_window`."""

    overlap: timedelta
    sync_start: date | None
    _now: Callable[[], datetime]

    def walk_window(
        self, start: datetime | None, end: datetime | None
    ) -> AsyncGenerator[tuple[list[dict[str, Any]], bool], None]:
        """(rows with start <= createdAt < end, is_last_page) for every page."""
        raise NotImplementedError

    backfill_windows = staticmethod(utc_day_windows)

    async def pages(self, state: Mapping[str, str]) -> AsyncGenerator[RawPage, None]:
        run_start = self._now()
        old = state.get(WATERMARK)
        if old:
            start: datetime | None = parse_iso_utc(old) - self.overlap
        elif self.sync_start is not None:
            start = datetime.combine(self.sync_start, time(0), IST).astimezone(UTC)
        else:
            start = None
        kept = {WATERMARK: old} if old else {}
        page_no = 0
        async for rows, last in self.walk_window(start, None):
            page_no += 1
            checkpoint = {WATERMARK: run_start.isoformat()} if last else dict(kept)
            yield RawPage(rows, checkpoint, page_no, "window")

    async def window_pages(self, start: datetime, end: datetime) -> AsyncGenerator[RawPage, None]:
        """Pages of one backfill window; their checkpoints never move the watermark."""
        page_no = 0
        async for rows, _last in self.walk_window(start, end):
            page_no += 1
            yield RawPage(rows, {}, page_no, f"backfill {start.date().isoformat()}")

    async def day_pages(
        self, day: date, checkpoint: Mapping[str, str]
    ) -> AsyncGenerator[RawPage, None]:
        """One UTC day for the backfill; restarts at page 1 when resumed (pages shift,
        and upserts are idempotent, so re-reading costs time, never correctness)."""
        start = datetime.combine(day, time(0), UTC)
        async for page in self.window_pages(start, start + timedelta(days=1)):
            yield page
