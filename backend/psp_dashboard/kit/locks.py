"""PostgreSQL advisory locks keyed by name: one run of a thing at a time, across processes.

A session-level lock lives on a connection of its own: if the process dies, PostgreSQL
ends the session and the lock with it, so a crashed holder never blocks the next one.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


def lock_key(name: str) -> int:
    """A stable signed 64-bit advisory-lock key for a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@asynccontextmanager
async def session_lock(
    engine: AsyncEngine, name: str, *, wait: bool = False
) -> AsyncIterator[AsyncConnection | None]:
    """The connection holding `name`'s lock for the block, or None (at once, without
    waiting) when another session holds it and `wait` is False.

    The holder may run transactions on the connection; whatever it leaves open is
    rolled back before the lock is released.
    """
    key = lock_key(name)
    async with engine.connect() as conn:
        if wait:
            await conn.execute(select(func.pg_advisory_lock(key)))
            acquired = True
        else:
            acquired = bool((await conn.execute(select(func.pg_try_advisory_lock(key)))).scalar())
        await conn.commit()
        if not acquired:
            yield None
            return
        try:
            yield conn
        finally:
            try:
                await conn.rollback()
                await conn.execute(select(func.pg_advisory_unlock(key)))
                await conn.commit()
            except DBAPIError:
                # A broken connection: discarding it ends the session, and the lock.
                await conn.invalidate()


async def transaction_lock(conn: AsyncConnection, name: str) -> None:
    """Wait for `name`'s lock, held until the caller's transaction ends."""
    await conn.execute(select(func.pg_advisory_xact_lock(lock_key(name))))
