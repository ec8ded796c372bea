"""Sync status, manual trigger, run history, backfills, quarantine."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from psp_dashboard.api.deps import ConnDep, RuntimeDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.audit.service import record
from psp_dashboard.auth.deps import AUTH_RESPONSES, AdminDep, ViewerDep
from psp_dashboard.auth.masking import mask_payload, mask_text_for
from psp_dashboard.cache import SYNC_STATUS_KEY, TTL_SYNC_STATUS
from psp_dashboard.errors import NotFound
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync import repository as repo
from psp_dashboard.sync.backfill import create_backfill, run_backfill
from psp_dashboard.sync.scheduler import interval_minutes, job_id
from psp_dashboard.sync.schemas import (
    BackfillEnvelope,
    BackfillRequest,
    BackfillsEnvelope,
    DataReads,
    QuarantineEnvelope,
    SourceName,
    SyncRunKind,
    SyncRunsEnvelope,
    SyncStatusEnvelope,
    TriggerEnvelope,
    TriggerRequest,
    WorkersEnvelope,
)
from psp_dashboard.sync.service import endpoints_of, trigger_sync
from psp_dashboard.sync.sources import SOURCES
from psp_dashboard.sync.state import is_running_elsewhere
from psp_dashboard.ticks import live_workers

router = APIRouter(
    prefix="/sync", tags=["sync"], responses=AUTH_RESPONSES, route_class=ValidatedRoute
)

Page = Annotated[int, Query(ge=1, le=100_000)]
Limit = Annotated[int, Query(ge=1, le=100)]


async def build_status(runtime: Runtime, conn: ConnDep) -> dict[str, Any]:
    endpoints = endpoints_of(runtime)
    worker = runtime.worker
    now = datetime.now(UTC)
    sources = []
    for state in await repo.sync_states(conn):
        source = state["source"]
        status, error = state["sync_status"] or "idle", state["error_message"]
        if status == "running" and not await is_running_elsewhere(runtime.engine, source):
            # A run that died without closing its books (SIGKILL, power loss).
            status, error = "failed", error or "the last run was interrupted"
        next_at = (
            worker.next_run_time(job_id(source)) if worker is not None else state["next_sync_at"]
        )
        last_ok = state["last_successful_sync"]
        sources.append(
            {
                "source": source,
                "status": status,
                "last_sync_at": state["last_sync_at"],
                "last_successful_sync": last_ok,
                "records_synced": state["records_synced"] or 0,
                "next_sync_at": next_at,
                "error_message": error,
                "last_cursor": state["last_update_cursor"] or state["last_create_cursor"],
                "watermark": state["watermark"],
                "newest_record_at": state["newest_record_at"],
                "last_run": None
                if state["last_run_status"] is None
                else {
                    "status": state["last_run_status"],
                    "rows_expected": state["last_rows_expected"],
                    "rows_read": state["last_rows_read"],
                },
                "lag_seconds": int((now - last_ok).total_seconds()) if last_ok else None,
                "configured": endpoints.configured(source),
                "sandbox": source in endpoints.sandbox,
                "interval_minutes": interval_minutes(runtime.settings, source),
            }
        )
    return {"sources": sources}


@router.get(
    "/status",
    response_model=SyncStatusEnvelope,
    operation_id="sync_status",
    summary="State of each source's sync",
)
async def sync_status(principal: ViewerDep, runtime: RuntimeDep, conn: ConnDep) -> Any:
    async def load() -> dict[str, Any]:
        return SyncStatusEnvelope(data=await build_status(runtime, conn)).model_dump(mode="json")

    body = await runtime.cache.get_or_load(SYNC_STATUS_KEY, TTL_SYNC_STATUS, load)
    # Cached once for everyone; a provider's error message may quote payer data.
    for source in body["data"]["sources"]:
        source["error_message"] = mask_text_for(source.get("error_message"), principal)
    # Measured now, not cached with the rest: the freshness badge shows it.
    reads = await runtime.reads()
    body["data"]["reads"] = DataReads(
        source=reads.name,
        replica_configured=runtime.replica is not None,
        as_of=reads.as_of,
        lag_seconds=reads.lag_seconds,
    ).model_dump(mode="json")
    return body


@router.post(
    "/trigger",
    response_model=TriggerEnvelope,
    status_code=202,
    operation_id="sync_trigger",
    summary="Run a source's sync now (null = all sources)",
)
async def sync_trigger(
    body: TriggerRequest, principal: AdminDep, runtime: RuntimeDep, conn: ConnDep
) -> Any:
    sources: list[str] = [body.source] if body.source else list(SOURCES)
    where = await trigger_sync(runtime, sources)
    await record(conn, principal, "sync.trigger", target=body.source or "all")
    await runtime.cache.delete(SYNC_STATUS_KEY)
    return {
        "data": {
            "source": body.source or "all",
            "status": "triggered",
            "message": f"Sync of {', '.join(sources)} started in {where}",
        }
    }


@router.get(
    "/runs",
    response_model=SyncRunsEnvelope,
    operation_id="sync_runs",
    summary="History of sync runs with their counts",
)
async def sync_runs(
    principal: ViewerDep,
    conn: ConnDep,
    source: SourceName | None = None,
    kind: SyncRunKind | None = None,
    page: Page = 1,
    limit: Limit = 50,
) -> Any:
    rows, total = await repo.list_runs(conn, source, kind, page, limit)
    for row in rows:  # a provider's error message may quote payer data
        row["error"] = mask_text_for(row["error"], principal)
    return {"data": rows, "meta": repo.page_meta(page, limit, total)}


@router.post(
    "/backfill",
    response_model=BackfillEnvelope,
    status_code=202,
    operation_id="sync_backfill",
    summary="Load a date range of a source, day by day, beside the incremental sync",
    responses={
        409: {
            "description": "A backfill of this source is pending or running "
            '(details: {"reason": "backfill_running", "source", "backfill_id"})'
        }
    },
)
async def sync_backfill(
    body: BackfillRequest, principal: AdminDep, runtime: RuntimeDep, request: Request
) -> Any:
    backfill_id = await create_backfill(
        runtime, body.source, body.from_date, body.to_date, principal.email, exclusive=True
    )
    async with runtime.engine.begin() as conn:
        await record(
            conn,
            principal,
            "sync.backfill",
            target=body.source,
            params={"from_date": body.from_date, "to_date": body.to_date, "id": backfill_id},
        )
        created = await repo.get_backfill(conn, backfill_id)
    runtime.tasks.spawn(run_backfill(runtime, backfill_id, stop=runtime.tasks.stop))
    return JSONResponse(
        BackfillEnvelope.model_validate({"data": created}).model_dump(mode="json"),
        status_code=202,
    )


@router.get(
    "/backfills",
    response_model=BackfillsEnvelope,
    operation_id="sync_backfills",
    summary="Backfills and their progress",
)
async def sync_backfills(
    principal: ViewerDep, conn: ConnDep, page: Page = 1, limit: Limit = 50
) -> Any:
    rows, total = await repo.list_backfills(conn, page, limit)
    for row in rows:
        row["error"] = mask_text_for(row.get("error"), principal)
    return {"data": rows, "meta": repo.page_meta(page, limit, total)}


@router.get(
    "/backfills/{backfill_id}",
    response_model=BackfillEnvelope,
    operation_id="sync_backfill_get",
    summary="A backfill: its running totals and each day's shard (state, fetched, stored)",
    responses={404: {"description": "No such backfill"}},
)
async def sync_backfill_get(principal: ViewerDep, conn: ConnDep, backfill_id: uuid.UUID) -> Any:
    row = await repo.get_backfill(conn, backfill_id)
    if row is None:
        raise NotFound("No such backfill", {"id": str(backfill_id)})
    row["error"] = mask_text_for(row.get("error"), principal)
    for shard in row["shards"]:  # a provider's error message may quote payer data
        shard["error"] = mask_text_for(shard["error"], principal)
    return {"data": row}


@router.get(
    "/quarantine",
    response_model=QuarantineEnvelope,
    operation_id="sync_quarantine",
    summary="Records a source sent that could not be stored, with the reason",
)
async def sync_quarantine(
    principal: ViewerDep,
    conn: ConnDep,
    source: SourceName | None = None,
    reason: Annotated[
        str | None, Query(max_length=500, description="Exact reason (one of `meta.reasons`)")
    ] = None,
    page: Page = 1,
    limit: Limit = 50,
) -> Any:
    rows, total = await repo.list_quarantine(conn, source, page, limit, reason)
    # A bad record is still a payer's record: viewers see it masked like any other.
    masked = [mask_payload(row, principal) for row in rows]
    meta: dict[str, Any] = {
        **repo.page_meta(page, limit, total),
        "reasons": await repo.quarantine_reasons(conn, source),
    }
    return {"data": masked, "meta": meta}


@router.get(
    "/workers",
    response_model=WorkersEnvelope,
    operation_id="sync_workers",
    summary="Live worker processes and the job ticks they hold",
)
async def sync_workers(_: AdminDep, runtime: RuntimeDep) -> Any:
    return {"data": await live_workers(runtime.cache)}
