"""One browser tab walking the Pay-In listing: open, filter, page size, every page.

Controls are found by role and visible text (`browser_table.FORM_JS`: two date inputs
however they are labelled, a select whose options are page sizes, the button that
applies the filter — or Enter when there is none; the next-page control in whatever
shape), the table and its columns by header text. Every wait is on a condition of the
page — its own data call answered, no busy marker, rows re-rendered, a pager that agrees
with the totals — and bounded by the timeout; nothing sleeps a fixed time except the
politeness pause and the back-off before retrying a page whose data call failed.

Each page becomes a `ListingPage` with what the page states about the listing, so the
window logic can prove the walk complete (or report that it is not). The walk ends on
the page's own last page, on an empty page, or — when the page cannot go on although it
says more follows — "stuck"; never on a guess.

Speed: one round trip per page — the in-page script waits, reads every cell at once
and (without a politeness pause) activates Next before answering, so the browser loads
page N+1 while Python parses page N and the pipeline stores it.

When the session expires mid-walk the page shows the login form: the walk logs in
again and resumes at the page it was on (via the URL of the last page read, when the
dashboard keeps its state there and the page shows the expected rows; else it replays
the filters and clicks Next up to there).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from psp_dashboard.sync.connectors.completeness import ListingPage
from psp_dashboard.sync.connectors.payshack.browser_errors import (
    PayShackBrowserError,
    PayShackPageError,
    PayShackPageTimeoutError,
    PayShackSessionExpiredError,
)
from psp_dashboard.sync.connectors.payshack.browser_session import BrowserSession, save_diagnostics
from psp_dashboard.sync.connectors.payshack.browser_table import (
    ADVANCED_STATE,
    COLUMNS,
    FORM_JS,
    HEADER_KEYS,
    MARK_STALE_JS,
    PAGE_STATE_JS,
    STUCK_STATE,
    TABLE_STATE,
    WAIT_STATE_JS,
    TableSnapshot,
    column_indices,
    scraped_row,
)
from psp_dashboard.sync.connectors.payshack.listing import ListingQuery

logger = logging.getLogger(__name__)

PAYIN_LINK = re.compile(r"^\s*pay[\s-]?ins?\b", re.IGNORECASE)
RETRY = re.compile(r"^\s*(retry|try again|reload)\b", re.IGNORECASE)
# Logins in a row without reading a page in between before the walk gives up.
MAX_FRUITLESS_LOGINS = 3
_KEYS = list(HEADER_KEYS)
_TABLE = "the Pay-In table (headed " + ", ".join(COLUMNS.values()) + ")"
_FORMAT = re.compile(r"(dd|mm|yyyy|yy)([/.\- ])(dd|mm|yyyy|yy)\2(dd|mm|yyyy|yy)")

Row = dict[str, str | None]
Sleep = Callable[[float], Awaitable[None]]


class _SessionLost(Exception):
    """The page shows the login form: the dashboard session is gone."""


class _Stuck(Exception):
    """The page cannot go on (Next stays disabled, or does not advance)."""


@dataclass(frozen=True, slots=True)
class WalkConfig:
    base_url: str
    payin_path: str | None  # None: reach the page through the "Pay-In" navigation link
    timeout_seconds: float = 30.0
    page_retries: int = 3  # retries of a page whose own data call failed (429, 5xx)
    pause_seconds: float = 0.0  # politeness between pages
    diagnostics_dir: Path = Path("var/diagnostics")
    sleep: Sleep = asyncio.sleep


def date_text(day: date, kind: str, placeholder: str, *, end: bool = False) -> str:
    """A day as the input takes it: ISO for date inputs, else in the format its
    placeholder shows ("dd/mm/yyyy", "YYYY-MM-DD", …), ISO when it shows none."""
    if kind == "date":
        return day.isoformat()
    if kind == "datetime-local":
        return f"{day.isoformat()}T{'23:59' if end else '00:00'}"
    found = _FORMAT.search(placeholder.lower())
    if found is None:
        return day.isoformat()
    parts = {"dd": f"{day.day:02d}", "mm": f"{day.month:02d}", "yyyy": f"{day.year:04d}",
             "yy": f"{day.year % 100:02d}"}  # fmt: skip
    return found[2].join(parts[found[i]] for i in (1, 3, 4))


class PayInWalk:
    """Every page of one filtered listing, as `ListingPage`s."""

    def __init__(self, session: BrowserSession, config: WalkConfig, query: ListingQuery) -> None:
        self.session = session
        self.config = config
        self.query = query
        self.pages_read = 0
        self.relogins = 0
        self.replays = 0  # resumes that had to replay the filters and click up to the page
        self.clicks = 0  # next-page activations (tests: "one variant needs 60+")
        self.page_size: int | None = None
        self._timeout_ms = config.timeout_seconds * 1000

    async def listing(self) -> AsyncGenerator[ListingPage, None]:
        page = await self.session.new_page()
        try:
            async for item in self._walk(page):
                yield item
        except PayShackBrowserError as exc:
            await self._diagnose(page, exc)
            raise
        except PlaywrightError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            error = PayShackBrowserError(
                f"PayShack dashboard: a browser step failed after {self.pages_read} pages: {first}"
            )
            await self._diagnose(page, error)
            raise error from exc
        finally:
            with contextlib.suppress(PlaywrightError):  # the browser is going away anyway
                await page.close()

    async def _diagnose(self, page: Page, error: PayShackBrowserError) -> None:
        reason = type(error).__name__.removeprefix("PayShack").removesuffix("Error")
        shot, html = await save_diagnostics(
            page, self.config.diagnostics_dir, reason, self.session.secrets
        )
        error.attach_diagnostics(shot, html)

    async def _walk(self, page: Page) -> AsyncGenerator[ListingPage, None]:
        page_no = max(1, self.query.first_page) - 1  # pages behind us
        last_url: str | None = None
        last_ids: list[str | None] | None = None
        fruitless = 0
        need_setup, advance = True, False
        while True:
            try:
                if need_setup:
                    advance = await self._setup(page, page_no, last_url, last_ids)
                    need_setup = False
                snapshot = await self._read(page, page_no + 1, advance=advance)
            except _SessionLost:
                fruitless += 1
                if fruitless >= MAX_FRUITLESS_LOGINS:
                    raise PayShackSessionExpiredError(page_no + 1, fruitless) from None
                logger.info("payshack browser: session expired at page %d, logging in", page_no + 1)
                self.relogins += 1
                await self.session.login(page)
                need_setup = True
                continue
            except _Stuck as exc:
                logger.warning("payshack browser: the walk cannot go on: %s", exc)
                return
            fruitless = 0
            columns = column_indices(snapshot.headers)
            rows = [scraped_row(cells, columns) for cells in snapshot.rows]
            ids = [r["txnId"] for r in rows]
            if rows and ids == last_ids:
                logger.warning("payshack browser: page %d repeats page %d", page_no + 1, page_no)
                return  # the next-page control did not advance: the tally says "stuck"
            last_ids = ids
            page_no += 1
            self.clicks += snapshot.advanced  # Next activated in the same call (prefetch)
            self.pages_read += 1
            if self.page_size is None and rows and not snapshot.is_last:
                self.page_size = len(rows)
            yield ListingPage(
                rows,
                page_no,
                snapshot.stated.total,
                snapshot.stated.pages,
                self.page_size,
                snapshot.is_last,
            )
            if snapshot.is_last or snapshot.stuck:
                return
            last_url = snapshot.url
            if self.config.pause_seconds > 0:
                await self.config.sleep(self.config.pause_seconds)
            # Unless the read already activated Next (prefetch), the next read does it
            # first, in the same round trip.
            advance = not snapshot.advanced

    # --- getting to a page -----------------------------------------------------------

    async def _setup(
        self, page: Page, page_no: int, last_url: str | None, last_ids: list[str | None] | None
    ) -> bool:
        """Show page `page_no` (page 1 when none was read yet); whether Next must still
        be activated to reach the page to read."""
        if last_url is not None:
            await page.goto(last_url)
            snapshot = await self._read(page, page_no)
            columns = column_indices(snapshot.headers)
            ids = [scraped_row(cells, columns)["txnId"] for cells in snapshot.rows]
            shown = snapshot.shown_page(self.page_size)
            if shown == page_no or (shown is None and ids == last_ids):
                return not snapshot.advanced
            logger.info("payshack browser: the URL showed page %s, replaying to %d", shown, page_no)
            self.replays += 1
        await self._open_payin(page)
        await self._apply_filters(page)
        for step in range(1, page_no):
            await self._settle(page, step + 1, f"page {step + 1} to load", read=False, advance=True)
        return page_no > 0

    async def _open_payin(self, page: Page) -> None:
        for attempt in (1, 2):
            if self.config.payin_path:
                response = await page.goto(self.config.base_url + self.config.payin_path)
                by_link = response is not None and response.status == 404
            else:
                by_link = True
            if by_link:
                await page.goto(self.config.base_url)
                if await page.locator("input[type=password]").count():
                    await self.session.login(page)
                await page.get_by_role("link", name=PAYIN_LINK).first.click()
            try:
                await self._settle(page, 1, f"{_TABLE} to appear", read=False)
                return
            except _SessionLost:
                if attempt == 2:
                    raise
                await self.session.login(page)  # the saved session had expired: sign in

    async def _apply_filters(self, page: Page) -> None:
        """Dates (the query's days, or none: clear a pre-filled range) and the largest
        page size, each applied the way the page applies it."""
        form = json.loads(str(await page.evaluate(FORM_JS)))
        dates, size = form["dates"], form["size"]
        wanted: tuple[str, str] | None = None
        if self.query.date_from is not None and self.query.date_to is not None:
            if len(dates) < 2:
                logger.info("payshack browser: no date filter; walking the whole listing")
            else:
                wanted = (
                    date_text(self.query.date_from, dates[0]["type"], dates[0]["placeholder"]),
                    date_text(
                        self.query.date_to, dates[1]["type"], dates[1]["placeholder"], end=True
                    ),
                )
        elif len(dates) == 2 and (dates[0]["value"] or dates[1]["value"]):
            wanted = ("", "")  # the whole history: only clear a range the page pre-filled
        if wanted is not None and wanted != (dates[0]["value"], dates[1]["value"]):
            start, end = page.locator("[data-ps-date=from]"), page.locator("[data-ps-date=to]")
            await start.fill(wanted[0])
            await end.fill(wanted[1])
            await page.evaluate(MARK_STALE_JS, _KEYS)
            if form["apply"]:
                await page.locator("[data-ps-apply]").first.click()
            else:
                await end.press("Enter")
            await self._settle(page, 1, "the date filter to apply", read=False)
        if size is None:
            logger.info("payshack browser: no page-size selector; walking the default size")
            return
        value, largest = max(size["options"], key=lambda option: option[1])
        self.page_size = largest
        if size["value"] != value:
            await page.evaluate(MARK_STALE_JS, _KEYS)
            await page.locator("[data-ps-size]").select_option(value)
            await self._settle(page, 1, "the page size to change", read=False)

    # --- waiting and reading ---------------------------------------------------------

    async def _read(self, page: Page, page_no: int, *, advance: bool = False) -> TableSnapshot:
        what = f"page {page_no} of {_TABLE} to load"
        snapshot = await self._settle(page, page_no, what, advance=advance)
        assert snapshot is not None
        return snapshot

    async def _settle(
        self, page: Page, page_no: int, what: str, *, read: bool = True, advance: bool = False
    ) -> TableSnapshot | None:
        """Wait until the table is ready (and read it); retry with back-off when the page
        reports that its own data call failed; `_SessionLost` when it shows the login."""
        retries = self.config.page_retries
        for attempt in range(1, retries + 2):
            state = await self._state(page, what, read=read, advance=advance and attempt == 1)
            if state.startswith((TABLE_STATE, ADVANCED_STATE, STUCK_STATE)):
                return TableSnapshot.from_js(state)
            if state == "ready":
                return None
            if state == "login":
                raise _SessionLost
            said = state.removeprefix("error:")
            if attempt > retries:
                raise PayShackPageError(page_no, said, attempt)
            logger.warning("payshack browser: page %d said %r, retrying", page_no, said)
            await self.config.sleep(min(0.25 * 2 ** (attempt - 1), 4.0))
            await page.evaluate(MARK_STALE_JS, _KEYS)
            retry = page.get_by_role("button", name=RETRY).first
            if await retry.count():
                await retry.click()
            else:
                await page.reload()
        raise AssertionError("unreachable")

    async def _state(self, page: Page, what: str, *, read: bool, advance: bool) -> str:
        """The page's state string ("[advanced:]table:<JSON>" when ready and `read`).
        With `advance`, activates Next first: one round trip per page."""
        # Prefetching the next page would shorten the politeness pause: only without one.
        prefetch = read and self.config.pause_seconds <= 0
        arg = {
            "wanted": _KEYS,
            "read": read,
            "advance": advance,
            "prefetch": prefetch,
            "timeoutMs": self._timeout_ms,
        }
        if advance:
            self.clicks += 1
        try:
            # The in-page wait ends by itself at timeoutMs; the outer bound covers a
            # renderer that stopped answering altogether.
            state = await asyncio.wait_for(
                page.evaluate(WAIT_STATE_JS, arg), self.config.timeout_seconds + 10
            )
        except TimeoutError:
            raise PayShackPageTimeoutError(what, self.config.timeout_seconds) from None
        except PlaywrightError:
            # The page navigated while waiting (to the login form, when the session
            # expired, or a next-page link that loads a new document):
            # wait_for_function keeps polling across navigations.
            state = await self._state_across_navigation(page, what, read)
        if state is None or str(state).startswith("timeout:"):
            why = str(state or "").removeprefix("timeout:")
            raise PayShackPageTimeoutError(what + (f" (waiting on: {why})" if why else ""),
                                           self.config.timeout_seconds)  # fmt: skip
        if state == "no-next":
            raise _Stuck(f"the next-page control is gone or disabled after {self.pages_read} pages")
        return str(state)

    async def _state_across_navigation(self, page: Page, what: str, read: bool) -> str:
        try:
            handle = await page.wait_for_function(
                PAGE_STATE_JS,
                arg={"wanted": _KEYS, "read": read},
                polling=5,  # ms: the check is cheap; raf would add up to a frame per wait
                timeout=self._timeout_ms,
            )
        except PlaywrightTimeoutError:
            raise PayShackPageTimeoutError(what, self.config.timeout_seconds) from None
        return str(await handle.json_value())
