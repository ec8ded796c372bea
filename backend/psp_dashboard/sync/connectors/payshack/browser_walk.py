"""One browser tab walking the Pay-In table: open, filter, page size, every page.

Controls are found by role and visible text (a "Next" button or link, a select whose
options are page sizes, inputs labelled From/To, an "Apply" button); the table and its
columns by header text (`browser_table`). Every wait is on a condition of the page —
its own data call answered, no busy marker, rows re-rendered — and bounded by the
timeout; nothing sleeps a fixed time except the politeness pause and the back-off
before retrying a page whose data call failed.

Speed: one round trip per page — the in-page script waits, reads every cell at once
and (without a politeness pause) activates Next before answering, so the browser loads
page N+1 while Python parses page N and the pipeline stores it.

When the session expires mid-walk the page shows the login form: the walk logs in
again and resumes at the page it was on (via the URL of the last page read, which the
dashboard keeps in step; if the pager then shows another page number, it replays the
filters and clicks Next up to there).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

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
    MARK_STALE_JS,
    PAGE_STATE_JS,
    REQUIRED_HEADER_KEYS,
    TABLE_STATE,
    WAIT_STATE_JS,
    TableSnapshot,
    column_indices,
    reported_page,
    scraped_row,
)

logger = logging.getLogger(__name__)

NEXT = re.compile(r"^\s*next\b", re.IGNORECASE)
PAYIN_LINK = re.compile(r"^\s*pay[\s-]?in\b", re.IGNORECASE)
FROM_LABEL = re.compile(r"\b(from|start)\b", re.IGNORECASE)
TO_LABEL = re.compile(r"^\s*(to|end|until)\b|\b(to|end)\s+date\b|\bdate\s+to\b", re.IGNORECASE)
APPLY = re.compile(r"^\s*(apply|search|filter|go)\b", re.IGNORECASE)
RETRY = re.compile(r"^\s*(retry|try again|reload)\b", re.IGNORECASE)
# Logins in a row without reading a page in between before the walk gives up.
MAX_FRUITLESS_LOGINS = 3
_KEYS = list(REQUIRED_HEADER_KEYS)
_OPTIONS_JS = "el => el.options ? Array.from(el.options).map(o => [o.value, o.text]) : null"
_TABLE = "the Pay-In table (headed " + ", ".join(COLUMNS.values()) + ")"

Row = dict[str, str | None]
Sleep = Callable[[float], Awaitable[None]]


class _SessionLost(Exception):
    """The page shows the login form: the dashboard session is gone."""


@dataclass(frozen=True, slots=True)
class WalkConfig:
    base_url: str
    payin_path: str | None  # None: reach the page through the "Pay-In" navigation link
    timeout_seconds: float = 30.0
    page_retries: int = 3  # retries of a page whose own data call failed (429, 5xx)
    pause_seconds: float = 0.0  # politeness between pages
    diagnostics_dir: Path = Path("var/diagnostics")
    sleep: Sleep = asyncio.sleep


class PayInWalk:
    """Rows of every page of one date range, as `(rows, is_last_page)`."""

    def __init__(
        self,
        session: BrowserSession,
        config: WalkConfig,
        date_from: date | None = None,
        date_to: date | None = None,
    ) -> None:
        self.session = session
        self.config = config
        self.date_from, self.date_to = date_from, date_to
        self.pages_read = 0
        self.relogins = 0
        self._timeout_ms = config.timeout_seconds * 1000

    async def rows(self) -> AsyncGenerator[tuple[list[Row], bool], None]:
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

    async def _walk(self, page: Page) -> AsyncGenerator[tuple[list[Row], bool], None]:
        page_no = 0  # pages read so far
        last_url: str | None = None
        previous: list[str | None] | None = None
        fruitless = 0
        need_setup, advance = True, False
        while True:
            try:
                if need_setup:
                    advance = await self._setup(page, page_no, last_url)
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
            fruitless = 0
            indices = column_indices(snapshot.headers)
            rows = [scraped_row(cells, indices) for cells in snapshot.rows]
            ids = [r["txnId"] for r in rows]
            if rows and ids == previous:
                raise PayShackBrowserError(
                    f"PayShack Pay-In page {page_no + 1} repeats page {page_no}: "
                    "the Next control did not advance"
                )
            previous = ids
            page_no += 1
            self.pages_read = page_no
            last = not snapshot.has_next or not rows
            yield rows, last
            if last:
                return
            last_url = snapshot.url
            if self.config.pause_seconds > 0:
                await self.config.sleep(self.config.pause_seconds)
            # Unless the read already activated Next (prefetch), the next read does it
            # first, in the same round trip.
            advance = not snapshot.advanced

    # --- getting to a page -----------------------------------------------------------

    async def _setup(self, page: Page, page_no: int, last_url: str | None) -> bool:
        """Show page `page_no` (nothing when none was read yet: page 1 then); whether
        Next must still be activated to reach the page to read."""
        if last_url is not None:
            await page.goto(last_url)
            snapshot = await self._read(page, page_no)
            shown = reported_page(snapshot.pager_text)
            if shown is None or shown == page_no:
                return not snapshot.advanced
            logger.info("payshack browser: the URL showed page %s, replaying to %d", shown, page_no)
        await self._open_payin(page)
        await self._apply_dates(page)
        await self._max_page_size(page)
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

    async def _apply_dates(self, page: Page) -> None:
        start, end = page.get_by_label(FROM_LABEL).first, page.get_by_label(TO_LABEL).first
        present = await start.count() > 0 and await end.count() > 0
        if self.date_from is None or self.date_to is None:
            # The whole history: only clear a range the page may have pre-filled.
            if not present or not (await start.input_value() or await end.input_value()):
                return
            values = ("", "")
        elif not present:
            raise PayShackBrowserError(
                "PayShack Pay-In page has no date filter (inputs labelled From and To)"
            )
        else:
            values = (self.date_from.isoformat(), self.date_to.isoformat())
        await start.fill(values[0])
        await end.fill(values[1])
        await page.evaluate(MARK_STALE_JS, _KEYS)
        apply = page.get_by_role("button", name=APPLY).first
        if await apply.count():
            await apply.click()
        else:
            await end.press("Enter")
        await self._settle(page, 1, "the date filter to apply", read=False)

    async def _max_page_size(self, page: Page) -> int | None:
        """Choose the largest option of the select whose options are all page sizes."""
        selects = page.get_by_role("combobox")
        for i in range(await selects.count()):
            select = selects.nth(i)
            options = await select.evaluate(_OPTIONS_JS)
            if not options:
                continue
            sizes = [(int(t.strip()), v) for v, t in options if t.strip().isdigit()]
            if len(sizes) != len(options):
                continue
            size, value = max(sizes)
            if await select.input_value() != value:
                await page.evaluate(MARK_STALE_JS, _KEYS)
                await select.select_option(value)
                await self._settle(page, 1, "the page size to change", read=False)
            return size
        logger.warning("payshack browser: no page-size selector; walking the default size")
        return None

    # --- waiting and reading ---------------------------------------------------------

    async def _read(self, page: Page, page_no: int, *, advance: bool = False) -> TableSnapshot:
        what = f"page {page_no} of {_TABLE} to load"
        snapshot = await self._settle(page, page_no, what, advance=advance)
        assert snapshot is not None
        snapshot.check_not_empty(page_no)
        return snapshot

    async def _settle(
        self, page: Page, page_no: int, what: str, *, read: bool = True, advance: bool = False
    ) -> TableSnapshot | None:
        """Wait until the table is ready (and read it); retry with back-off when the page
        reports that its own data call failed; `_SessionLost` when it shows the login."""
        retries = self.config.page_retries
        for attempt in range(1, retries + 2):
            state = await self._state(page, what, read=read, advance=advance and attempt == 1)
            if state.startswith((TABLE_STATE, ADVANCED_STATE)):
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
            # expired): wait_for_function keeps polling across navigations.
            state = await self._state_across_navigation(page, what, read)
        if state is None:
            raise PayShackPageTimeoutError(what, self.config.timeout_seconds)
        if state == "no-next":
            raise PayShackBrowserError(
                f"PayShack Pay-In page: the Next control vanished or is disabled after "
                f"{self.pages_read} pages"
            )
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
