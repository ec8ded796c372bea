"""Did a walk of a listing read everything the provider says the listing holds?

Both transports state how big a filtered listing is: the API's envelope carries
`totalRecords`/`totalPages`, the dashboard shows "6,168 records", "Showing 1–100 of
6,168" or "Page 1 of 617". A walk is complete when what it *accounted for* covers the
total stated on its first page:

    accounted = distinct rows read + rows the listing still holds beyond the last page
                read (only when the walk stopped on purpose below the window's start)

Why this is exact while pay-ins arrive: the listing is newest first, so a pay-in that
arrives during the walk lands on page 1, already read; it pushes older rows one place
down, so a walk sees some rows twice (counted once: rows are distinct by `txnId`) and
none never. The stated total grows by the arrivals, which the walk did not read, so the
first page's total is the one to cover. A row that is dropped, a page that comes back
empty or a walk that ends early leaves `accounted` short of it.

When the page states only a page count ("Page 1 of 617"), the same is counted in pages:
a missing page is seen, a few missing rows are not (the page does not say enough). When
it states nothing, completeness cannot be shown and the walk is not complete.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Unit = Literal["rows", "pages"]
# How a walk ended: the listing's own pager or totals said "last page"; a page came
# back empty; the walk stopped below the window's start (newest-first listing); the
# next page could not be reached (a control stuck, a page that would not load).
Ending = Literal["last-page", "empty-page", "boundary", "stuck"]


@dataclass(frozen=True, slots=True)
class ListingPage:
    """One page of a listing as a transport read it, with what the page states."""

    rows: list[dict[str, Any]]
    page_no: int
    stated_total: int | None = None  # rows the listing holds, as this page states it
    stated_pages: int | None = None  # pages the listing holds, as this page states it
    page_size: int | None = None  # rows per full page
    last: bool = False  # the page itself says no page follows (or it is empty)


def row_key(row: Mapping[str, Any]) -> str:
    """A row's identity for counting: its `txnId`, else its whole content (a bad record
    without an id is still one record, and it is the same one when read twice)."""
    txn = row.get("txnId")
    if isinstance(txn, str) and txn.strip():
        return "id:" + txn.strip()
    return "raw:" + json.dumps(row, sort_keys=True, default=str)


@dataclass(slots=True)
class Tally:
    """Counts one walk of one listing (one attempt)."""

    first_total: int | None = None
    first_pages: int | None = None
    last_total: int | None = None
    last_pages: int | None = None
    page_size: int | None = None
    pages_read: int = 0  # pages with at least one row
    last_page_no: int = 0
    ending: Ending | None = None
    keys: set[str] = field(default_factory=set)

    def add(self, page: ListingPage) -> None:
        if self.last_page_no == 0:
            self.first_total, self.first_pages = page.stated_total, page.stated_pages
        if page.stated_total is not None:
            self.last_total = page.stated_total
        if page.stated_pages is not None:
            self.last_pages = page.stated_pages
        if page.page_size:
            self.page_size = page.page_size
        self.last_page_no = page.page_no
        if page.rows:
            self.pages_read += 1
            self.keys.update(row_key(r) for r in page.rows)

    def end(self, ending: Ending) -> None:
        self.ending = ending

    @property
    def rows_read(self) -> int:
        return len(self.keys)

    def verdict(self) -> WindowCount:
        """Expected vs accounted, in rows when the listing states rows, else pages."""
        beyond_allowed = self.ending == "boundary"
        if self.first_total is not None:
            beyond = 0
            if beyond_allowed and self.last_total is not None and self.page_size:
                beyond = max(0, self.last_total - self.last_page_no * self.page_size)
            accounted = self.rows_read + beyond
            return WindowCount("rows", self.first_total, accounted, self.rows_read)
        if self.first_pages is not None:
            beyond = 0
            if beyond_allowed and self.last_pages is not None:
                beyond = max(0, self.last_pages - self.last_page_no)
            # An empty listing states "page 1 of 1" (or of 0) and holds no row.
            empty = not self.rows_read and self.first_pages <= 1
            expected = 0 if empty else self.first_pages
            return WindowCount("pages", expected, self.pages_read + beyond, self.rows_read)
        return WindowCount("rows", None, self.rows_read, self.rows_read)


@dataclass(frozen=True, slots=True)
class WindowCount:
    unit: Unit
    expected: int | None  # None: the listing stated nothing to compare with
    accounted: int
    rows_read: int

    @property
    def complete(self) -> bool:
        return self.expected is not None and self.accounted >= self.expected


@dataclass(frozen=True, slots=True)
class WindowReport:
    """The outcome of reading one window (after its one retry, if it needed one)."""

    window: str  # e.g. "2026-03-01T00:00:00Z.." or "status=INITIATED 2026-03-01..03-04"
    count: WindowCount
    ending: Ending
    attempts: int

    @property
    def complete(self) -> bool:
        return self.count.complete

    def as_json(self) -> dict[str, Any]:
        return {
            "window": self.window,
            "unit": self.count.unit,
            "expected": self.count.expected,
            "read": self.count.accounted,
            "rows_read": self.count.rows_read,
            "ending": self.ending,
            "attempts": self.attempts,
            "complete": self.complete,
        }

    def describe(self) -> str:
        c = self.count
        if c.expected is None:
            return (
                f"{self.window}: the provider states no total, so the {c.rows_read:,} rows "
                "read cannot be shown to be all"
            )
        return (
            f"{self.window}: the provider states {c.expected:,} {c.unit}, "
            f"the walk accounted for {c.accounted:,} (ended: {self.ending}, "
            f"{self.attempts} attempts)"
        )
