"""PayShack through its dashboard in a headless Chromium (`PAYSHACK_TRANSPORT=browser`).

The same sync model as the api transport (`window.py`: windows, data-derived watermark,
completeness against the totals the page shows, early end below the window), so
switching transports keeps the watermark meaningful. The late-change sweep re-reads the
horizon whole (`late.py`): the page may have no status filter and cannot look a pay-in
up by id.

What a scraped row holds: the table's columns under the API's key names — txnId,
orderId, amount, paidAmount, txnStatus, clientName, utr, createdAt, modifiedAt, and
payerName, fee, completedAt, mode, channel when the page shows them. Times are to the
second (see docs/payshack-browser.md).

Chromium's lifetime belongs to `BrowserSession`, an async context manager: one per walk,
or one shared by several walks inside `async with transport`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from psp_dashboard.sync.connectors.completeness import ListingPage
from psp_dashboard.sync.connectors.payshack.browser_errors import (
    PayShackBrowserError,
    PayShackBrowserLaunchError,
    PayShackColumnMissingError,
    PayShackLoginFormNotFoundError,
    PayShackLoginRejectedError,
    PayShackPageError,
    PayShackPageTimeoutError,
    PayShackSessionExpiredError,
)
from psp_dashboard.sync.connectors.payshack.browser_session import (
    BrowserSession,
    InMemoryStateStore,
    RedisStateStore,
    StateStore,
)
from psp_dashboard.sync.connectors.payshack.browser_walk import PayInWalk, Sleep, WalkConfig
from psp_dashboard.sync.connectors.payshack.listing import WATERMARK, ListingQuery
from psp_dashboard.sync.connectors.payshack.normalize import (
    DEFAULT_CLIENT_PROJECTS,
    normalize_payshack,
)
from psp_dashboard.sync.connectors.payshack.window import WindowedPayShack
from psp_dashboard.sync.records import NormalizedTransaction, Source

__all__ = [
    "WATERMARK",
    "InMemoryStateStore",
    "PayShackBrowserError",
    "PayShackBrowserLaunchError",
    "PayShackBrowserTransport",
    "PayShackColumnMissingError",
    "PayShackLoginFormNotFoundError",
    "PayShackLoginRejectedError",
    "PayShackPageError",
    "PayShackPageTimeoutError",
    "PayShackSessionExpiredError",
    "RedisStateStore",
    "StateStore",
]


def _secret(value: SecretStr | str) -> SecretStr:
    return value if isinstance(value, SecretStr) else SecretStr(value)


class PayShackBrowserTransport(WindowedPayShack):
    source: Source = "payshack"

    def __init__(
        self,
        base_url: str,
        email: SecretStr | str,
        password: SecretStr | str,
        *,
        payin_path: str | None = "/payin",
        chromium_path: Path = Path("/usr/bin/chromium"),
        state_store: StateStore | None = None,
        client_projects: Mapping[str, str] = DEFAULT_CLIENT_PROJECTS,
        diagnostics_dir: Path = Path("var/diagnostics"),
        overlap: timedelta = timedelta(hours=2),
        sync_start: date | None = None,
        clock_tolerance: timedelta = timedelta(hours=1),
        late_change_days: int = 3,
        late_change_max_pages: int = 1000,
        pause_seconds: float = 0.0,
        timeout_seconds: float = 30.0,
        page_retries: int = 3,
        headless: bool = True,
        sleep: Sleep = asyncio.sleep,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._email, self._password = _secret(email), _secret(password)
        self.state_store: StateStore = state_store or InMemoryStateStore()
        self.client_projects = client_projects
        self.chromium_path = chromium_path
        self.overlap = overlap
        self.sync_start = sync_start
        self.clock_tolerance = clock_tolerance
        self.late_change_days = late_change_days
        self.late_change_max_pages = late_change_max_pages
        self.timeout_seconds = timeout_seconds
        self.headless = headless
        path = "/" + payin_path.strip("/") if payin_path and payin_path.strip("/") else None
        self.walk_config = WalkConfig(
            base_url=self.base_url,
            payin_path=path,
            timeout_seconds=timeout_seconds,
            page_retries=page_retries,
            pause_seconds=pause_seconds,
            diagnostics_dir=diagnostics_dir,
            sleep=sleep,
        )
        self._now = now or (lambda: datetime.now(UTC))
        self._shared: BrowserSession | None = None
        self.last_walk: PayInWalk | None = None  # counters of the latest walk (tests, bench)

    def __repr__(self) -> str:  # never shows credentials
        return f"PayShackBrowserTransport(base_url={self.base_url!r})"

    def normalize(self, raw: dict[str, Any]) -> NormalizedTransaction:
        return normalize_payshack(raw, self.client_projects)

    # --- browser lifetime -------------------------------------------------------------

    def new_session(self) -> BrowserSession:
        return BrowserSession(
            self.chromium_path,
            self._email,
            self._password,
            self.state_store,
            timeout_seconds=self.timeout_seconds,
            headless=self.headless,
        )

    async def __aenter__(self) -> PayShackBrowserTransport:
        """Hold one browser for several walks (e.g. concurrent backfill days, one tab each)."""
        if self._shared is None:
            session = self.new_session()
            await session.__aenter__()
            self._shared = session
        return self

    async def aclose(self) -> None:
        session, self._shared = self._shared, None
        if session is not None:
            await session.__aexit__(None, None, None)

    @property
    def holding(self) -> bool:
        return self._shared is not None

    @asynccontextmanager
    async def _browser(self) -> AsyncIterator[BrowserSession]:
        if self._shared is not None:
            yield self._shared
            return
        async with self.new_session() as session:
            yield session

    # --- reading ----------------------------------------------------------------------

    async def listing(self, query: ListingQuery) -> AsyncGenerator[ListingPage, None]:
        """Every page of one filtered view of the Pay-In table, in one tab."""
        if query.status or query.txn_id:
            raise PayShackBrowserError("the browser transport reads by date only")
        async with self._browser() as session:
            walk = PayInWalk(session, self.walk_config, query)
            self.last_walk = walk
            async for page in walk.listing():
                yield page
