"""Where the mirror lives: a ClickHouse server (clickhouse-connect) or chdb's embedded
engine (the same SQL, files under DATA_DIR/clickhouse). Both take SQL text and answer in
JSONCompact, so the feed and the query builder never know which one they talk to.

chdb's files belong to one process: only the worker opens an `EmbeddedStore` (`psp run`
holds the API and the worker in one process, so its API reads the mirror too).
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any, Literal, Protocol

import orjson

from psp_dashboard.analytics.schema import (
    CODE_COLUMNS,
    CODECS,
    COLUMNS,
    TABLE,
    create_statements,
)

Mode = Literal["server", "embedded"]


class AnalyticsStore(Protocol):
    mode: Mode
    database: str

    async def command(self, sql: str) -> None: ...

    async def rows(self, sql: str) -> list[list[Any]]:
        """The result rows of a SELECT, as JSON values (UInt64 as text, see callers)."""
        ...

    async def insert_json(self, table: str, lines: bytes) -> None:
        """Insert JSONEachRow `lines` into `table` (a name inside `database`)."""
        ...

    async def close(self) -> None: ...


def _data_of(payload: bytes) -> list[list[Any]]:
    if not payload.strip():
        return []
    data: list[list[Any]] = orjson.loads(payload)["data"]
    return data


class EmbeddedStore:
    """chdb's Session API: one session per process, calls serialized (chdb is not safe
    to query from two threads at once) and run off the event loop."""

    mode: Mode = "embedded"

    def __init__(self, path: Path, database: str = "psp") -> None:
        from chdb import session  # 500 MB of engine: loaded only when configured

        path.mkdir(parents=True, exist_ok=True)
        self.database = database
        self._session = session.Session(str(path))  # type: ignore[no-untyped-call]
        self._lock = threading.Lock()

    def _query(self, sql: str, fmt: str = "CSV") -> bytes:
        with self._lock:
            result = self._session.query(sql, fmt)  # type: ignore[no-untyped-call]
        return bytes(result.bytes()) if result is not None else b""

    async def command(self, sql: str) -> None:
        await asyncio.to_thread(self._query, sql)

    async def rows(self, sql: str) -> list[list[Any]]:
        return _data_of(await asyncio.to_thread(self._query, sql, "JSONCompact"))

    async def insert_json(self, table: str, lines: bytes) -> None:
        # chdb takes inline data after FORMAT; the rows are JSON that we serialized.
        sql = f"INSERT INTO {self.database}.{table} FORMAT JSONEachRow\n" + lines.decode()
        await asyncio.to_thread(self._query, sql)

    async def close(self) -> None:
        with self._lock:
            self._session.close()  # type: ignore[no-untyped-call]


class ServerStore:
    """A ClickHouse server over HTTP; the client is blocking, so calls run in threads."""

    mode: Mode = "server"

    def __init__(self, url: str, database: str | None = None) -> None:
        import clickhouse_connect

        self._client = clickhouse_connect.get_client(dsn=url)
        self.database = database or self._client.database or "default"

    async def command(self, sql: str) -> None:
        await asyncio.to_thread(self._client.command, sql)

    async def rows(self, sql: str) -> list[list[Any]]:
        payload = await asyncio.to_thread(
            self._client.raw_query, sql, fmt="JSONCompact", use_database=False
        )
        return _data_of(payload)

    async def insert_json(self, table: str, lines: bytes) -> None:
        await asyncio.to_thread(
            self._client.raw_insert,
            f"{self.database}.{table}",
            insert_block=lines,
            fmt="JSONEachRow",
        )

    async def close(self) -> None:
        await asyncio.to_thread(self._client.close)


async def _out_of_date(store: AnalyticsStore) -> bool:
    """A column missing, or one of CODECS compressed otherwise (a mirror made before)."""
    wanted = [name for name, _ in (*COLUMNS, *CODE_COLUMNS)]
    listed = ", ".join(f"'{name}'" for name in wanted)
    rows = await store.rows(
        f"SELECT name, compression_codec FROM system.columns "
        f"WHERE database = '{store.database}' AND table = '{TABLE}' AND name IN ({listed})"
    )

    def plain(codec: object) -> str:  # as a server may space it
        return str(codec).replace(" ", "").upper()

    found = {str(name): plain(codec) for name, codec in rows}
    return len(found) < len(wanted) or any(found[n] != plain(c) for n, c in CODECS.items())


async def prepare(store: AnalyticsStore) -> AnalyticsStore:
    """Create the database and table if missing (idempotent). A table of an older
    layout is dropped and made anew: the mirror is derived data, and the feed sends
    everything again when it finds the mirror empty (feed.py)."""
    for statement in create_statements(store.database):
        await store.command(statement)
    if await _out_of_date(store):
        await store.command(f"DROP TABLE {store.database}.{TABLE}")
        for statement in create_statements(store.database):
            await store.command(statement)
    return store
