"""Late status changes of PayShack pay-ins, found within one incremental run.

A pay-in may change long after it left the incremental window: INITIATED → Success an
hour later, Success → Refunded the next day. Re-reading the whole horizon every run
would cost its every page; the sweep reads only what can have changed, in the
provider's time: the horizon is [newest createdAt delivered − PAYSHACK_LATE_CHANGE_DAYS,
start of this run's window).

With a status filter and look-ups by id (the API transport):
1. For each status spelling our still-open pay-ins of the horizon carry, walk the
   listing filtered by it (newest first, down to the horizon's start). What comes back
   is still open at the provider (and is stored again, unchanged).
2. Our open pay-ins of the range a walk covered that it did not return have changed (or
   were skipped because rows leaving the filter shift the pages): each is looked up by
   `transactionId` and stored as it is now.
3. Refunds: the listing filtered by Refunded and Cb_Refunded over the horizon.
Pages cost ≈ (open pay-ins + refunds) / page size + one look-up per change, instead of
every pay-in of the horizon. A filter the provider ignores (rows of other statuses come
back) is noticed: that walk then was a full re-read, and the sweep ends with it.

Without them (the browser transport: its page may have no status filter), the sweep
re-reads the horizon whole.

Budget: at most PAYSHACK_LATE_CHANGE_MAX_PAGES pages per run (look-ups of a covered
range always finish). An unfinished sweep stores where it stopped (`late` in the
checkpoint, with the rows of its last page) and the next run continues there.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol

from psp_dashboard.kit.timeparse import IST, parse_iso_utc
from psp_dashboard.sync.connectors.base import RawPage
from psp_dashboard.sync.connectors.completeness import WindowCount, WindowReport
from psp_dashboard.sync.connectors.payshack.listing import (
    LATE,
    REFUND_STATUSES,
    WATERMARK,
    WindowPage,
    WindowRead,
    iso,
)

ALL = "all"  # the step that re-reads the horizon whole
_LOOKUP_BATCH = 100


@dataclass(frozen=True, slots=True)
class OpenPayIn:
    txn_id: str
    original_status: str | None
    created_at: datetime


Lookup = Callable[[str], Awaitable[list[dict[str, Any]]]]


class WindowReader(Protocol):
    """What the sweep reads through: the transport's window walk."""

    sync_start: date | None

    def read_window(
        self, read: WindowRead, *, first_page: int = 1, max_pages: int | None = None
    ) -> AsyncIterator[WindowPage]: ...


class OpenPayIns(Protocol):
    """Our stored pay-ins that are still open (status pending), by creation time."""

    async def open_between(self, start: datetime, end: datetime) -> list[OpenPayIn]: ...


@dataclass(slots=True)
class SweepState:
    """Where a sweep is; stored as JSON text under `late` in the checkpoint."""

    h0: str  # horizon start (ISO)
    h1: str  # horizon end (ISO): the window start of the run that began the sweep
    steps: list[str]  # "status:<spelling>" | "all"
    step: int = 0
    page: int = 1  # the page the current step continues at
    covered_to: str | None = None  # oldest createdAt the current step covered before
    covered: list[str] = field(default_factory=list)  # status spellings already walked

    def dump(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def load(cls, text: str | None) -> SweepState | None:
        if not text:
            return None
        try:
            data = json.loads(text)
            return cls(**data) if isinstance(data, dict) else None
        except (ValueError, TypeError):
            return None  # an unreadable progress record: start a new sweep

    @property
    def done(self) -> bool:
        return self.step >= len(self.steps)


class LateSweep:
    """One run's share of the sweep, as raw pages for the pipeline (stream "late")."""

    def __init__(
        self,
        transport: WindowReader,
        *,
        days: int,
        max_pages: int,
        open_payins: OpenPayIns | None,
        lookup: Lookup | None,
    ) -> None:
        """Status walks and look-ups need both our open pay-ins and a `lookup` (a
        transport with a status filter); without them the horizon is re-read whole."""
        self.transport = transport
        self.days = days
        self.max_pages = max_pages
        self.open_payins = open_payins
        self.lookup = lookup
        self.filtered = open_payins is not None and lookup is not None
        self.pages_used = 0
        self.lookups = 0
        self._open_cache: tuple[tuple[datetime, datetime], list[OpenPayIn]] | None = None

    async def run(
        self,
        state: Mapping[str, str],
        window_start: datetime | None,
        newest: datetime | None,
        page_no: int,
    ) -> AsyncGenerator[RawPage, None]:
        sweep = SweepState.load(state.get(LATE))
        if sweep is None or sweep.done:
            first_sync = not state.get(WATERMARK)
            if first_sync or window_start is None or newest is None or self.days <= 0:
                return  # a first sync has just read everything there is
            h0 = newest - timedelta(days=self.days)
            if self.transport.sync_start is not None:  # nothing before the configured start
                h0 = max(h0, datetime.combine(self.transport.sync_start, time(0), IST))
            if h0 >= window_start:
                return
            sweep = SweepState(iso(h0), iso(window_start), await self._steps(h0, window_start))
        async for page in self._continue(sweep, page_no):
            yield page

    async def _steps(self, h0: datetime, h1: datetime) -> list[str]:
        if not self.filtered:
            return [ALL]
        spellings = sorted(
            {o.original_status for o in await self._open(h0, h1)} - {None, ""}, key=str
        )
        return [f"status:{s}" for s in spellings] + [f"status:{s}" for s in REFUND_STATUSES]

    async def _open(self, h0: datetime, h1: datetime) -> list[OpenPayIn]:
        """Our open pay-ins of the horizon, read once per run (a pay-in found changed
        meanwhile is at worst looked up once more)."""
        if self.open_payins is None:
            return []
        if self._open_cache is None or self._open_cache[0] != (h0, h1):
            self._open_cache = ((h0, h1), await self.open_payins.open_between(h0, h1))
        return self._open_cache[1]

    async def _continue(self, sweep: SweepState, page_no: int) -> AsyncIterator[RawPage]:
        h0, h1 = parse_iso_utc(sweep.h0), parse_iso_utc(sweep.h1)
        buffered: RawPage | None = None
        # Pages are held back one step: the last one of this run carries the progress.
        while not sweep.done:
            budget = self.max_pages - self.pages_used
            if budget <= 0:
                break
            step = sweep.steps[sweep.step]
            status = None if step == ALL else step.removeprefix("status:")
            if status is not None and status.casefold() in sweep.covered:
                sweep.step, sweep.page, sweep.covered_to = sweep.step + 1, 1, None
                continue
            is_open = status is not None and status not in REFUND_STATUSES
            label = f"late {step} {sweep.h0} → open"
            read = WindowRead(h0, None, status=status, label=label, retry=not is_open)
            seen: set[str] = set()
            async for page in self.transport.read_window(
                read, first_page=sweep.page, max_pages=budget
            ):
                seen.update(str(r.get("txnId")) for r in page.listing.rows if r.get("txnId"))
                report = page.report
                # Open-status walks are checked by their look-ups (rows leave the filter
                # as they settle), and a walk the budget cut continues next run.
                if report is not None and (
                    is_open or (report.ending == "stuck" and read.pages_fetched >= budget)
                ):
                    report = None
                page_no += 1
                if buffered is not None:
                    yield buffered
                buffered = RawPage(page.rows, {}, page_no, "late", report)
            self.pages_used += read.pages_fetched
            cut = read.report is not None and read.report.ending == "stuck"
            ignored = status is not None and any(
                s.casefold() != status.casefold() for s in read.statuses_seen
            )
            if is_open or ignored:
                assert status is not None
                async for raw in self._look_up_unseen(sweep, read, seen, status, ignored, cut):
                    page_no += 1
                    if buffered is not None:
                        yield buffered
                    buffered = RawPage(raw.records, {}, page_no, "late", raw.report)
            if cut:  # the budget ran out inside this step: continue it next run
                covered = read.oldest_seen or (
                    parse_iso_utc(sweep.covered_to) if sweep.covered_to else h1
                )
                sweep.page += read.pages_fetched
                sweep.covered_to = iso(covered)
                break
            if status is not None:
                sweep.covered.append(status.casefold())
                sweep.covered.extend(s.casefold() for s in read.statuses_seen)
            if ignored:  # the filter was not applied: that walk re-read everything
                sweep.step = len(sweep.steps)
                break
            sweep.step, sweep.page, sweep.covered_to = sweep.step + 1, 1, None
        progress = {LATE: "" if sweep.done else sweep.dump()}
        if buffered is None:
            buffered = RawPage([], {}, page_no + 1, "late")
        yield RawPage(
            buffered.records, {**buffered.checkpoint, **progress}, buffered.page_no, "late",
            buffered.report,
        )  # fmt: skip

    async def _look_up_unseen(
        self,
        sweep: SweepState,
        read: WindowRead,
        seen: set[str],
        status: str,
        ignored: bool,
        cut: bool,
    ) -> AsyncIterator[RawPage]:
        """Our open pay-ins in the range the walk covered that it did not return."""
        if self.lookup is None:
            return
        h0, h1 = parse_iso_utc(sweep.h0), parse_iso_utc(sweep.h1)
        lower = (read.oldest_seen or h1) if cut else h0
        upper = parse_iso_utc(sweep.covered_to) if sweep.covered_to else h1
        group = {status.casefold()} | {s.casefold() for s in read.statuses_seen}
        candidates = [
            o.txn_id
            for o in await self._open(h0, h1)
            if max(lower, h0) <= o.created_at <= upper
            and o.txn_id not in seen
            and (ignored or (o.original_status or "").casefold() in group)
        ]
        if not candidates:
            return
        found = 0
        for first in range(0, len(candidates), _LOOKUP_BATCH):
            chunk = candidates[first : first + _LOOKUP_BATCH]
            rows: list[dict[str, Any]] = []
            for txn_id in chunk:
                rows.extend(await self.lookup(txn_id))
            self.lookups += len(chunk)
            found += len({str(r.get("txnId")) for r in rows})
            last = first + _LOOKUP_BATCH >= len(candidates)
            report = None
            if last:
                count = WindowCount("rows", len(candidates), found, found)
                report = WindowReport(
                    f"late look-ups of {status} pay-ins no longer listed as such",
                    count,
                    "last-page",
                    1,
                )
            yield RawPage(rows, {}, 0, "late", report)
