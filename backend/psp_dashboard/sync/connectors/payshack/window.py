"""The sync model both PayShack transports share: windows of a newest-first listing.

PayShack pages by page number, newest first, filtered by calendar days (and optionally a
status), so there is no cursor: a run reads a time window and the state is a watermark.

- **Watermark from the data.** The watermark is the newest `createdAt` that a complete
  walk delivered — never our wall clock, so a provider whose clock is ahead of or
  behind ours (skew, a backlog replayed after a stall, a world on a fixed date) is read
  either way. A record dated beyond our clock plus `clock_tolerance` does not count
  (one mis-dated record must not move the window past every later pay-in); if nothing
  else is newer, the watermark is capped there.
- **Incremental window** = [watermark − overlap, open). First sync: the whole history,
  or from `PAYSHACK_SYNC_START` (midnight IST of that date).
- **Completeness is checked** (`completeness.py`): every window walk compares what it
  accounted for with the total its first page states. A short walk is repeated once;
  still short, its report says so, the run ends `incomplete` and the watermark stays.
- **Early end below the window.** Pages are newest first: once a whole page is older
  than the window's start, the rest is too, and the walk stops there instead of paging
  through the padding day. A listing found not to be newest first is read to its end.
- The new watermark rides only on the last page of a complete window, so a crash or a
  short walk repeats the window, never skips it.
- After its window, an incremental run sweeps the late-change horizon (`late.py`).

The day filter's zone is undocumented (UTC or IST): requests are padded by one day on
each side and rows are kept by their `createdAt`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from contextlib import aclosing, asynccontextmanager
from datetime import UTC, date, datetime, time, timedelta
from types import TracebackType
from typing import Any

from psp_dashboard.kit.timeparse import IST, parse_iso_utc
from psp_dashboard.sync.connectors.base import RawPage
from psp_dashboard.sync.connectors.completeness import Ending, ListingPage, Tally, WindowReport
from psp_dashboard.sync.connectors.payshack.late import LateSweep, Lookup, OpenPayIns
from psp_dashboard.sync.connectors.payshack.listing import (
    REFUND_STATUSES,
    WATERMARK,
    ListingQuery,
    Newest,
    WindowPage,
    WindowRead,
    created_at,
    in_window,
    iso,
    padded_days,
)

# Rows further apart than this on consecutive pages mean the listing is not newest first
# (the table shows whole seconds, so equal display times are normal).
_ORDER_SLACK = timedelta(seconds=1)


def _not_newest_first(times: list[datetime], previous_oldest: datetime | None) -> bool:
    """Rows (in page order) newer than rows before them, on this page or the last one."""
    floor = previous_oldest
    for moment in times:
        if floor is not None and moment > floor + _ORDER_SLACK:
            return True
        floor = moment if floor is None else min(floor, moment)
    return False


class WindowedPayShack:
    """`pages` (incremental, then the late sweep), `window_pages` (backfills) and
    `reread_pages` (the daily re-read) for a transport that provides `listing`."""

    overlap: timedelta
    sync_start: date | None
    clock_tolerance: timedelta
    _now: Callable[[], datetime]
    # The transport can filter the listing by status and look a pay-in up by id.
    status_filter: bool = False
    late_change_days: int = 3
    late_change_max_pages: int = 1000
    open_payins: OpenPayIns | None = None  # our stored open pay-ins, for the sweep's diff
    last_sweep: LateSweep | None = None  # counters of the latest sweep (tests, bench)

    def listing(self, query: ListingQuery) -> AsyncGenerator[ListingPage, None]:
        raise NotImplementedError

    async def lookup(self, txn_id: str) -> list[dict[str, Any]]:
        """The pay-in with this id as the provider holds it now (with `status_filter`)."""
        raise NotImplementedError

    # --- one window -------------------------------------------------------------------

    async def read_window(
        self, read: WindowRead, *, first_page: int = 1, max_pages: int | None = None
    ) -> AsyncIterator[WindowPage]:
        """Pages of [read.start, read.end) (rows kept by createdAt), the last one with
        the report; the walk is repeated once when it comes up short (`read.retry`).
        `max_pages` cuts the walk (budget): its report then says "stuck" — callers
        that cut on purpose read `read.pages_fetched` instead of the verdict."""
        date_from, date_to = padded_days(read.start, read.end, self._now())
        query = ListingQuery(date_from, date_to, read.status, first_page)
        attempts = 2 if read.retry else 1
        for attempt in range(1, attempts + 1):
            tally = Tally()
            held: WindowPage | None = None
            ending: Ending = "stuck"
            async for page, end_of_walk in self._walk(read, query, tally, max_pages):
                if held is not None:
                    yield held
                held = page
                if end_of_walk is not None:
                    ending = end_of_walk
            tally.end(ending)
            report = WindowReport(read.label, tally.verdict(), ending, attempt)
            # Once more only when it can help: a listing that states no total cannot be
            # proven complete by reading it again, and a budget cut was on purpose.
            final = report.count.expected is None or (ending == "stuck" and max_pages)
            if report.complete or attempt == attempts or final:
                read.report = report
                if held is None:  # nothing was read at all (a listing with no page)
                    held = WindowPage([], ListingPage([], 0))
                held.report = report
                yield held
                return
            if held is not None:
                yield held  # a short walk's rows are real rows: keep them, read again

    async def _walk(
        self, read: WindowRead, query: ListingQuery, tally: Tally, max_pages: int | None
    ) -> AsyncIterator[tuple[WindowPage, Ending | None]]:
        previous_oldest: datetime | None = None
        newest_first = True
        pages = 0
        async with aclosing(self.listing(query)) as walk:
            async for listed in walk:
                pages += 1
                read.pages_fetched += 1
                tally.add(listed)
                moments = [created_at(r) for r in listed.rows]  # parsed once per row
                times = [t for t in moments if t is not None]
                if read.newest is not None:
                    read.newest.see(times)
                for row in listed.rows:
                    if isinstance(status := row.get("txnStatus"), str):
                        read.statuses_seen.add(status)
                if times:
                    oldest = min(times)
                    if _not_newest_first(times, previous_oldest):
                        newest_first = False  # the early end relies on that order
                    previous_oldest = oldest
                    if read.oldest_seen is None or oldest < read.oldest_seen:
                        read.oldest_seen = oldest
                kept = [
                    r
                    for r, t in zip(listed.rows, moments, strict=True)
                    if in_window(t, read.start, read.end)
                ]
                ending: Ending | None = None
                if not listed.rows:
                    ending = "empty-page"
                elif listed.last:
                    ending = "last-page"
                elif (
                    newest_first
                    and read.start is not None
                    and times
                    and max(times) < read.start.astimezone(UTC).replace(microsecond=0)
                ):
                    ending = "boundary"
                yield WindowPage(kept, listed), ending
                if ending is not None:
                    return
                if max_pages is not None and pages >= max_pages:
                    return

    # --- the incremental run ----------------------------------------------------------

    def window_start(self, state: Mapping[str, str]) -> datetime | None:
        old = state.get(WATERMARK)
        if old:
            return parse_iso_utc(old) - self.overlap
        if self.sync_start is not None:
            return datetime.combine(self.sync_start, time(0), IST).astimezone(UTC)
        return None

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def __aenter__(self) -> WindowedPayShack:
        return self

    async def aclose(self) -> None:
        """Release what `async with transport` holds (a client, a browser)."""

    @property
    def holding(self) -> bool:
        """Whether `async with transport` holds its shared client or browser now."""
        return False

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """Keep what the walks of one run share (a browser, an HTTP client) open across
        them, unless it is held already (`async with transport`)."""
        if self.holding:
            yield
            return
        async with self:
            yield

    async def pages(self, state: Mapping[str, str]) -> AsyncGenerator[RawPage, None]:
        async with self.held():
            async for page in self._incremental(state):
                yield page

    async def _incremental(self, state: Mapping[str, str]) -> AsyncGenerator[RawPage, None]:
        old_text = state.get(WATERMARK)
        old = parse_iso_utc(old_text) if old_text else None
        start = self.window_start(state)
        newest = Newest(self._now() + self.clock_tolerance)
        label = "window " + (iso(start) if start else "whole history") + " → open"
        read = WindowRead(start, None, label=label, newest=newest)
        page_no = 0
        async for page in self.read_window(read):
            page_no += 1
            checkpoint: dict[str, str] = {}
            if page.report is not None and page.report.complete:
                mark = newest.watermark(old)
                if mark is not None:
                    checkpoint[WATERMARK] = iso(mark)
            yield RawPage(page.rows, checkpoint, page_no, "window", page.report)
        sweep = LateSweep(
            self,
            days=self.late_change_days,
            max_pages=self.late_change_max_pages,
            open_payins=self.open_payins,
            lookup=self._lookup(),
        )
        self.last_sweep = sweep
        async for raw in sweep.run(state, start, newest.watermark(old), page_no):
            yield raw

    def _lookup(self) -> Lookup | None:
        return self.lookup if self.status_filter else None

    # --- backfill and re-read -----------------------------------------------------------

    async def window_pages(
        self,
        start: datetime | None,
        end: datetime | None,
        *,
        checkpoint: Mapping[str, str] | None = None,
        status: str | None = None,
    ) -> AsyncGenerator[RawPage, None]:
        """Pages of one window (the range mode of backfills and re-reads); they never move
        the watermark. A resumed window starts at page 1 again (`checkpoint` is not
        used): pages shift while pay-ins arrive, and upserts are idempotent, so
        re-reading costs time, never correctness."""
        label = f"{iso(start) if start else 'whole history'} → {iso(end) if end else 'open'}"
        if status:
            label = f"status={status} " + label
        page_no = 0
        read = WindowRead(start, end, status=status, label=label)
        async for page in self.read_window(read):
            page_no += 1
            yield RawPage(page.rows, {}, page_no, label, page.report)

    async def reread_pages(
        self, state: Mapping[str, str], *, days: int, refund_days: int
    ) -> AsyncGenerator[RawPage, None]:
        """The daily re-read, in the provider's time (from the watermark, the newest
        createdAt delivered): the UTC day of the watermark and `days` days before it read
        whole, then refunds up to `refund_days` back through the status filter (without
        one, that span is read whole too). Nothing here moves the watermark."""
        mark = state.get(WATERMARK)
        if not mark:
            return  # no complete incremental run yet: nothing to re-read
        async with self.held():
            async for page in self._reread(parse_iso_utc(mark), days, refund_days):
                yield page

    async def _reread(
        self, newest: datetime, days: int, refund_days: int
    ) -> AsyncGenerator[RawPage, None]:
        whole_from = datetime.combine(newest.date() - timedelta(days=days), time(0), UTC)
        refunds_from = newest - timedelta(days=refund_days) if refund_days else None
        if refunds_from is not None and refunds_from < whole_from and not self.status_filter:
            whole_from, refunds_from = refunds_from, None
        async for page in self.window_pages(whole_from, None):
            yield page
        if refunds_from is None or refunds_from >= whole_from:
            return
        for status in REFUND_STATUSES:
            async for page in self.window_pages(refunds_from, None, status=status):
                yield page
