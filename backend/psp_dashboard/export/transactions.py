"""The transactions export: count, refuse above the cap, audit, then stream.

Rows that need no Python (the caller may see payer data) are rendered by PostgreSQL's
COPY; masked rows and XLSX go through a server-side cursor (`kit/streaming.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncEngine

from psp_dashboard.audit.service import record
from psp_dashboard.auth.masking import mask_export_row
from psp_dashboard.auth.principal import Principal
from psp_dashboard.export.files import Export, too_large
from psp_dashboard.kit.streaming import (
    Format,
    copy_csv,
    cursor_batches,
    file_body,
    to_asyncpg,
)
from psp_dashboard.kit.tabular import CSV_MEDIA_TYPE, Column, sql_csv_cell
from psp_dashboard.transactions import repository
from psp_dashboard.transactions.filters import TransactionFilters

_KINDS: dict[str, Any] = {
    "id": "code",
    "source": "code",
    "currency": "code",
    "status": "code",
    "direction": "code",
    "country": "code",
    "amount": "money",
    "fee": "money",
    "created_at": "timestamp",
    "updated_at": "timestamp",
    "completed_at": "timestamp",
}
_WIDTHS = {"id": 38, "created_at": 22, "updated_at": 22, "completed_at": 22, "amount": 14}
_MONEY_CURRENCY = "currency"  # each row's amount and fee are in that row's currency
COLUMNS: tuple[Column, ...] = tuple(
    Column(
        name,
        _KINDS.get(name, "text"),
        _WIDTHS.get(name, 18),
        _MONEY_CURRENCY if _KINDS.get(name) == "money" else None,
    )
    for name in repository.FIELDS
)


def filename(filters: TransactionFilters, fmt: Format, today: date) -> str:
    """`transactions_2026-01-01_2026-01-31.csv`; open ends say `start` / today's date."""
    if filters.from_date is None and filters.to_date is None:
        return f"transactions_all_{today.isoformat()}.{fmt}"
    first = filters.from_date.isoformat() if filters.from_date else "start"
    last = (filters.to_date or today).isoformat()
    return f"transactions_{first}_{last}.{fmt}"


def _copy_statement(filters: TransactionFilters, sort_by: str, order: str, cap: int) -> Select[Any]:
    src, where = repository.source(filters)
    cells = [
        sql_csv_cell(src.c[c.name], c.kind, src.c[c.currency] if c.currency else None).label(c.name)
        for c in COLUMNS
    ]
    return repository.ordered(select(*cells).where(*where), src, sort_by, order).limit(cap)


def _masked(principal: Principal) -> Callable[[Sequence[Any]], Sequence[Any]]:
    names = [c.name for c in COLUMNS]

    def row(record: Sequence[Any]) -> list[Any]:
        masked = mask_export_row(dict(zip(names, record, strict=True)), principal)
        return [masked[n] for n in names]

    return row


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
    reads: AsyncEngine | None = None,
) -> Export:
    """Count (exact, from the rollup when it can), refuse above `cap`, audit, then stream
    (from `reads`, the read replica, when given; the count and audit stay on `engine`)."""
    filters = filters.for_principal(principal)
    async with engine.begin() as conn:
        rows = await repository.count(conn, filters)
        if rows > cap:
            raise too_large(
                rows,
                cap,
                "filters",
                "Narrow the filters (e.g. a shorter date range) and export in parts.",
            )
        params = {**filters.as_params(), "format": fmt, "sort_by": sort_by, "order": order}
        await record(conn, principal, "export.transactions", params={**params, "rows": rows})
    # LIMIT cap as well: rows arriving between the count and the COPY cannot exceed it.
    name = filename(filters, fmt, today)
    if fmt == "csv" and not principal.masks_payer_data:
        body = copy_csv(reads or engine, COLUMNS, _copy_statement(filters, sort_by, order, cap))
        return Export(name, CSV_MEDIA_TYPE, rows, body)
    sql, args = to_asyncpg(repository.select_rows(filters, sort_by, order).limit(cap))
    batches = cursor_batches(reads or engine, sql, args, _masked(principal))
    body, media_type = file_body(fmt, COLUMNS, "Transactions", batches)
    return Export(name, media_type, rows, body)
