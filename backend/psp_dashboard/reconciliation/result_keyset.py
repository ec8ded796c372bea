"""Keyset (cursor) pages of `GET /reconciliation/discrepancies`.

The listing's order is the runs' days newest first, then each run's row order
(`results.RUN_ROW_ORDER`: match_status, discrepancy_type, client_operation_id in "C"
collation, id — NULLs last). A cursor holds the day and that key of the last row seen;
the next page is the rest of that day's run after the key, then the older days' runs
from their start. The key is a position, not a row: when the day is re-run between two
pages, the walk continues after the same key in the day's new run (a run's keys are
unique — one row per identity and kind — so nothing is repeated or skipped there).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.kit import keyset
from psp_dashboard.reconciliation.results import (
    RESULT_COLUMNS,
    RUN_ROW_ORDER,
    ResultFilter,
    _row_conditions,
    list_results,
)

SCOPE = "discrepancies"
# (column expression, nullable) in RUN_ROW_ORDER's order; `id` (never NULL) ends it.
_KEY = (
    ("r.match_status", False),
    ("r.discrepancy_type", True),
    ('r.client_operation_id COLLATE "C"', True),
)


def encode_after(row: dict[str, Any]) -> str:
    """The cursor for the rows after `row` (a listing row before shaping)."""
    values = (
        row["recon_date"].isoformat(),
        str(row["run_id"]),
        row["match_status"],
        row["discrepancy_type"],
        row["client_operation_id"],
    )
    return keyset.encode(SCOPE, keyset.Cursor(values, str(row["id"])))


@dataclass(frozen=True, slots=True)
class Position:
    day: date
    run_id: uuid.UUID
    key: tuple[str | None, ...]
    row_id: uuid.UUID


def decode(text_: str) -> Position:
    cursor = keyset.decode(SCOPE, text_, 2 + len(_KEY))
    day_text, run_text, *key = cursor.values
    try:
        if day_text is None or run_text is None or key[0] is None:
            raise ValueError("day, run and match_status are never NULL")
        return Position(
            date.fromisoformat(day_text), uuid.UUID(run_text), tuple(key), uuid.UUID(cursor.row_id)
        )
    except ValueError:
        raise keyset.bad_value(text_) from None


def _after_key(key: tuple[str | None, ...], params: dict[str, Any], *, same_run: bool) -> str:
    """SQL for "after `key`, id" in ascending order with NULLs last, built from the
    inside out: gt₁ OR (eq₁ AND (gt₂ OR (eq₂ AND … id > :k_id))). In another run of the
    day (a re-run since the last page) the ids are new: its row with the same key is the
    one already seen, so only greater keys follow."""
    condition = "r.id > :k_id" if same_run else "FALSE"
    for i in reversed(range(len(_KEY))):
        column, nullable = _KEY[i]
        value = key[i]
        name = f"k_{i}"
        if value is None:  # among the NULLs (last): only equal ones may follow
            condition = f"({column} IS NULL AND {condition})"
            continue
        params[name] = value
        bound = f':{name} COLLATE "C"' if "COLLATE" in column else f":{name}"
        greater = f"({column} > {bound} OR {column} IS NULL)" if nullable else f"{column} > {bound}"
        condition = f"({greater} OR ({column} = {bound} AND {condition}))"
    return condition


async def _runs(conn: AsyncConnection, f: ResultFilter, day: date) -> list[tuple[uuid.UUID, date]]:
    """The runs the listing reads on and before the cursor's day, newest first (the same
    choice as `results._runs_of`: one given completed run, or each day's current one)."""
    conds = ["recon_date <= :day"]
    params: dict[str, Any] = {"day": day}
    if f.run_id is not None:
        conds += ["id = :run_id", "status = 'completed'"]
        params["run_id"] = f.run_id
    else:
        conds.append("is_current")
    if f.from_date is not None:
        conds.append("recon_date >= :from_date")
        params["from_date"] = f.from_date
    if f.to_date is not None:
        conds.append("recon_date <= :to_date")
        params["to_date"] = f.to_date
    rows = await conn.execute(
        text(
            f"SELECT id, recon_date FROM reconciliation_runs WHERE {' AND '.join(conds)} "
            "ORDER BY recon_date DESC"
        ),
        params,
    )
    return [(uuid.UUID(str(r[0])), r[1]) for r in rows]


async def rows_after(
    conn: AsyncConnection, f: ResultFilter, limit: int, cursor: str
) -> list[dict[str, Any]]:
    """Up to `limit` rows after the cursor's position, each run read through its index
    from the position (no OFFSET: the cost does not grow with the depth)."""
    at = decode(cursor)
    conds, base = _row_conditions(f)
    out: list[dict[str, Any]] = []
    for run, run_day in await _runs(conn, f, at.day):
        params: dict[str, Any] = {**base, "run": run, "l": limit - len(out)}
        where = ["r.recon_run_id = :run", *conds]
        if run_day == at.day:
            params["k_id"] = at.row_id
            where.append(_after_key(at.key, params, same_run=run == at.run_id))
        rows = await conn.execute(
            text(
                f"SELECT {RESULT_COLUMNS} FROM reconciliation_results r "
                f"WHERE {' AND '.join(where)} ORDER BY {RUN_ROW_ORDER} LIMIT :l"
            ),
            params,
        )
        out.extend(dict(r._mapping) for r in rows)
        if len(out) >= limit:
            break
    return out


async def count(conn: AsyncConnection, f: ResultFilter) -> int:
    """The listing's total, counted as page mode counts it (an empty page's total)."""
    _, total = await list_results(conn, f, 0, 0)
    return total
