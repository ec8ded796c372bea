"""Vima's two cursor streams and how a walk steps along one of them. Pure: no I/O.

A walk sends `from_operation_<stream>_id=<after>` (exclusive) and reads the highest
cursor of the answer. Cursors are large integers sent as strings, compared as integers
("999" > "1000" as text). They need not be dense.

Ties: the spec does not promise one operation per cursor value. On a stream that may
tie (the update stream: one settlement batch could share an update id), a full page's
highest value may continue on the next page, so the walk resumes from `highest - 1`
(re-reading that value's rows; those already delivered are dropped) and persists no
further than that. Only a short page, or the answer after it, shows the group complete.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from psp_dashboard.kit.timeparse import parse_iso_utc
from psp_dashboard.sync.errors import UpstreamProtocolError

logger = logging.getLogger(__name__)

CREATE_CURSOR = "last_create_cursor"
UPDATE_CURSOR = "last_update_cursor"
# While the first sync walks the update stream: the highest create id it has read so
# far (safe to persist), the create cursor it leaves behind when it finishes.
FIRST_SYNC_CREATE_HIGH = "first_sync_create_high"


@dataclass(frozen=True, slots=True)
class Stream:
    name: Literal["create", "update"]
    state_key: str
    cursor_field: str  # the record field holding this stream's cursor
    param: str  # the query parameter that resumes after a cursor
    time_field: str  # the record time that dates the cursor (for the lag window)
    may_tie: bool  # step back one value on full pages (see the module docstring)


CREATE = Stream(
    "create",
    CREATE_CURSOR,
    "operation_create_id",
    "from_operation_create_id",
    "operation_created_at",
    may_tie=False,
)
UPDATE = Stream("update", UPDATE_CURSOR, "operation_update_id", "from_operation_update_id",
                "operation_modified_at", may_tie=True)  # fmt: skip


def cursor_value(value: Any) -> int | None:
    """A cursor as an int, or None when absent or not an integer."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def created_in(row: Mapping[str, Any], start: datetime | None, end: datetime | None) -> bool:
    """start <= operation_created_at < end; a row whose time does not parse is kept (the
    normalizer quarantines it visibly)."""
    try:
        created = parse_iso_utc(row.get("operation_created_at") or "")
    except ValueError:
        return True
    return (start is None or created >= start) and (end is None or created < end)


def safe_cursor(stream: Stream, rows: list[dict[str, Any]], horizon: datetime | None) -> int | None:
    """Highest cursor among rows dated at or before `horizon` (all rows when None)."""
    safe: list[int] = []
    for row in rows:
        value = cursor_value(row.get(stream.cursor_field))
        if value is None:
            continue
        if horizon is not None:
            try:
                when = parse_iso_utc(row.get(stream.time_field) or "")
            except ValueError:
                continue  # undatable rows never move the persisted cursor
            if when > horizon:
                continue
        safe.append(value)
    return max(safe, default=None)


@dataclass(frozen=True, slots=True)
class Position:
    """Where a walk stands: the value it sends next, the highest value it delivered and
    the operations delivered at that value (a step back re-reads them)."""

    after: int | None
    top: int | None = None
    top_ids: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Step:
    position: Position
    rows: list[dict[str, Any]]  # rows to deliver (re-read ones dropped)
    done: bool  # the stream has nothing after this walk's position
    complete: bool  # every row at `position.top` has been delivered


def _op_id(row: Mapping[str, Any]) -> str:
    return str(row.get("operation_id"))


def step(stream: Stream, rows: list[dict[str, Any]], pos: Position, page_size: int) -> Step:
    """The walk's next position after the answer `rows` to a request sent from `pos`.

    An empty answer ends the walk; so does one that only repeats rows this walk has
    read (a re-read tie group, or a server reading the cursor inclusively). An answer
    below the cursor would loop forever: an error."""
    if not rows:
        return Step(pos, [], done=True, complete=True)
    values = [cursor_value(r.get(stream.cursor_field)) for r in rows]
    fresh = [
        r
        for r, v in zip(rows, values, strict=True)
        if not (v is not None and v == pos.top and _op_id(r) in pos.top_ids)
    ]
    known = [v for v in values if v is not None]
    highest = max(known, default=None)
    reached = pos.top if pos.top is not None else pos.after
    if highest is not None and (reached is None or highest > reached):
        full = len(rows) >= page_size
        after = highest - 1 if stream.may_tie and full else highest
        at_top = {_op_id(r) for r, v in zip(rows, values, strict=True) if v == highest}
        moved = Position(after, highest, frozenset(at_top))
        return Step(moved, fresh, done=False, complete=not (stream.may_tie and full))
    floor = pos.after
    if highest is None or len(known) != len(rows) or (floor is not None and min(known) < floor):
        raise UpstreamProtocolError(
            f"Vima {stream.name} cursor did not advance past {floor or 'the start'} "
            f"({stream.cursor_field} missing or not increasing)"
        )
    if len(rows) >= page_size and pos.top is not None:
        # A whole page of one tied value: stepping back cannot get past it. Go on after
        # it (rows of that value beyond this page would be missed; this says so).
        logger.warning("vima: a full page of %s id %s; continuing after it", stream.name, pos.top)
        return Step(Position(pos.top, pos.top, pos.top_ids), fresh, done=False, complete=True)
    return Step(pos, fresh, done=True, complete=True)
