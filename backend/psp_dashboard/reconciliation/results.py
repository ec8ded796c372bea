"""SQL for result rows: listing, one row, resolutions, changes (money: exposure.py)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.reconciliation.engine_sql import API_TYPE_SQL, IDENTITY_SQL
from psp_dashboard.reconciliation.exposure import AGE_CONDITIONS
from psp_dashboard.reconciliation.workbench_sql import NO_OWNER_SQL, OWNER_IS_SQL

RESULT_COLUMNS = f"""
    r.id, r.recon_date, r.recon_run_id AS run_id, r.client_operation_id, r.match_status,
    r.discrepancy_type, {API_TYPE_SQL.format(t="r.")} AS type, r.vima_txn_id,
    r.payshack_txn_id, r.vima_amount, r.payshack_amount, r.amount_diff, r.vima_status,
    r.payshack_status, r.details::text AS details, r.provisional, r.resolution,
    r.resolved_by, r.resolved_at, r.note, r.first_seen_at, r.change, r.created_at
"""
# API type -> the row condition (the contract's filter values).
TYPE_CONDITIONS = {
    "amount": "r.match_status = 'discrepancy' AND r.discrepancy_type = 'amount'",
    "status": "r.match_status = 'discrepancy' AND r.discrepancy_type = 'status'",
    "time": "r.match_status = 'discrepancy' AND r.discrepancy_type = 'time'",
    "duplicate": "r.match_status = 'discrepancy' AND r.discrepancy_type = 'duplicate'",
    "missing_vima": "r.match_status = 'missing_vima'",
    "missing_payshack": "r.match_status = 'missing_payshack'",
}
# A run's rows in the order of the run index (listing order: days newest first, then
# this).
RUN_ROW_ORDER = 'r.match_status, r.discrepancy_type, r.client_operation_id COLLATE "C", r.id'


def parse_details(raw: str | None) -> Any:
    """`details` as stored, with numbers as exact Decimals (never floats)."""
    return None if raw is None else json.loads(raw, parse_float=Decimal)


# ---------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class ResultFilter:
    from_date: date | None = None
    to_date: date | None = None
    type: str | None = None
    resolution: str | None = None
    run_id: uuid.UUID | None = None
    provisional: bool | None = None
    # Workbench filters (workbench_conditions): an owner's id, or no owner; age bucket.
    owner_id: uuid.UUID | None = None
    no_owner: bool = False
    age: str | None = None


async def _runs_of(conn: AsyncConnection, f: ResultFilter) -> list[uuid.UUID]:
    """The runs a listing reads, newest day first: one given run, or the current run of
    each day in the range (a re-run supersedes its day). Only completed runs: a running
    run's shards commit their rows one by one (engine.py), a failed run's are deleted."""
    conds = ["is_current"]
    params: dict[str, Any] = {}
    if f.run_id is not None:
        conds = ["id = :run_id", "status = 'completed'"]
        params["run_id"] = f.run_id
    if f.from_date is not None:
        conds.append("recon_date >= :from_date")
        params["from_date"] = f.from_date
    if f.to_date is not None:
        conds.append("recon_date <= :to_date")
        params["to_date"] = f.to_date
    rows = await conn.execute(
        text(
            f"SELECT id FROM reconciliation_runs WHERE {' AND '.join(conds)} "
            "ORDER BY recon_date DESC"
        ),
        params,
    )
    return [uuid.UUID(str(r[0])) for r in rows]


def _row_conditions(f: ResultFilter) -> tuple[list[str], dict[str, Any]]:
    where: list[str] = []
    params: dict[str, Any] = {}
    if f.type is not None:
        where.append(TYPE_CONDITIONS[f.type])
    if f.resolution is not None:
        where.append("r.resolution = :resolution")
        params["resolution"] = f.resolution
    if f.provisional is not None:
        where.append("r.provisional = :provisional")
        params["provisional"] = f.provisional
    workbench_where, workbench_params = workbench_conditions(f)
    return where + workbench_where, params | workbench_params


def workbench_conditions(f: ResultFilter) -> tuple[list[str], dict[str, Any]]:
    """owner (workbench_sql: same day, identity and type) and age (by first sighting)."""
    where: list[str] = []
    params: dict[str, Any] = {}
    if f.owner_id is not None:
        where.append(OWNER_IS_SQL)
        params["owner_id"] = f.owner_id
    elif f.no_owner:
        where.append(NO_OWNER_SQL)
    if f.age is not None:
        where.append(AGE_CONDITIONS[f.age])
    return where, params


async def list_results(
    conn: AsyncConnection, f: ResultFilter, limit: int, offset: int
) -> tuple[list[dict[str, Any]], int]:
    """One page over the runs' rows (days newest first, each day in index order).

    Counted per run first; then only the runs the page touches are read, each through
    the run index from its own offset: a page costs the same on day one or day 300,
    instead of sorting every row of the range."""
    runs = await _runs_of(conn, f)
    if not runs:
        return [], 0
    conds, params = _row_conditions(f)
    where = " AND ".join(["r.recon_run_id = ANY(:runs)", *conds])
    counted = await conn.execute(
        text(
            f"SELECT r.recon_run_id, count(*) FROM reconciliation_results r WHERE {where} "
            "GROUP BY 1"
        ),
        {**params, "runs": runs},
    )
    counts = {uuid.UUID(str(run)): int(n) for run, n in counted}
    total = sum(counts.values())
    page: list[dict[str, Any]] = []
    skip, wanted = offset, limit
    one_run = " AND ".join(["r.recon_run_id = :run", *conds])
    for run in runs:
        n = counts.get(run, 0)
        if skip >= n:
            skip -= n
            continue
        rows = await conn.execute(
            text(
                f"SELECT {RESULT_COLUMNS} FROM reconciliation_results r WHERE {one_run} "
                f"ORDER BY {RUN_ROW_ORDER} LIMIT :l OFFSET :o"
            ),
            {**params, "run": run, "l": wanted, "o": skip},
        )
        page.extend(dict(r._mapping) for r in rows)
        wanted, skip = limit - len(page), 0
        if wanted <= 0:
            break
    return page, total


async def get_result(
    conn: AsyncConnection, result_id: uuid.UUID, *, lock: bool = False, completed_only: bool = False
) -> dict[str, Any] | None:
    """`completed_only`: None for a row of a run still in progress (as the lists)."""
    suffix = " FOR UPDATE OF r" if lock else ""
    visible = (
        " AND EXISTS (SELECT 1 FROM reconciliation_runs u WHERE u.id = r.recon_run_id "
        "AND u.status = 'completed')"
        if completed_only
        else ""
    )
    row = (
        await conn.execute(
            text(
                f"SELECT {RESULT_COLUMNS} FROM reconciliation_results r "
                f"WHERE r.id = :id{visible}{suffix}"
            ),
            {"id": result_id},
        )
    ).one_or_none()
    return None if row is None else dict(row._mapping)


async def share_lock_run(conn: AsyncConnection, run_id: uuid.UUID) -> bool | None:
    """Whether the run is current, holding it against a concurrent switch (NOWAIT: a
    run of the day in progress raises instead of making the caller wait for it)."""
    value = (
        await conn.execute(
            text("SELECT is_current FROM reconciliation_runs WHERE id = :id FOR SHARE NOWAIT"),
            {"id": run_id},
        )
    ).scalar_one_or_none()
    return None if value is None else bool(value)


async def set_resolution(
    conn: AsyncConnection,
    result_id: uuid.UUID,
    *,
    resolution: str,
    note: str | None,
    actor: str | None,
) -> None:
    await conn.execute(
        text(
            "UPDATE reconciliation_results SET resolution = :res, note = :note, "
            "resolved_by = CAST(:by AS varchar), "
            "resolved_at = CASE WHEN CAST(:by AS varchar) IS NULL "
            "THEN NULL ELSE clock_timestamp() END WHERE id = :id"
        ),
        {"res": resolution, "note": note, "by": actor, "id": result_id},
    )


async def set_resolutions(
    conn: AsyncConnection,
    result_ids: list[uuid.UUID],
    *,
    resolution: str,
    note: str | None,
    actor: str | None,
) -> None:
    """set_resolution for many rows at once (a bulk resolution: one note for all)."""
    await conn.execute(
        text(
            "UPDATE reconciliation_results SET resolution = :res, note = :note, "
            "resolved_by = CAST(:by AS varchar), "
            "resolved_at = CASE WHEN CAST(:by AS varchar) IS NULL "
            "THEN NULL ELSE clock_timestamp() END WHERE id = ANY(:ids)"
        ),
        {"res": resolution, "note": note, "by": actor, "ids": result_ids},
    )


async def list_changes(
    conn: AsyncConnection,
    run_id: uuid.UUID,
    previous_run_id: uuid.UUID,
    kind: str,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    """new / changed_type: rows of this run so tagged; cleared: rows of the previous
    run whose identity is not discrepant in this one."""
    if kind == "cleared":
        where = (
            "r.recon_run_id = :prev AND NOT EXISTS (SELECT 1 FROM reconciliation_results n "
            f"WHERE n.recon_run_id = :run AND {IDENTITY_SQL.format(t='n.')} = "
            f"{IDENTITY_SQL.format(t='r.')})"
        )
    else:
        where = "r.recon_run_id = :run AND r.change = :kind"
    params = {"run": run_id, "prev": previous_run_id, "kind": kind}
    total = int(
        (
            await conn.execute(
                text(f"SELECT count(*) FROM reconciliation_results r WHERE {where}"), params
            )
        ).scalar_one()
    )
    rows = await conn.execute(
        text(
            f"SELECT {RESULT_COLUMNS} FROM reconciliation_results r WHERE {where} "
            f"ORDER BY {RUN_ROW_ORDER} LIMIT :l OFFSET :o"
        ),
        {**params, "l": limit, "o": offset},
    )
    return [dict(r._mapping) for r in rows], total
