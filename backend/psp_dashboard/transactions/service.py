"""Transaction list and detail: paging rules, money shaping, masking."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.auth.masking import mask_transaction
from psp_dashboard.auth.principal import Principal
from psp_dashboard.errors import found
from psp_dashboard.kit.json import money
from psp_dashboard.kit.paging import offset_of, page_meta
from psp_dashboard.transactions import repository
from psp_dashboard.transactions.filters import TransactionFilters


def shape(row: dict[str, Any], principal: Principal) -> dict[str, Any]:
    row["amount"] = money(row["amount"])
    if row["fee"] is not None:
        row["fee"] = money(row["fee"])
    return mask_transaction(row, principal)


async def list_transactions(
    conn: AsyncConnection,
    principal: Principal,
    filters: TransactionFilters,
    *,
    page: int,
    limit: int,
    sort_by: str,
    order: str,
) -> dict[str, Any]:
    offset = offset_of(page, limit)
    filters = filters.for_principal(principal)
    total = await repository.count(conn, filters)
    rows = (
        await repository.page(conn, filters, sort_by, order, limit, offset)
        if offset < total
        else []
    )
    return {"data": [shape(row, principal) for row in rows], "meta": page_meta(page, limit, total)}


async def get_transaction(
    conn: AsyncConnection, principal: Principal, transaction_id: uuid.UUID
) -> dict[str, Any]:
    row = await repository.get(conn, transaction_id)
    return shape(found(row, "Transaction not found", {"id": str(transaction_id)}), principal)
