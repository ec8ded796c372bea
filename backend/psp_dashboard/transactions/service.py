"""Transaction list and detail: paging rules, money shaping, masking."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.auth.masking import mask_transaction
from psp_dashboard.auth.principal import Principal
from psp_dashboard.errors import found
from psp_dashboard.kit import keyset
from psp_dashboard.kit.json import money
from psp_dashboard.kit.paging import offset_of, page_meta
from psp_dashboard.transactions import repository
from psp_dashboard.transactions.filters import TransactionFilters
from psp_dashboard.upi import service as upi


def shape(row: dict[str, Any], principal: Principal) -> dict[str, Any]:
    row["amount"] = money(row["amount"])
    if row["fee"] is not None:
        row["fee"] = money(row["fee"])
    return mask_transaction(row, principal)


def _scope(sort_by: str, order: str) -> str:
    return f"transactions:{sort_by}:{order}"


def _position(sort_by: str, order: str, text: str) -> tuple[Any, uuid.UUID]:
    """The cursor's (sort value, id), typed for the sort column."""
    cursor = keyset.decode(_scope(sort_by, order), text, 1)
    raw = cursor.values[0]
    try:
        row_id = uuid.UUID(cursor.row_id)
        if raw is None:
            if sort_by != "updated_at":
                raise ValueError("only updated_at is nullable")
            return None, row_id
        value: Any = raw
        if sort_by in ("created_at", "updated_at"):
            value = datetime.fromisoformat(raw)
            if value.tzinfo is None:
                raise ValueError("naive timestamp")
        elif sort_by == "amount":
            value = Decimal(raw)
            if not value.is_finite():
                raise ValueError("not a number")
        return value, row_id
    except (ValueError, ArithmeticError):
        raise keyset.bad_value(text) from None


def _next_cursor(rows: list[dict[str, Any]], sort_by: str, order: str) -> str:
    last = rows[-1]
    value = last[sort_by]
    rendered = (
        None if value is None else value.isoformat() if isinstance(value, datetime) else str(value)
    )
    return keyset.encode(_scope(sort_by, order), keyset.Cursor((rendered,), str(last["id"])))


async def list_transactions(
    conn: AsyncConnection,
    principal: Principal,
    filters: TransactionFilters,
    *,
    page: int,
    limit: int,
    sort_by: str,
    order: str,
    cursor: str | None = None,
) -> dict[str, Any]:
    """A page by number (OFFSET, capped) or after a cursor (keyset); both answers carry
    `next_cursor`. One row beyond the page is read to know whether there is a next."""
    keyset.check_exclusive(page, cursor)
    filters = filters.for_principal(principal)
    if cursor is not None:
        position = _position(sort_by, order, cursor)
        total = await repository.count(conn, filters)
        rows = await repository.page_after(conn, filters, sort_by, order, limit + 1, position)
        meta: dict[str, Any] = page_meta(page, limit, total)
        del meta["page"]
    else:
        offset = offset_of(page, limit)
        total = await repository.count(conn, filters)
        rows = (
            await repository.page(conn, filters, sort_by, order, limit + 1, offset)
            if offset < total
            else []
        )
        meta = page_meta(page, limit, total)
    more = len(rows) > limit
    rows = rows[:limit]
    meta["next_cursor"] = _next_cursor(rows, sort_by, order) if more else None
    rows = await upi.annotate(conn, rows, filters.deemed_before)
    return {"data": [shape(row, principal) for row in rows], "meta": meta}


async def get_transaction(
    conn: AsyncConnection,
    principal: Principal,
    transaction_id: uuid.UUID,
    deemed_before: datetime | None = None,
) -> dict[str, Any]:
    row = found(
        await repository.get(conn, transaction_id),
        "Transaction not found",
        {"id": str(transaction_id)},
    )
    (row,) = await upi.annotate(conn, [row], deemed_before)
    return shape(row, principal)
