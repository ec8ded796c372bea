"""`transactions`' columns as Parquet columns and back, read from the catalogue.

Every column is archived (raw_data included), so a column another migration adds is
archived too without a change here. Types map exactly: numeric(p,s) to decimal128(p,s)
(never a float), timestamptz to UTC microseconds, uuid and json(b) as text. A type with
no exact mapping stops the archive before anything is written or dropped.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


class UnsupportedColumn(Exception):
    """A column whose type the archive cannot store exactly."""


@dataclass(frozen=True)
class ArchiveColumn:
    name: str
    pg_type: str  # as format_type() prints it, e.g. numeric(18,4)
    arrow: pa.DataType
    # What the SELECT reads (uuid and json as text) and how a value goes back to COPY.
    select: str
    to_db: Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


def _uuid(value: Any) -> Any:
    return None if value is None else uuid.UUID(value)


_NUMERIC = re.compile(r"^numeric\((\d+),(\d+)\)$")
_SIMPLE: dict[str, pa.DataType] = {
    "character varying": pa.string(),
    "character": pa.string(),
    "text": pa.string(),
    "timestamp with time zone": pa.timestamp("us", tz="UTC"),
    "timestamp without time zone": pa.timestamp("us"),
    "date": pa.date32(),
    "smallint": pa.int16(),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "boolean": pa.bool_(),
}


def archive_column(name: str, pg_type: str) -> ArchiveColumn:
    quoted = f'"{name}"'
    base = pg_type.split("(", 1)[0]
    if numeric := _NUMERIC.match(pg_type):
        precision, scale = int(numeric[1]), int(numeric[2])
        if precision > 38:
            raise UnsupportedColumn(f"{name}: {pg_type} is wider than decimal128")
        return ArchiveColumn(name, pg_type, pa.decimal128(precision, scale), quoted, _same)
    if pg_type == "uuid":
        return ArchiveColumn(name, pg_type, pa.string(), f"{quoted}::text", _uuid)
    if pg_type in ("jsonb", "json"):
        # PostgreSQL's own text of the value: jsonb reads it back to the same value.
        return ArchiveColumn(name, pg_type, pa.string(), f"{quoted}::text", _same)
    if base in _SIMPLE:
        return ArchiveColumn(name, pg_type, _SIMPLE[base], quoted, _same)
    raise UnsupportedColumn(f"{name}: no exact Parquet type for {pg_type}")


async def table_columns(conn: AsyncConnection, table: str = "transactions") -> list[ArchiveColumn]:
    rows = await conn.execute(
        text(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
            "WHERE a.attrelid = CAST(:t AS regclass) AND a.attnum > 0 AND NOT a.attisdropped "
            "ORDER BY a.attnum"
        ),
        {"t": table},
    )
    return [archive_column(name, pg_type) for name, pg_type in rows]


def arrow_schema(columns: list[ArchiveColumn]) -> pa.Schema:
    fields = [pa.field(c.name, c.arrow, metadata={"pg_type": c.pg_type}) for c in columns]
    return pa.schema(fields, metadata={"table": "transactions"})
