"""Our stored PayShack pay-ins that are still open, for the late-change sweep."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from psp_dashboard.sync.connectors.payshack.late import OpenPayIn


class StoredOpenPayIns:
    """`OpenPayIns` over the transactions table (status pending, by creation time)."""

    def __init__(self, engine: AsyncEngine, source: str = "payshack") -> None:
        self.engine = engine
        self.source = source

    def __repr__(self) -> str:
        return f"StoredOpenPayIns(source={self.source!r})"

    async def open_between(self, start: datetime, end: datetime) -> list[OpenPayIn]:
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT source_id, original_status, created_at FROM transactions "
                    "WHERE source = :s AND status = 'pending' AND direction = 'payin' "
                    "AND created_at >= :a AND created_at < :b"
                ),
                {"s": self.source, "a": start, "b": end},
            )
            return [OpenPayIn(r[0], r[1], r[2]) for r in rows]
