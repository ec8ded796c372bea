"""The primitives of reading a PayShack listing, shared by the window model
(`window.py`), the late-change sweep (`late.py`) and both transports: what a query asks,
what a window read keeps, the checkpoint keys, and time helpers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from psp_dashboard.kit.timeparse import parse_iso_utc
from psp_dashboard.sync.connectors.completeness import ListingPage, WindowReport

WATERMARK = "watermark"
LATE = "late"  # progress of the late-change sweep (late.py), JSON text
REFUND_STATUSES = ("Refunded", "Cb_Refunded")  # the spellings payshack.md lists


@dataclass(frozen=True, slots=True)
class ListingQuery:
    """One filtered view of the Pay-In listing, as the provider's filter takes it."""

    date_from: date | None = None  # calendar days, both inclusive; None = no date filter
    date_to: date | None = None
    status: str | None = None  # the provider's status filter (its spelling)
    first_page: int = 1  # where a resumed walk starts
    txn_id: str | None = None  # one pay-in by its id (a look-up)
    order_id: str | None = None  # the pay-ins of one orderId (a re-fetch by key)


def padded_days(
    start: datetime | None, end: datetime | None, now: datetime
) -> tuple[date | None, date | None]:
    """The day filter for [start, end): one day of padding each side (unknown zone)."""
    if start is None:
        return None, None
    last_moment = max(end or now, start).astimezone(UTC) - timedelta(microseconds=1)
    return (
        start.astimezone(UTC).date() - timedelta(days=1),
        max(last_moment.date(), start.astimezone(UTC).date()) + timedelta(days=1),
    )


def created_at(row: Mapping[str, Any]) -> datetime | None:
    try:
        return parse_iso_utc(row.get("createdAt") or "")
    except ValueError:
        return None


def in_window(created: datetime | None, start: datetime | None, end: datetime | None) -> bool:
    """start <= createdAt < end, compared at whole seconds (the precision both transports
    share: a row at 12:00:00.900 shown as 12:00:00 is in a window from 12:00:00.500). A
    row whose time does not parse is kept: the normalizer rejects it visibly."""
    if created is None:
        return True
    floor = None if start is None else start.astimezone(UTC).replace(microsecond=0)
    return (floor is None or created >= floor) and (end is None or created < end)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


@dataclass(slots=True)
class Newest:
    """The newest `createdAt` delivered, ignoring records dated beyond `limit`."""

    limit: datetime
    value: datetime | None = None
    beyond: bool = False  # some record was dated beyond the limit

    def see(self, moments: list[datetime]) -> None:
        for moment in moments:
            if moment > self.limit:
                self.beyond = True
            elif self.value is None or moment > self.value:
                self.value = moment

    def watermark(self, old: datetime | None) -> datetime | None:
        newest = self.value if self.value is not None else (self.limit if self.beyond else None)
        if old is None or old > self.limit:  # an old mark from a skewed past is not kept
            return newest
        return old if newest is None else max(old, newest)


@dataclass(slots=True)
class WindowPage:
    """A page of a window walk: rows kept (inside the window), and on the window's
    last page the report of the whole walk."""

    rows: list[dict[str, Any]]
    listing: ListingPage
    report: WindowReport | None = None


@dataclass(slots=True)
class WindowRead:
    """One window read: its pages as they come, then its report."""

    start: datetime | None
    end: datetime | None
    status: str | None = None
    label: str = ""
    retry: bool = True  # read once more when short
    newest: Newest | None = None
    report: WindowReport | None = None
    pages_fetched: int = 0
    oldest_seen: datetime | None = None  # of this read, for the late sweep's diff
    statuses_seen: set[str] = field(default_factory=set)
