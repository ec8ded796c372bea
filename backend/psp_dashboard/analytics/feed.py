"""The incremental feed from PostgreSQL `transactions` to the ClickHouse mirror.

Change marker: `change_xid`, the PostgreSQL transaction that last wrote a row (0020).
A round takes a bound B below which every transaction of this database has finished
(`feed_bound`), and any later write gets an id above it, so the rows with
`change_xid < B` are final for this round and nothing can appear below the watermark
afterwards (unlike `updated_at`, which a provider may leave unchanged, or `ingested_at`,
which is the writer's start and not its commit).

Each batch, in keyset order (change_xid, id): read from PostgreSQL, insert into
ClickHouse, then advance the watermark in PostgreSQL. A crash between the insert and
the commit repeats the batch: the same keys and versions, which ReplacingMergeTree and
FINAL collapse to one row — at-least-once delivery, exactly-once results.

Deleted rows come from `analytics_feed_deletions` (a trigger's tombstones) and are sent
as `is_deleted = 1` rows with the deleting transaction as version; sent tombstones are
removed. Rows older than 0020 have no change_xid: a one-time backfill sends them in id
order first (version 0, so any later write wins).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import Row, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from psp_dashboard.analytics.schema import (
    CODED,
    READ_SETTINGS,
    SOURCE_COLUMNS,
    TABLE,
    code_column,
)
from psp_dashboard.analytics.store import AnalyticsStore
from psp_dashboard.partitions import existing_partitions, partition_name

log = logging.getLogger(__name__)

STATE = "transactions"
NIL = uuid.UUID(int=0)
# One feeder at a time per database (two workers against one server mirror).
LOCK_KEY = 0x414E414C  # "ANAL"

AfterInsert = Callable[[str], Awaitable[None]]


def _json_fields(columns: Sequence[str], table: str = "") -> str:
    parts = []
    for name in columns:
        column = f"{table}.{name}" if table else name
        if name in ("created_at", "updated_at"):
            value = f"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
        elif name in ("amount", "fee"):
            value = f"{column}::text"  # exact text: never a JSON float
        else:
            value = column
        parts.append(f"'{name}', {value}")
    return ", ".join(parts)


def _alias(column: str) -> str:
    return f"k_{column}"


# Each coded column's code (0: NULL), from analytics_codes joined once per column.
_CODE_FIELDS = ", ".join(f"'{code_column(c)}', COALESCE({_alias(c)}.code, 0)" for c in CODED)
_CODE_JOINS = " ".join(
    f"LEFT JOIN analytics_codes {_alias(c)} "
    f"ON {_alias(c)}.dimension = '{c}' AND {_alias(c)}.value = t.{c}::text"
    for c in CODED
)
# True when a value has no code yet: the feed assigns codes and reads the batch again.
_UNCODED = " OR ".join(f"(t.{c} IS NOT NULL AND {_alias(c)}.code IS NULL)" for c in CODED)
# One JSONEachRow line per row, built by PostgreSQL.
_ROW_LINE = (
    f"json_build_object({_json_fields(SOURCE_COLUMNS, 't')}, {_CODE_FIELDS}, "
    "'version', COALESCE(t.change_xid, 0), 'is_deleted', 0)::text"
)

BACKFILL_SQL = f"""
SELECT {_ROW_LINE}, t.id, {_UNCODED} AS uncoded
FROM transactions t {_CODE_JOINS}
WHERE t.change_xid IS NULL AND t.id > CAST(:after AS uuid)
ORDER BY t.id LIMIT :n
"""
CHANGES_SQL = f"""
SELECT {_ROW_LINE}, t.change_xid, t.id, {_UNCODED} AS uncoded
FROM transactions t {_CODE_JOINS}
WHERE t.change_xid < CAST(:bound AS bigint)
  AND (t.change_xid, t.id) > (CAST(:xid AS bigint), CAST(:id AS uuid))
ORDER BY t.change_xid, t.id LIMIT :n
"""
# New values get the next codes of their dimension. One feeder runs at a time (LOCK_KEY),
# so nobody else assigns codes meanwhile; a clash would be an error, never a lost code.
REGISTER_SQL = """
INSERT INTO analytics_codes (dimension, value, code)
SELECT f.dimension, f.value,
       COALESCE((SELECT max(c.code) FROM analytics_codes c WHERE c.dimension = f.dimension), 0)
       + row_number() OVER (PARTITION BY f.dimension ORDER BY f.value)
FROM (SELECT DISTINCT * FROM unnest(CAST(:dimensions AS text[]), CAST(:values AS text[]))
      AS v(dimension, value)) f
WHERE NOT EXISTS (
    SELECT 1 FROM analytics_codes c WHERE c.dimension = f.dimension AND c.value = f.value
)
"""
_TOMBSTONE_FIELDS = _json_fields(("id", "source", "source_id", "created_at"))
DELETIONS_SQL = f"""
SELECT json_build_object({_TOMBSTONE_FIELDS}, 'version', change_xid, 'is_deleted', 1)::text,
       change_xid, id
FROM analytics_feed_deletions
WHERE change_xid < CAST(:bound AS bigint)
ORDER BY change_xid, id LIMIT :n
"""
PENDING_CAP = 100_000
PENDING_SQL = f"""
SELECT count(*) FROM (
    SELECT 1 FROM transactions
    WHERE (change_xid, id) > (CAST(:xid AS bigint), CAST(:id AS uuid))
       OR (change_xid IS NULL AND NOT CAST(:backfill_done AS boolean))
    LIMIT {PENDING_CAP + 1}
) pending
"""


_XID_SPAN = 1 << 32
RUNNING_XIDS_SQL = """
SELECT backend_xid::text::bigint FROM pg_stat_activity
WHERE datname = current_database() AND backend_xid IS NOT NULL
UNION ALL
SELECT transaction::text::bigint FROM pg_prepared_xacts WHERE database = current_database()
"""


async def feed_bound(engine: AsyncEngine) -> tuple[int, datetime]:
    """The round's bound: no transaction below it can still commit a row of this database.

    Not the snapshot's xmin: that counts every database of the server, so one long
    transaction elsewhere would hold the mirror back. Instead: the next xid to be
    assigned (xmax), read first, lowered to the oldest transaction of this database
    still running, read after (a fresh statistics snapshot). A transaction that takes
    its xid between the two reads gets one at or above xmax; one below xmax is either
    seen running or has already committed. (The role needs to see other sessions'
    `backend_xid`: the writers' own role or pg_read_all_stats.)
    """
    async with engine.connect() as conn:
        xmax, started = (
            await conn.execute(
                text("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint, now()")
            )
        ).one()
        await conn.commit()
        await conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        running = (await conn.execute(text(RUNNING_XIDS_SQL))).scalars().all()
    low = int(xmax) % _XID_SPAN
    # 32-bit xids to the 64-bit counter: each is this far behind xmax (modulo wraparound).
    full = [int(xmax) - ((low - int(x)) % _XID_SPAN) for x in running]
    return min([int(xmax), *full]), started


@dataclass(frozen=True, slots=True)
class FeedResult:
    ran: bool  # False: another process was feeding
    backfilled: int = 0
    changed: int = 0
    deleted: int = 0
    caught_up: bool = False


async def _ensure_state(conn: AsyncConnection) -> Row[Any]:
    await conn.execute(
        text("INSERT INTO analytics_feed_state (name) VALUES (:n) ON CONFLICT DO NOTHING"),
        {"n": STATE},
    )
    row = (
        await conn.execute(
            text(
                "SELECT backfill_done, backfill_after_id, watermark_xid, watermark_id, "
                "rows_fed FROM analytics_feed_state WHERE name = :n"
            ),
            {"n": STATE},
        )
    ).one()
    return row


async def _advance(conn: AsyncConnection, sets: str, params: dict[str, Any]) -> None:
    await conn.execute(
        text(f"UPDATE analytics_feed_state SET {sets}, updated_at = now() WHERE name = :n"),
        {"n": STATE, **params},
    )


def coded_select(columns: Sequence[str]) -> str:
    """`columns` of transactions with every coded column's code (a bulk copy's source:
    bench/analytics.py)."""
    picked = ", ".join(f"t.{c}" for c in columns)
    codes = ", ".join(f"COALESCE({_alias(c)}.code, 0) AS {code_column(c)}" for c in CODED)
    return f"SELECT {picked}, {codes} FROM transactions t {_CODE_JOINS}"


async def register_codes(conn: AsyncConnection, pairs: Sequence[tuple[str, str]]) -> None:
    """Codes for these (column, value) pairs that have none yet."""
    await conn.execute(
        text(REGISTER_SQL),
        {"dimensions": [d for d, _ in pairs], "values": [v for _, v in pairs]},
    )


async def _coded_rows(conn: AsyncConnection, sql: str, params: dict[str, Any]) -> list[Any]:
    """The batch's rows, every value of a coded column with its code: values seen for
    the first time are given codes and the batch is read again (a row that joined the
    batch meanwhile may bring another new value: a few rounds at most)."""
    for _ in range(5):
        rows = list((await conn.execute(text(sql), params)).all())
        uncoded = [r for r in rows if r.uncoded]
        if not uncoded:
            return rows
        pairs = sorted(
            {
                (column, str(value))
                for r in uncoded
                for column, value in orjson.loads(r[0]).items()
                if column in CODED and value is not None
            }
        )
        await register_codes(conn, pairs)
    raise RuntimeError("analytics codes: new values kept arriving in one batch")


def _block(lines: Sequence[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode()


class Feeder:
    """One round: backfill (once), changes, deletions, each in batches of `batch_rows`.
    `after_insert` runs between a batch's ClickHouse insert and its watermark commit
    (tests crash there)."""

    def __init__(
        self,
        engine: AsyncEngine,
        store: AnalyticsStore,
        *,
        batch_rows: int = 20_000,
        stop: asyncio.Event | None = None,
        after_insert: AfterInsert | None = None,
    ) -> None:
        self.engine = engine
        self.store = store
        self.batch_rows = batch_rows
        self.stop = stop or asyncio.Event()
        self.after_insert = after_insert

    async def _send(self, kind: str, lines: Sequence[str]) -> None:
        await self.store.insert_json(TABLE, _block(lines))
        if self.after_insert is not None:
            await self.after_insert(kind)

    async def run(self) -> FeedResult:
        async with self.engine.connect() as lock_conn:
            await lock_conn.execution_options(isolation_level="AUTOCOMMIT")
            locked = await lock_conn.scalar(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}
            )
            if not locked:
                return FeedResult(ran=False)
            try:
                return await self._round()
            except Exception as exc:
                await record_error(self.engine, exc)
                raise
            finally:
                await lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})

    async def _round(self) -> FeedResult:
        async with self.engine.begin() as conn:
            state = await _ensure_state(conn)
        if await self._start_over_if_lost(state.rows_fed):
            async with self.engine.begin() as conn:
                state = await _ensure_state(conn)
        bound, started = await feed_bound(self.engine)
        backfilled = 0 if state.backfill_done else await self._backfill(state.backfill_after_id)
        changed = await self._changes(int(bound), state.watermark_xid, state.watermark_id)
        deleted = await self._deletions(int(bound))
        deleted += await self._dropped_months()
        caught_up = not self.stop.is_set()
        await self._finish(started if caught_up else None, backfilled + changed + deleted)
        return FeedResult(True, backfilled, changed, deleted, caught_up)

    async def _start_over_if_lost(self, rows_fed: int) -> bool:
        """Feed everything again when the mirror no longer matches the feed's state: its
        files were lost or its table was made anew (an older layout, store.py), or the
        codes it holds were lost with PostgreSQL's `analytics_codes`."""
        sent = await self.store.rows(f"SELECT count() FROM {self.store.database}.{TABLE}")
        mirror_rows = int(sent[0][0])
        async with self.engine.begin() as conn:
            codes = await conn.scalar(text("SELECT count(*) FROM analytics_codes"))
            if not (mirror_rows == 0 and rows_fed > 0) and not (mirror_rows > 0 and not codes):
                return False
            await self.store.command(f"TRUNCATE TABLE {self.store.database}.{TABLE}")
            await _advance(
                conn,
                "backfill_done = false, backfill_after_id = NULL, watermark_xid = 0, "
                "watermark_id = NULL, rows_fed = 0, mirror_rows = 0, caught_up_at = NULL",
                {},
            )
        log.warning("analytics mirror out of step with its feed: feeding everything again")
        return True

    async def _backfill(self, after: uuid.UUID | None) -> int:
        position, total, done = after or NIL, 0, False
        while not done and not self.stop.is_set():
            async with self.engine.begin() as conn:
                rows = await _coded_rows(
                    conn, BACKFILL_SQL, {"after": position, "n": self.batch_rows}
                )
                if rows:
                    await self._send("backfill", [r[0] for r in rows])
                    position = rows[-1][1]
                done = len(rows) < self.batch_rows
                await _advance(
                    conn,
                    "backfill_after_id = :after, backfill_done = :done, "
                    "rows_fed = rows_fed + :count",
                    {"after": position, "done": done, "count": len(rows)},
                )
            total += len(rows)
        return total

    async def _changes(self, bound: int, xid: int, row_id: uuid.UUID | None) -> int:
        position, total = (xid, row_id or NIL), 0
        while not self.stop.is_set():
            async with self.engine.begin() as conn:
                params = {"bound": bound, "xid": position[0], "id": position[1]}
                rows = await _coded_rows(conn, CHANGES_SQL, {**params, "n": self.batch_rows})
                if not rows:
                    return total
                await self._send("changes", [r[0] for r in rows])
                position = (int(rows[-1][1]), rows[-1][2])
                await _advance(
                    conn,
                    "watermark_xid = :xid, watermark_id = :id, rows_fed = rows_fed + :count",
                    {"xid": position[0], "id": position[1], "count": len(rows)},
                )
            total += len(rows)
            if len(rows) < self.batch_rows:
                return total
        return total

    async def _deletions(self, bound: int) -> int:
        total = 0
        while not self.stop.is_set():
            async with self.engine.begin() as conn:
                rows = (
                    await conn.execute(text(DELETIONS_SQL), {"bound": bound, "n": self.batch_rows})
                ).all()
                if not rows:
                    return total
                await self._send("deletions", [r[0] for r in rows])
                # Sent: the tombstones up to the last one go (a repeat is harmless).
                await conn.execute(
                    text(
                        "DELETE FROM analytics_feed_deletions WHERE (change_xid, id) "
                        "<= (CAST(:xid AS bigint), CAST(:id AS uuid))"
                    ),
                    {"xid": int(rows[-1][1]), "id": rows[-1][2]},
                )
                await _advance(conn, "deletions_xid = :xid", {"xid": int(rows[-1][1])})
            total += len(rows)
        return total

    async def _dropped_months(self) -> int:
        """Months retention dropped from PostgreSQL (whole partitions: no trigger fires)
        leave the mirror too: a mirror month whose PostgreSQL partition is gone."""
        async with self.engine.connect() as conn:
            present = await existing_partitions(conn)
        parts = await self.store.rows(
            f"SELECT DISTINCT partition FROM system.parts WHERE database = "
            f"'{self.store.database}' AND table = '{TABLE}' AND active"
        )
        dropped = 0
        for (partition,) in parts:
            month = int(partition)
            if partition_name(date(month // 100, month % 100, 1)) in present:
                continue
            rows = await self.store.rows(
                f"SELECT count() FROM {self.store.database}.{TABLE} FINAL "
                f"WHERE toYYYYMM(created_at) = {month}"
            )
            await self.store.command(
                f"ALTER TABLE {self.store.database}.{TABLE} DROP PARTITION {month}"
            )
            dropped += int(rows[0][0])
        return dropped

    async def _finish(self, caught_up_at: datetime | None, sent: int) -> None:
        mirror_rows = await count_mirror(self.store) if sent or caught_up_at else None
        async with self.engine.begin() as conn:
            await _advance(
                conn,
                "last_fed_at = now(), last_error = NULL, last_error_at = NULL, "
                "caught_up_at = COALESCE(:caught_up_at, caught_up_at), "
                "mirror_rows = COALESCE(:mirror_rows, mirror_rows)",
                {"caught_up_at": caught_up_at, "mirror_rows": mirror_rows},
            )


async def count_mirror(store: AnalyticsStore) -> int:
    rows = await store.rows(f"SELECT count() FROM {store.database}.{TABLE} FINAL {READ_SETTINGS}")
    return int(rows[0][0])


async def record_error(engine: AsyncEngine, exc: BaseException) -> None:
    # The class and the first line only: a driver's message may quote a query, never a
    # secret (the URL is not in it), but it need not be long.
    message = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:500]
    async with engine.begin() as conn:
        await _ensure_state(conn)
        await _advance(conn, "last_error = :error, last_error_at = now()", {"error": message})


async def pending_rows(conn: AsyncConnection) -> int | None:
    """Changes not yet sent (capped at PENDING_CAP + 1); None before the first round."""
    state = (
        await conn.execute(
            text(
                "SELECT backfill_done, watermark_xid, watermark_id "
                "FROM analytics_feed_state WHERE name = :n"
            ),
            {"n": STATE},
        )
    ).one_or_none()
    if state is None:
        return None
    count = await conn.scalar(
        text(PENDING_SQL),
        {
            "xid": state.watermark_xid,
            "id": state.watermark_id or NIL,
            "backfill_done": state.backfill_done,
        },
    )
    return int(count or 0)
