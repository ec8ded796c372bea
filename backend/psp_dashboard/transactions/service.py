"""Transaction list and detail: paging rules, money shaping, masking."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.auth.deps import Principal
from psp_dashboard.auth.masking import mask_transaction
from psp_dashboard.errors import NotFound, ValidationFailed
from psp_dashboard.kit.json import money
from psp_dashboard.transactions import repository
from psp_dashboard.transactions.filters import TransactionFilters

# OFFSET paging reads and discards every skipped row; past this depth a page costs
# seconds on 10M rows. Deeper browsing is what filters and exports are for.
MAX_OFFSET = 100_000


def shape(row: dict[str, Any], principal: Principal) -> dict[str, Any]:
    row["amount"] = money(row["amount"])
    if row["fee"] is not None:
        row["fee"] = money(row["fee"])
    return mask_transaction(row, principal)


def check_depth(page: int, limit: int) -> int:
    offset = (page - 1) * limit
    if offset > MAX_OFFSET:
        raise ValidationFailed(
            f"Pages deeper than {MAX_OFFSET:,} rows are not served; narrow the filters "
            "or export the rows",
            {
                "field": "page",
                "reason": "too_deep",
                "expected": f"page ≤ {MAX_OFFSET // limit + 1} at limit {limit}",
                "received": page,
            },
        )
    return offset


async def list_transactions(
    conn: AsyncConnection,
    principal: Principal,
    filters: TransactionFilters,
    *,
    page: int,
    limit: int,
    sort_by: str,
    order: str,
    use_daily: bool = False,
) -> dict[str, Any]:
    offset = check_depth(page, limit)
    filters = filters.for_principal(principal)
    total = await repository.count(conn, filters, use_daily=use_daily)
    rows = (
        await repository.page(conn, filters, sort_by, order, limit, offset)
        if offset < total
        else []
    )
    return {
        "data": [shape(row, principal) for row in rows],
        "meta": {
            "page": page,
            "limit": limit,
            "total": total,
            "total_pages": (total + limit - 1) // limit,
        },
    }


async def get_transaction(
    conn: AsyncConnection, principal: Principal, transaction_id: uuid.UUID
) -> dict[str, Any]:
    row = await repository.get(conn, transaction_id)
    if row is None:
        raise NotFound("Transaction not found", {"id": str(transaction_id)})
    return shape(row, principal)
