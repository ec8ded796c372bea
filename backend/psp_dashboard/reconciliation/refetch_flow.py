"""Re-fetch a discrepancy's (or a transaction's) key from the providers and re-classify
it in the current run of every day that reports it (sync/refetch.py, amend.py)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import text

from psp_dashboard.audit.service import record
from psp_dashboard.auth.principal import Principal
from psp_dashboard.errors import Conflict, NotFound, ValidationFailed
from psp_dashboard.reconciliation import results, service
from psp_dashboard.reconciliation.amend import Amended, reclassify_key
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.refetch import Refetched, refetch_key
from psp_dashboard.transactions import service as transactions

# The local days whose runs can report the key: the days of its rows on either side.
_DAYS_OF_KEY = text(
    "SELECT DISTINCT (created_at AT TIME ZONE :tz)::date AS day FROM transactions "
    "WHERE ((source = 'vima' AND client_operation_id = :k) "
    "OR (source = 'payshack' AND order_id = :k)) AND project = ANY(:projects) ORDER BY 1"
)


async def _days_of(runtime: Runtime, key: str) -> list[date]:
    s = runtime.settings
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            _DAYS_OF_KEY, {"tz": s.recon_timezone, "k": key, "projects": list(s.recon_projects)}
        )
        return [r.day for r in rows]


async def _audit(runtime: Runtime, principal: Principal, target: str, key: str,
                 got: Refetched) -> None:  # fmt: skip
    async with runtime.engine.begin() as conn:
        await record(
            conn, principal, "recon.refetch", target=target,
            params={"key": key, "fetched": got.fetched, "written": got.written,
                    "sync_runs": got.sync_run_ids},
        )  # fmt: skip


async def _reclassify(
    runtime: Runtime,
    principal: Principal,
    key: str,
    got: Refetched,
    days: set[date],
    keep: dict[date, uuid.UUID] | None = None,
) -> dict[date, Amended]:
    done: dict[date, Amended] = {}
    for day in sorted(days | set(await _days_of(runtime, key))):
        amended = await reclassify_key(
            runtime, day, key, principal, reason="refetch", fetched=got.fetched,
            keep_id=(keep or {}).get(day),
        )  # fmt: skip
        if amended is not None:
            done[day] = amended
    return done


async def refetch_discrepancy(
    runtime: Runtime, principal: Principal, result_id: uuid.UUID
) -> dict[str, Any]:
    async with runtime.engine.connect() as conn:
        row = await results.get_result(conn, result_id, completed_only=True)
        if row is None:
            raise NotFound("Discrepancy not found", {"id": str(result_id)})
        current = (
            await conn.execute(
                text("SELECT is_current FROM reconciliation_runs WHERE id = :id"),
                {"id": row["run_id"]},
            )
        ).scalar_one()
    if not current:
        raise Conflict(
            "This discrepancy belongs to a superseded run; re-fetch it from the current run",
            {"reason": "superseded_run", "run_id": str(row["run_id"])},
        )
    key = row["client_operation_id"]
    if key is None:
        raise ValidationFailed(
            "This row has no key to ask the providers for",
            {"field": "id", "expected": "a row with a client_operation_id", "received": None},
        )
    got = await refetch_key(runtime, key)
    await _audit(runtime, principal, str(result_id), key, got)
    day = row["recon_date"]
    amended = await _reclassify(runtime, principal, key, got, {day}, {day: result_id})
    mine = amended.get(day)
    discrepancy = None
    if mine is not None and mine.result_ids:
        async with runtime.engine.connect() as conn:
            discrepancy = await service.get_discrepancy(conn, principal, mine.result_ids[0])
    return {
        "discrepancy": discrepancy,
        "amendment": None if mine is None else mine.amendment,
        "fetched": got.fetched,
        "changed": got.changed or any(a.changed for a in amended.values()),
    }


async def refetch_transaction(
    runtime: Runtime, principal: Principal, transaction_id: uuid.UUID
) -> dict[str, Any]:
    async with runtime.engine.connect() as conn:
        txn = await transactions.get_transaction(conn, principal, transaction_id)
    key = txn["client_operation_id"] if txn["source"] == "vima" else txn["order_id"]
    key = (key or "").strip() or None
    if key is None:
        raise ValidationFailed(
            "This transaction has no key to ask the providers for",
            {"field": "id", "expected": "a transaction with a key", "received": None},
        )
    got = await refetch_key(runtime, key)
    await _audit(runtime, principal, str(transaction_id), key, got)
    amended = await _reclassify(runtime, principal, key, got, set())
    async with runtime.engine.connect() as conn:
        txn = await transactions.get_transaction(conn, principal, transaction_id)
    return {
        "transaction": txn,
        "changed": got.changed or any(a.changed for a in amended.values()),
        "amendments": [a.amendment for a in amended.values()],
    }
