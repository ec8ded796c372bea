"""Vima collector API connector: two cursor walks per run, and bounded windows.

1. New operations: `from_operation_create_id=<last>&descending=false&count=<n>` until an
   empty page. The first sync (no create cursor) starts from the beginning, or from
   `VIMA_SYNC_START` with `from=YYYY-MM-DD`.
2. Changed operations: the same walk over `from_operation_update_id`.

Cursors are large integers sent as strings; they are compared as integers (max by
value), never as text ("999" > "1000" as strings). Each page's checkpoint carries both
cursors as far as they are safe to persist.

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
from typing import Any, Literal

import httpx
from pydantic import SecretStr

from psp_dashboard.kit.timeparse import parse_iso_utc
from psp_dashboard.sync.connectors.base import RawPage
from psp_dashboard.sync.connectors.http import (
    RetryingClient,
    RetryPolicy,
    Sleep,
    new_async_client,
)
from psp_dashboard.sync.connectors.vima.normalize import normalize_vima
from psp_dashboard.sync.errors import UpstreamProtocolError
from psp_dashboard.sync.records import NormalizedTransaction, Source

logger = logging.getLogger(__name__)

CREATE_CURSOR = "last_create_cursor"
UPDATE_CURSOR = "last_update_cursor"
WINDOW_CURSOR = "cursor"  # a window's own create cursor (backfill shards)
MAX_PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class _Walk:
    stream: Literal["create", "update"]
    state_key: str
    cursor_field: str  # the record field holding this walk's cursor
    param: str  # the query parameter that resumes after a cursor
    time_field: str  # the record time that dates the cursor (for the lag window)


_WALKS = (
    _Walk("create", CREATE_CURSOR, "operation_create_id", "from_operation_create_id",
          "operation_created_at"),
    _Walk("update", UPDATE_CURSOR, "operation_update_id", "from_operation_update_id",
          "operation_modified_at"),
)  # fmt: skip


def _cursor_value(value: Any) -> int | None:
    """A cursor as an int, or None when absent or not an integer."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _created_in(row: Mapping[str, Any], start: datetime | None, end: datetime | None) -> bool:
    """start <= operation_created_at < end; a row whose time does not parse is kept (the
    normalizer quarantines it visibly)."""
    try:
        created = parse_iso_utc(row.get("operation_created_at") or "")
    except ValueError:
        return True
    return (start is None or created >= start) and (end is None or created < end)


class VimaConnector:
    source: Source = "vima"

    def __init__(
        self,
        base_url: str,
        api_key: SecretStr | str,
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
        `/operation` is appended. `client`, when given, is used and not closed."""
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}")
        if max_pages_per_run < 1:
            raise ValueError("max_pages_per_run must be at least 1")
        self.url = base_url.rstrip("/") + "/operation"
        self._api_key = api_key if isinstance(api_key, SecretStr) else SecretStr(api_key)
        self.page_size = page_size
        self.max_pages_per_run = max_pages_per_run
        self.lag = timedelta(seconds=lag_seconds)
        self.sync_start = sync_start
        self.retry = retry or RetryPolicy()
        self._client = client
        self._sleep = sleep
        self._now = now or (lambda: datetime.now(UTC))

    def __repr__(self) -> str:  # never shows the key
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
            "apikey": self._api_key.get_secret_value(),
            "count": self.page_size,
            "descending": "false",  # always sent: the default is undocumented
            **extra,
        }
        response = await http.request_json("GET", self.url, params=params)
        body = response.body
        if not isinstance(body, list) or not all(isinstance(r, dict) for r in body):
            raise UpstreamProtocolError(
                f"Vima {httpx.URL(self.url).path} did not answer a JSON array of operations"
            )
        return body

    async def pages(self, state: Mapping[str, str]) -> AsyncGenerator[RawPage, None]:
        """Create walk, then update walk, at most `max_pages_per_run` pages in total."""
        horizon = self._now() - self.lag
        checkpoint = {
            key: str(value)
            for key in (CREATE_CURSOR, UPDATE_CURSOR)
            if (value := _cursor_value(state.get(key))) is not None
        }
        page_no = 0
        async with self._http() as http:
            for walk in _WALKS:
                # The walk position runs ahead of the checkpoint when lag holds it back.
                position = _cursor_value(checkpoint.get(walk.state_key))
                if position is None and walk.stream == "update":
                    # Without a cursor the API answers in creation order, and walking on
                    # from the highest update id of such a page would skip the rest:
                    # the update walk starts at update id 0 instead.
                    position = 0
                while True:
                    if page_no >= self.max_pages_per_run:
                        logger.info("vima: page budget of %d reached", self.max_pages_per_run)
                        return
                    extra: dict[str, str] = {}
                    if position is not None:
                        extra[walk.param] = str(position)
                    elif self.sync_start is not None:
                        extra["from"] = self.sync_start.isoformat()
                    rows = await self.fetch_page(http, extra)
                    position, done = self._advance(walk, rows, position)
                    if done:
                        break
                    page_no += 1
                    safe = self._safe_cursor(walk, rows, horizon)
                    stored = _cursor_value(checkpoint.get(walk.state_key))
                    if safe is not None and (stored is None or safe > stored):
                        checkpoint[walk.state_key] = str(safe)
                    yield RawPage(rows, dict(checkpoint), page_no, walk.stream)

    async def window_pages(
        self,
        start: datetime | None,
        end: datetime | None,
        *,
        checkpoint: Mapping[str, str] | None = None,
    ) -> AsyncGenerator[RawPage, None]:
        """Operations created in [start, end): the create-cursor walk over the window's
        UTC days (`from`/`to`), resumable from the `cursor` its pages carry."""
        walk = _WALKS[0]
        days: dict[str, str] = {}
        if start is not None:
            days["from"] = start.astimezone(UTC).date().isoformat()
        if end is not None:
            last = end.astimezone(UTC) - timedelta(microseconds=1)
            days["to"] = last.date().isoformat()
        position = _cursor_value((checkpoint or {}).get(WINDOW_CURSOR))
        label = f"window {days.get('from', '…')} → {days.get('to', 'open')}"
        page_no = 0
        async with self._http() as http:
            while True:
                extra = dict(days)
                if position is not None:
                    extra[walk.param] = str(position)
                rows = await self.fetch_page(http, extra)
                position, done = self._advance(walk, rows, position)
                if done:
                    return
                page_no += 1
                kept = [r for r in rows if _created_in(r, start, end)]
                yield RawPage(kept, {WINDOW_CURSOR: str(position)}, page_no, label)

    @staticmethod
    def _advance(
        walk: _Walk, rows: list[dict[str, Any]], position: int | None
    ) -> tuple[int | None, bool]:
        """(next walk position, walk finished). An empty page ends the walk; so does a
        page that only repeats the cursor row (a server reading the cursor inclusively).
        A page that does not move the cursor otherwise would loop forever: an error."""
        if not rows:
            return position, True
        values = [v for r in rows if (v := _cursor_value(r.get(walk.cursor_field))) is not None]
        highest = max(values, default=None)
        if highest is not None and (position is None or highest > position):
            return highest, False
        if position is not None and len(values) == len(rows) and set(values) == {position}:
            return position, True
        raise UpstreamProtocolError(
            f"Vima {walk.stream} cursor did not advance past {position or 'the start'} "
            f"({walk.cursor_field} missing or not increasing)"
        )

    def _safe_cursor(
        self, walk: _Walk, rows: list[dict[str, Any]], horizon: datetime
    ) -> int | None:
        """Highest cursor among rows old enough to persist past (all of them if no lag)."""
        safe: list[int] = []
        for row in rows:
            value = _cursor_value(row.get(walk.cursor_field))
            if value is None:
                continue
            if self.lag:
                try:
                    when = parse_iso_utc(row.get(walk.time_field) or "")
                except ValueError:
                    continue  # undatable rows never move the persisted cursor
                if when > horizon:
                    continue
            safe.append(value)
        return max(safe, default=None)
