"""Look-ups of the payment links (`transactions.counterpart_of`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.models import transactions as t


async def partner_of(conn: AsyncConnection, transaction_id: uuid.UUID) -> uuid.UUID | None:
    """The other side of the payment `transaction_id` is part of, if it is linked."""
    pairs = await partners(conn, [transaction_id])
    return pairs.get(transaction_id)


async def partners(conn: AsyncConnection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """For each id that is in a link, the id of its other side. A PayShack row names its
    Vima record itself; a Vima row is found through the partial index on
    `counterpart_of` (only linked rows are in it)."""
    if not ids:
        return {}
    out: dict[uuid.UUID, uuid.UUID] = {}
    as_counterpart = select(t.c.id, t.c.counterpart_of).where(
        t.c.id.in_(ids), t.c.counterpart_of.isnot(None)
    )
    as_record = select(t.c.counterpart_of, t.c.id).where(
        t.c.counterpart_of.in_(ids), t.c.source == "payshack"
    )
    for stmt in (as_counterpart, as_record):
        for own, other in await conn.execute(stmt):
            out[own] = other
    return out
