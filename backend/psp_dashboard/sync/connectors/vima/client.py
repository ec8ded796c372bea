"""Vima collector API connector: cursor walks per run, and bounded windows.

First sync (no cursors stored): ONE walk, over the update stream from update id 0. Every
operation is in that stream at its latest update id, so each is read once; anything
created or changed while the walk runs moves to the stream's end and is read there (or
by the next run, which starts after the update cursor). When the walk finishes, the
create cursor is set to the highest create id it read (kept under
`first_sync_create_high` meanwhile, so a stopped or crashed first sync resumes the same
walk from its update cursor, never the whole history again).

Later runs: new operations, `from_operation_create_id=<last>&descending=false&count=<n>`
until an empty page; then changed ones, the same walk over `from_operation_update_id`.

`VIMA_SYNC_START` (a date): the first request of a create walk without a cursor and every
update-walk request send `from=YYYY-MM-DD`, and rows created earlier are dropped on
arrival (should a server ignore `from`), so nothing earlier is stored, even when it
changes later.

Pages are held back one request: a page is delivered once the next answer shows whether
the walk ended, so its checkpoint can say so (the first sync's create cursor, a tie
group known complete). Each page's checkpoint carries the cursors as far as they are safe.

`window_pages(start, end)` (backfills) walks the create cursor inside the days of the
window (`from`/`to`), keeps rows created in [start, end) and checkpoints the cursor, so a
stopped window resumes where it was.

`lag_seconds` is a re-read window: rows newer than (run start − lag) are delivered, but
the persisted cursor stays before them, so the next run reads them again. This guards
against ids that become visible out of order (a lower id committed after a higher one
was read); re-reading is cheap because upserts are idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from pydantic import SecretStr

from psp_dashboard.sync.connectors.base import RawPage
from psp_dashboard.sync.connectors.http import (
    RetryingClient,
    RetryPolicy,
    Sleep,
    new_async_client,
)
from psp_dashboard.sync.connectors.vima.auth import (
    VimaBasicAuth,
    as_credentials,
    auth_headers,
    auth_params,
)
from psp_dashboard.sync.connectors.vima.cursors import (
    CREATE,
    CREATE_CURSOR,
    FIRST_SYNC_CREATE_HIGH,
    UPDATE,
    UPDATE_CURSOR,
    Position,
    Stream,
    created_in,
    cursor_value,
    safe_cursor,
    step,
)
from psp_dashboard.sync.connectors.vima.normalize import normalize_vima
from psp_dashboard.sync.errors import UpstreamProtocolError
from psp_dashboard.sync.records import NormalizedTransaction, Source

logger = logging.getLogger(__name__)

__all__ = ["CREATE_CURSOR", "FIRST_SYNC_CREATE_HIGH", "UPDATE_CURSOR", "VimaConnector"]

WINDOW_CURSOR = "cursor"  # a window's own create cursor (backfill shards)
MAX_PAGE_SIZE = 100


@dataclass
class _Held:
    """A page read but not yet delivered (see "held back" in the module docstring)."""

    rows: list[dict[str, Any]]
    safe: int | None  # highest stream cursor safe to persist (lag)
    after: int | None  # where the walk resumes: the persisted cursor unless complete
    create_safe: int | None  # first sync: highest create id safe to persist


@dataclass
class _Run:
    """What the walks of one run share: the checkpoint so far and the page budget."""

    checkpoint: dict[str, str]
    max_pages: int
    page_no: int = 0
    out_of_pages: bool = False

    def advance(self, key: str, value: int | None) -> None:
        """Move a stored cursor forward (never back)."""
        stored = cursor_value(self.checkpoint.get(key))
        if value is not None and (stored is None or value > stored):
            self.checkpoint[key] = str(value)


class VimaConnector:
    source: Source = "vima"

    def __init__(
        self,
        base_url: str,
        credentials: SecretStr | str | VimaBasicAuth,
        *,
        page_size: int = MAX_PAGE_SIZE,
        max_pages_per_run: int = 2000,
        lag_seconds: float = 0,
        sync_start: date | None = None,
        retry: RetryPolicy | None = None,
        client: httpx.AsyncClient | None = None,
        sleep: Sleep | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        """`base_url` ends with `/collector1/api/v1` (or the vendor sandbox's `/v3`);
        `/operation` is appended. `credentials` is the API key, or a `VimaBasicAuth`.
        `client`, when given, is used and not closed."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}")
        if max_pages_per_run < 1:
            raise ValueError("max_pages_per_run must be at least 1")
        self.url = base_url.rstrip("/") + "/operation"
        self._credentials = as_credentials(credentials)
        self.page_size = page_size
        self.max_pages_per_run = max_pages_per_run
        self.lag = timedelta(seconds=lag_seconds)
        self.sync_start = sync_start
        self.retry = retry or RetryPolicy()
        self._client = client
        self._sleep = sleep
        self._now = now or (lambda: datetime.now(UTC))

    def __repr__(self) -> str:  # never shows the credentials
        return f"VimaConnector(url={self.url!r}, page_size={self.page_size})"

    def normalize(self, raw: dict[str, Any]) -> NormalizedTransaction:
        return normalize_vima(raw)

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """One HTTP client for every walk inside the block (e.g. concurrent backfill
        days), unless one is given or held already."""
        if self._client is not None:
            yield
            return
        async with new_async_client(self.retry.timeout) as client:
            self._client = client
            try:
                yield
            finally:
                self._client = None

    @asynccontextmanager
    async def _http(self) -> AsyncIterator[RetryingClient]:
        if self._client is not None:
            yield self._retrying(self._client)
            return
        async with new_async_client(self.retry.timeout) as client:
            yield self._retrying(client)

    def _retrying(self, client: httpx.AsyncClient) -> RetryingClient:
        if self._sleep is None:
            return RetryingClient(client, self.retry)
        return RetryingClient(client, self.retry, sleep=self._sleep)

    async def fetch_page(
        self, http: RetryingClient, extra: Mapping[str, str]
    ) -> list[dict[str, Any]]:
        """One GET /operation; the body must be a JSON array of objects."""
        params: dict[str, str | int] = {
            **auth_params(self._credentials),
            "count": self.page_size,
            "descending": "false",  # always sent: the default is undocumented
            **extra,
        }
        response = await http.request_json(
            "GET", self.url, params=params, headers=auth_headers(self._credentials) or None
        )
        body = response.body
        if not isinstance(body, list) or not all(isinstance(r, dict) for r in body):
            raise UpstreamProtocolError(
                f"Vima {httpx.URL(self.url).path} did not answer a JSON array of operations"
            )
        return body

    async def pages(self, state: Mapping[str, str]) -> AsyncGenerator[RawPage, None]:
        """The first sync's single update walk, or the create walk then the update
        walk; at most `max_pages_per_run` pages in total."""
        keys = (CREATE_CURSOR, UPDATE_CURSOR, FIRST_SYNC_CREATE_HIGH)
        run = _Run(
            {k: str(v) for k in keys if (v := cursor_value(state.get(k))) is not None},
            self.max_pages_per_run,
        )
        # Both cursors stored = the first sync has finished (an older version's first
        # sync stopped inside its create walk has no update cursor: one walk finishes it).
        first_sync = CREATE_CURSOR not in run.checkpoint or UPDATE_CURSOR not in run.checkpoint
        horizon = self._now() - self.lag if self.lag else None
        async with self._http() as http:
            for stream in (UPDATE,) if first_sync else (CREATE, UPDATE):
                async for page in self._walk(http, stream, run, horizon, first_sync=first_sync):
                    yield page
                if run.out_of_pages:
                    logger.info("vima: page budget of %d reached", self.max_pages_per_run)
                    return

    async def _walk(
        self,
        http: RetryingClient,
        stream: Stream,
        run: _Run,
        horizon: datetime | None,
        *,
        first_sync: bool,
    ) -> AsyncGenerator[RawPage, None]:
        stored = cursor_value(run.checkpoint.get(stream.state_key))
        # Without a cursor the API answers in creation order: the update walk starts at
        # update id 0 so that it is ordered by update id from its first page.
        pos = Position(stored if stored is not None else (0 if stream is UPDATE else None))
        since: dict[str, str] = {}
        if self.sync_start is not None and (stream is UPDATE or pos.after is None):
            since["from"] = self.sync_start.isoformat()
        start_at = (
            datetime.combine(self.sync_start, datetime.min.time(), UTC)
            if self.sync_start is not None
            else None
        )
        held: _Held | None = None
        while True:
            if run.page_no + (held is not None) >= run.max_pages:
                run.out_of_pages = True
                if held is not None:
                    yield self._deliver(stream, run, held, final=False, first_sync=first_sync)
                return
            extra = dict(since)
            if pos.after is not None:
                extra[stream.param] = str(pos.after)
            rows = await self.fetch_page(http, extra)
            moved = step(stream, rows, pos, self.page_size)
            pos = moved.position
            kept = [r for r in moved.rows if start_at is None or created_in(r, start_at, None)]
            if moved.done:
                # Rows of an ending answer repeat what this walk delivered (an inclusive
                # cursor), except new members of the top tie group: those go out too.
                if held is not None:
                    held.rows.extend(kept)
                    yield self._deliver(stream, run, held, final=True, first_sync=first_sync)
                elif first_sync and FIRST_SYNC_CREATE_HIGH in run.checkpoint:
                    # Resumed right at the end: nothing to read, but the first sync is
                    # over and its create cursor must be stored (a page of no records).
                    yield self._deliver(stream, run, _Held([], None, None, None), final=True,
                                        first_sync=first_sync)  # fmt: skip
                return
            if held is not None:
                yield self._deliver(stream, run, held, final=False, first_sync=first_sync)
            held = _Held(
                kept,
                safe_cursor(stream, rows, horizon),
                pos.after if not moved.complete else None,
                safe_cursor(CREATE, rows, horizon) if first_sync else None,
            )

    @staticmethod
    def _deliver(
        stream: Stream, run: _Run, held: _Held, *, final: bool, first_sync: bool
    ) -> RawPage:
        """The held page with its checkpoint. Unless the walk has ended, a tie group at
        the page's top may continue: the cursor then stays where the walk resumes."""
        persist = held.safe
        if not final and held.after is not None and persist is not None:
            persist = min(persist, held.after)
        run.advance(stream.state_key, persist)
        if first_sync:
            run.advance(FIRST_SYNC_CREATE_HIGH, held.create_safe)
            if final:
                run.advance(CREATE_CURSOR, cursor_value(run.checkpoint.get(FIRST_SYNC_CREATE_HIGH)))
        run.page_no += 1
        return RawPage(held.rows, dict(run.checkpoint), run.page_no, stream.name)

    async def window_pages(
        self,
        start: datetime | None,
        end: datetime | None,
        *,
        checkpoint: Mapping[str, str] | None = None,
    ) -> AsyncGenerator[RawPage, None]:
        """Operations created in [start, end): the create-cursor walk over the window's
        UTC days (`from`/`to`), resumable from the `cursor` its pages carry."""
        days: dict[str, str] = {}
        if start is not None:
            days["from"] = start.astimezone(UTC).date().isoformat()
        if end is not None:
            last = end.astimezone(UTC) - timedelta(microseconds=1)
            days["to"] = last.date().isoformat()
        pos = Position(cursor_value((checkpoint or {}).get(WINDOW_CURSOR)))
        label = f"window {days.get('from', '…')} → {days.get('to', 'open')}"
        page_no = 0
        async with self._http() as http:
            while True:
                extra = dict(days)
                if pos.after is not None:
                    extra[CREATE.param] = str(pos.after)
                rows = await self.fetch_page(http, extra)
                moved = step(CREATE, rows, pos, self.page_size)
                if moved.done:
                    return
                pos = moved.position
                page_no += 1
                kept = [r for r in moved.rows if created_in(r, start, end)]
                yield RawPage(kept, {WINDOW_CURSOR: str(pos.after)}, page_no, label)
