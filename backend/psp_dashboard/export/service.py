"""Transaction exports: count, refuse above the cap, audit, then stream.

Rows that need no Python (the caller may see payer data) are rendered by PostgreSQL's
COPY; masked rows and XLSX go through a server-side cursor. Either way memory stays
flat: nothing holds more than a batch of rows.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncEngine

from psp_dashboard.audit.service import record
from psp_dashboard.auth.deps import Principal
from psp_dashboard.auth.masking import mask_export_row
from psp_dashboard.errors import ValidationFailed
from psp_dashboard.kit.tabular import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Column,
    XlsxSink,
    copy_csv,
    csv_chunks,
    sql_csv_cell,
    stream_file,
    temp_path,
    to_asyncpg,
)
from psp_dashboard.transactions import repository
from psp_dashboard.transactions.filters import TransactionFilters

Format = Literal["csv", "xlsx"]
CURSOR_BATCH = 5_000

_KINDS: dict[str, Any] = {
    "id": "code",
    "source": "code",
    "currency": "code",
    "status": "code",
    "country": "code",
    "amount": "money",
    "fee": "money",
    "created_at": "timestamp",
    "updated_at": "timestamp",
    "completed_at": "timestamp",
}
_WIDTHS = {"id": 38, "created_at": 22, "updated_at": 22, "completed_at": 22, "amount": 14}
COLUMNS: tuple[Column, ...] = tuple(
    Column(name, _KINDS.get(name, "text"), _WIDTHS.get(name, 18)) for name in repository.FIELDS
)


@dataclass(frozen=True, slots=True)
class Export:
    filename: str
    media_type: str
    rows: int
    body: AsyncIterator[bytes]


def filename(filters: TransactionFilters, fmt: Format, today: date) -> str:
    """`transactions_2026-01-01_2026-01-31.csv`; open ends say `start` / today's date."""
    if filters.from_date is None and filters.to_date is None:
        return f"transactions_all_{today.isoformat()}.{fmt}"
    first = filters.from_date.isoformat() if filters.from_date else "start"
    last = (filters.to_date or today).isoformat()
    return f"transactions_{first}_{last}.{fmt}"


def too_large(rows: int, cap: int) -> ValidationFailed:
    return ValidationFailed(
        f"The export would hold {rows:,} rows; at most {cap:,} can be exported at once. "
        "Narrow the filters (e.g. a shorter date range) and export in parts.",
        {"field": "filters", "reason": "export_too_large", "rows": rows, "max_rows": cap},
    )


def _copy_statement(filters: TransactionFilters, sort_by: str, order: str, cap: int) -> Select[Any]:
    src, where = repository.source(filters)
    cells = [sql_csv_cell(src.c[c.name], c.kind).label(c.name) for c in COLUMNS]
    return repository.ordered(select(*cells).where(*where), src, sort_by, order).limit(cap)


async def _cursor_rows(
    engine: AsyncEngine, stmt: Select[Any], principal: Principal
) -> AsyncGenerator[list[list[Any]], None]:
    """Batches of rows (masked for the principal) from a server-side cursor."""
    sql, args = to_asyncpg(stmt)
    names = [c.name for c in COLUMNS]
    async with engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        done = False
        try:
            async with driver.transaction(readonly=True):
                cursor = await driver.cursor(sql, *args)
                while records := await cursor.fetch(CURSOR_BATCH):
                    batch = []
                    for record_ in records:
                        row = mask_export_row(dict(zip(names, record_, strict=True)), principal)
                        batch.append([row[n] for n in names])
                    yield batch
            done = True
        finally:
            if not done:  # client went away mid-fetch: the connection state is unknown
                await conn.invalidate()


async def _flat(batches: AsyncIterator[list[list[Any]]]) -> AsyncIterator[Sequence[Any]]:
    async for batch in batches:
        for row in batch:
            yield row


async def _xlsx(
    engine: AsyncEngine, stmt: Select[Any], principal: Principal
) -> AsyncIterator[bytes]:
    path = temp_path(".xlsx")
    try:
        sink = await asyncio.to_thread(XlsxSink, path, COLUMNS, "Transactions")
        batches = _cursor_rows(engine, stmt, principal)
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


async def export_transactions(
    engine: AsyncEngine,
    principal: Principal,
    filters: TransactionFilters,
    *,
    fmt: Format,
    sort_by: str,
    order: str,
    cap: int,
    today: date,
    use_daily: bool = False,
) -> Export:
    """Count (exact, from the rollup when it can), refuse above `cap`, audit, then stream."""
    filters = filters.for_principal(principal)
    async with engine.begin() as conn:
        rows = await repository.count(conn, filters, use_daily=use_daily)
        if rows > cap:
            raise too_large(rows, cap)
        params = {**filters.as_params(), "format": fmt, "sort_by": sort_by, "order": order}
        await record(conn, principal, "export.transactions", params={**params, "rows": rows})
    # LIMIT cap as well: rows arriving between the count and the COPY cannot exceed it.
    if fmt == "csv" and not principal.masks_payer_data:
        body = copy_csv(engine, COLUMNS, _copy_statement(filters, sort_by, order, cap))
        media_type = CSV_MEDIA_TYPE
    else:
        plain = repository.select_rows(filters, sort_by, order).limit(cap)
        if fmt == "csv":
            body = csv_chunks(COLUMNS, _flat(_cursor_rows(engine, plain, principal)))
            media_type = CSV_MEDIA_TYPE
        else:
            body = _xlsx(engine, plain, principal)
            media_type = XLSX_MEDIA_TYPE
    return Export(filename(filters, fmt, today), media_type, rows, body)
