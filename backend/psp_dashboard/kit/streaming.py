"""Rows from PostgreSQL to a streamed CSV or XLSX file, in constant memory.

Three producers, all on a connection of their own (the response outlives the request's):
- `copy_csv`: PostgreSQL renders the CSV itself (`COPY (query) TO STDOUT`), streamed
  through a small bounded queue: the fastest path, for rows that need no Python.
- `cursor_batches`: batches from a server-side cursor, for rows that pass through Python
  first (masking); `file_body` writes them as CSV or XLSX (`tabular.py`'s rules).
Nothing holds more than a batch of rows. When the client goes away mid-file, the
connection is discarded rather than returned: its protocol state is unknown.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from typing import Any, Literal

from sqlalchemy import Select
from sqlalchemy.dialects.postgresql import asyncpg as asyncpg_dialect
from sqlalchemy.ext.asyncio import AsyncEngine

from psp_dashboard.kit.tabular import (
    CHUNK_BYTES,
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Column,
    XlsxSink,
    csv_chunks,
    csv_header,
    stream_file,
    temp_path,
)

Format = Literal["csv", "xlsx"]
CURSOR_BATCH = 5_000
_PG_DIALECT = asyncpg_dialect.dialect()  # type: ignore[no-untyped-call]


def to_asyncpg(stmt: Select[Any]) -> tuple[str, list[Any]]:
    """SQL text with $n placeholders and its arguments, for asyncpg's COPY and cursors."""
    compiled = stmt.compile(dialect=_PG_DIALECT, compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    return str(compiled), [params[name] for name in compiled.positiontup or ()]


async def copy_csv(
    engine: AsyncEngine, columns: Sequence[Column], stmt: Select[Any], *, queue_size: int = 8
) -> AsyncIterator[bytes]:
    """`COPY (stmt) TO STDOUT (FORMAT csv)`, streamed.

    The queue is the backpressure: a slow client blocks the COPY (and so the server's
    send buffer) instead of piling rows up in memory.
    """
    sql, args = to_asyncpg(stmt)
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=queue_size)
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None

        async def sink(data: bytes) -> None:
            await queue.put(bytes(data))

        async def run() -> None:
            try:
                await driver.copy_from_query(sql, *args, output=sink, format="csv")
            finally:
                await queue.put(None)

        task = asyncio.create_task(run())
        done = False
        try:
            yield csv_header(columns)
            pending: list[bytes] = []
            size = 0
            while (chunk := await queue.get()) is not None:
                pending.append(chunk)
                size += len(chunk)
                # Coalesce the server's small CopyData messages into larger writes.
                if size >= CHUNK_BYTES or queue.empty():
                    yield b"".join(pending)
                    pending, size = [], 0
            if pending:
                yield b"".join(pending)
            await task  # surfaces a failed COPY
            done = True
        finally:
            if not done:
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
                await conn.invalidate()


async def cursor_batches(
    engine: AsyncEngine,
    sql: str,
    args: Sequence[Any],
    row: Callable[[Sequence[Any]], Sequence[Any]] = list,
) -> AsyncGenerator[list[Sequence[Any]], None]:
    """Batches of `row(record)` from a server-side cursor in a read-only transaction."""
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        done = False
        try:
            async with driver.transaction(readonly=True):
                cursor = await driver.cursor(sql, *args)
                while records := await cursor.fetch(CURSOR_BATCH):
                    yield [row(record) for record in records]
            done = True
        finally:
            if not done:
                await conn.invalidate()


async def _rows(batches: AsyncIterator[list[Sequence[Any]]]) -> AsyncIterator[Sequence[Any]]:
    async for batch in batches:
        for row in batch:
            yield row


async def _xlsx(
    columns: Sequence[Column], sheet: str, batches: AsyncGenerator[list[Sequence[Any]], None]
) -> AsyncIterator[bytes]:
    path = temp_path(".xlsx")
    try:
        sink = await asyncio.to_thread(XlsxSink, path, columns, sheet)
        try:
            async for batch in batches:
                await asyncio.to_thread(sink.add, batch)
        finally:
            await batches.aclose()
            await asyncio.to_thread(sink.close)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        raise
    async for chunk in stream_file(path):
        yield chunk


def file_body(
    fmt: Format,
    columns: Sequence[Column],
    sheet: str,
    batches: AsyncGenerator[list[Sequence[Any]], None],
) -> tuple[AsyncIterator[bytes], str]:
    """The file's bytes and media type. An XLSX (a zip, finished only at close) is
    written to a temp file first and then streamed; a CSV leaves as it is written."""
    if fmt == "csv":
        return csv_chunks(columns, _rows(batches)), CSV_MEDIA_TYPE
    return _xlsx(columns, sheet, batches), XLSX_MEDIA_TYPE
