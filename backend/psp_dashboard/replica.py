"""Reads from a streaming standby (DATABASE_REPLICA_URL) while it is fresh enough.

Metrics, lists, search and exports read through `ReplicaReads.choose()`; writes and
whatever must see its own writes (sign-in, resolutions, sync and run status) stay on
the primary (`runtime.engine`).

How far behind the standby is, measured without a heartbeat table:
1. on the primary, `pg_current_wal_insert_lsn()`: the end of everything written so far;
2. on the standby, `pg_last_wal_replay_lsn()`. Replayed at least that far: the standby
   shows everything the primary had committed when step 1 ran, so the lag is 0. This is
   what makes an idle primary read as caught up, where `now() -
   pg_last_xact_replay_timestamp()` alone would grow for as long as nobody writes.
3. Not that far: the lag is `now() - pg_last_xact_replay_timestamp()`, the age of the
   newest commit replayed. An upper bound (after a long idle spell the first new commit
   makes it look large for a moment), so it errs towards the primary, never towards
   stale data.
A measurement is trusted for REPLICA_CHECK_SECONDS; above REPLICA_MAX_LAG_SECONDS, or
when the standby cannot be reached within CHECK_TIMEOUT_SECONDS, reads go to the primary.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

SourceName = Literal["primary", "replica"]
CHECK_TIMEOUT_SECONDS = 2.0


@dataclass(frozen=True)
class ReadSource:
    """Where a request's reads go, and how current that data is."""

    name: SourceName
    engine: AsyncEngine
    # The data reflects the primary as of (at least) this instant.
    as_of: datetime
    # The standby's measured lag (also when it was too high and the primary answers);
    # None: nothing measured (no standby configured, or it could not be reached).
    lag_seconds: float | None

    def headers(self) -> dict[str, str]:
        """`X-Data-Source` and `X-Data-As-Of` (ISO 8601, UTC) for the response."""
        return {
            "X-Data-Source": self.name,
            "X-Data-As-Of": self.as_of.astimezone(UTC).isoformat(timespec="seconds"),
        }


@dataclass(frozen=True)
class Lag:
    """One measurement of the standby (`seconds` is math.inf when it never replayed)."""

    seconds: float
    as_of: datetime


async def measure_lag(primary: AsyncEngine, replica: AsyncEngine) -> Lag:
    """The standby's lag (module docstring); raises when either database fails."""
    async with primary.connect() as conn:
        row = (await conn.execute(text("SELECT pg_current_wal_insert_lsn()::text, now()"))).one()
        primary_lsn, primary_now = str(row[0]), row[1]
    async with replica.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT pg_is_in_recovery(), "
                    "pg_last_wal_replay_lsn() >= CAST(CAST(:lsn AS text) AS pg_lsn), "
                    "pg_last_xact_replay_timestamp(), now()"
                ),
                {"lsn": primary_lsn},
            )
        ).one()
    in_recovery, caught_up, replayed_at, replica_now = row
    if not in_recovery or caught_up:
        # Not a standby (promoted, or pointed at a primary): current by definition.
        return Lag(0.0, primary_now)
    if replayed_at is None:
        return Lag(math.inf, primary_now - timedelta(days=36500))
    return Lag(max(0.0, (replica_now - replayed_at).total_seconds()), replayed_at)


class ReplicaReads:
    """Chooses, and remembers for a few seconds, where reads go."""

    def __init__(
        self,
        primary: AsyncEngine,
        replica: AsyncEngine,
        *,
        max_lag_seconds: float,
        check_seconds: float,
    ) -> None:
        self.primary = primary
        self.replica = replica
        self.max_lag_seconds = max_lag_seconds
        self.check_seconds = check_seconds
        self._lock = asyncio.Lock()
        self._checked_at = -math.inf
        self._lag: Lag | None = None
        self._last_name: SourceName | None = None

    def forget(self) -> None:
        """Measure again on the next read (tests; after a failover)."""
        self._checked_at = -math.inf

    async def _measure(self) -> Lag | None:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
                return await measure_lag(self.primary, self.replica)
        except (OSError, TimeoutError, DBAPIError, SQLAlchemyError) as exc:
            log.warning("read replica unreachable, reading the primary: %s", type(exc).__name__)
            return None

    async def choose(self) -> ReadSource:
        async with self._lock:
            if time.monotonic() - self._checked_at >= self.check_seconds:
                self._lag = await self._measure()
                self._checked_at = time.monotonic()
            lag = self._lag
        if lag is not None and lag.seconds <= self.max_lag_seconds:
            source = ReadSource("replica", self.replica, lag.as_of, lag.seconds)
        else:
            source = ReadSource(
                "primary", self.primary, datetime.now(UTC), None if lag is None else lag.seconds
            )
        if source.name != self._last_name:
            if self._last_name is not None:
                log.info("reads now from the %s (lag %s s)", source.name, source.lag_seconds)
            self._last_name = source.name
        return source

    async def close(self) -> None:
        await self.replica.dispose()


def primary_source(engine: AsyncEngine) -> ReadSource:
    """No replica configured: every read on the primary, current by definition."""
    return ReadSource("primary", engine, datetime.now(UTC), None)
