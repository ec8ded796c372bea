"""`GET /export/reconciliation`: a day's current run as a streamed CSV or XLSX file.

Rows come from a server-side cursor in batches and leave as they come (XLSX through
xlsxwriter's constant_memory mode and a temp file): memory stays flat at any size.
Amounts are the stored NUMERIC(18,4) values, written exactly (kit/tabular.py).

`type` narrows to one kind of row; without it the file holds every discrepancy and
missing row; `matched` gives the matched pairs, `all` both. Matched pairs are stored as
ids (engine.py), so their amounts and statuses are read from the transactions now.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Sequence
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from starlette.responses import StreamingResponse

from psp_dashboard.api.deps import RuntimeDep
from psp_dashboard.audit.service import record
from psp_dashboard.auth.deps import AUTH_RESPONSES, AnalystDep
from psp_dashboard.errors import NotFound, ValidationFailed
from psp_dashboard.kit.isodate import IsoDate
from psp_dashboard.kit.tabular import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Column,
    XlsxSink,
    csv_chunks,
    stream_file,
    temp_path,
)
from psp_dashboard.reconciliation import engine, repository, results, schemas
from psp_dashboard.reconciliation.engine import DayBounds
from psp_dashboard.runtime import Runtime

Format = Literal["csv", "xlsx"]
ExportType = Literal[
    "amount", "status", "time", "duplicate", "missing_vima", "missing_payshack", "matched", "all"
]
CURSOR_BATCH = 5_000

COLUMNS: tuple[Column, ...] = (
    Column("id", width=38),
    Column("recon_date", width=12),
    Column("run_id", width=38),
    Column("client_operation_id", width=24),
    Column("type", width=18),
    Column("match_status", width=18),
    Column("discrepancy_type", width=16),
    Column("vima_txn_id", width=38),
    Column("payshack_txn_id", width=38),
    Column("vima_amount", "money", 14),
    Column("payshack_amount", "money", 14),
    Column("amount_diff", "money", 14),
    Column("vima_status", width=12),
    Column("payshack_status", width=12),
    Column("provisional", width=11),
    Column("resolution", width=13),
    Column("resolved_by", width=24),
    Column("resolved_at", "timestamp", 22),
    Column("note", width=30),
    Column("first_seen_at", "timestamp", 22),
    Column("change", width=13),
    Column("details", width=40),
)
_NAMES = ", ".join(c.name for c in COLUMNS)
_RESULTS = f"""
    SELECT r.id, r.recon_date, r.recon_run_id AS run_id, r.client_operation_id,
           CASE WHEN r.match_status = 'discrepancy' THEN r.discrepancy_type
                ELSE r.match_status END AS type,
           r.match_status, r.discrepancy_type, r.vima_txn_id, r.payshack_txn_id,
           r.vima_amount, r.payshack_amount, r.amount_diff, r.vima_status, r.payshack_status,
           r.provisional::text AS provisional, r.resolution, r.resolved_by, r.resolved_at,
           r.note, r.first_seen_at, r.change, r.details::text AS details
    FROM reconciliation_results r
    WHERE r.recon_run_id = $1 AND {{cond}}
    ORDER BY {results.RUN_ROW_ORDER}
"""
# Matched pairs: ids and key as stored; amounts and statuses of the transactions, looked
# up within the day (Vima) and the window (PayShack), so the lookups prune partitions.
_MATCHES = """
    SELECT NULL::uuid AS id, rm.recon_date, rm.recon_run_id AS run_id,
           m.k AS client_operation_id, 'matched' AS type, 'matched' AS match_status,
           NULL AS discrepancy_type, m.vid AS vima_txn_id, m.pid AS payshack_txn_id,
           v.amount AS vima_amount, p.amount AS payshack_amount, NULL::numeric AS amount_diff,
           v.status AS vima_status, p.status AS payshack_status, 'false' AS provisional,
           NULL AS resolution, NULL AS resolved_by, NULL::timestamptz AS resolved_at,
           NULL AS note, NULL::timestamptz AS first_seen_at, NULL AS change, NULL AS details
    FROM reconciliation_matches rm
    CROSS JOIN LATERAL unnest(rm.keys, rm.vima_txn_ids, rm.payshack_txn_ids) AS m(k, vid, pid)
    LEFT JOIN transactions v
        ON v.id = m.vid AND v.created_at >= {ds} AND v.created_at < {de}
    LEFT JOIN transactions p
        ON p.id = m.pid AND p.created_at >= {wlo} AND p.created_at <= {whi}
    WHERE rm.recon_run_id = $1
    ORDER BY m.k
"""

router = APIRouter(prefix="/export", tags=["export"])


def _query(
    kind: ExportType | None, resolution: str | None, run_id: uuid.UUID, bounds: DayBounds
) -> tuple[str, list[Any]]:
    """The rows' SQL with $n placeholders, and its arguments."""
    args: list[Any] = [run_id]
    cond = results.TYPE_CONDITIONS.get(kind or "", "true")
    if resolution is not None:
        args.append(resolution)
        cond += f" AND r.resolution = ${len(args)}"
    discrepant = _RESULTS.format(cond=cond)
    if kind not in ("matched", "all") or (kind == "all" and resolution is not None):
        return discrepant, args  # matched pairs have no resolution
    if kind == "matched" and resolution is not None:
        return _RESULTS.format(cond="false"), [run_id]
    n = len(args)
    args += [bounds.start, bounds.end, bounds.window_lo, bounds.window_hi]
    matches = _MATCHES.format(ds=f"${n + 1}", de=f"${n + 2}", wlo=f"${n + 3}", whi=f"${n + 4}")
    if kind == "matched":
        return matches, args
    return (
        f"SELECT {_NAMES} FROM ({discrepant}) a UNION ALL SELECT {_NAMES} FROM ({matches}) b",
        args,
    )


def _count(run: dict[str, Any], kind: ExportType | None, resolution: str | None) -> int:
    """Rows of the file, from the run's counts (an upper bound when `resolution` is set)."""
    summary = run["summary"] or {}
    matched = 0 if resolution is not None else int(summary.get("matched", 0))
    other = int(summary.get("discrepancies", 0)) + int(summary.get("missing", 0))
    if kind == "matched":
        return matched
    if kind in (None, "all"):
        return other + (matched if kind == "all" else 0)
    if kind in ("missing_vima", "missing_payshack"):
        return int(summary.get(kind, 0))
    return int((summary.get("by_type") or {}).get(kind, 0))


async def _rows(
    runtime: Runtime, sql: str, args: Sequence[Any]
) -> AsyncGenerator[list[list[Any]], None]:
    """Batches of rows from a server-side cursor on a connection of its own."""
    async with runtime.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        done = False
        try:
            async with driver.transaction(readonly=True):
                cursor = await driver.cursor(sql, *args)
                while records := await cursor.fetch(CURSOR_BATCH):
                    yield [list(r) for r in records]
            done = True
        finally:
            if not done:  # the client went away mid-fetch: connection state unknown
                await conn.invalidate()


async def _flat(batches: AsyncIterator[list[list[Any]]]) -> AsyncIterator[Sequence[Any]]:
    async for batch in batches:
        for row in batch:
            yield row


async def _xlsx(runtime: Runtime, sql: str, args: Sequence[Any]) -> AsyncIterator[bytes]:
    path = temp_path(".xlsx")
    try:
        sink = await asyncio.to_thread(XlsxSink, path, COLUMNS, "Reconciliation")
        batches = _rows(runtime, sql, args)
        try:
            async for batch in batches:
                await asyncio.to_thread(sink.add, batch)
        finally:
            await batches.aclose()
            await asyncio.to_thread(sink.close)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        raise
    async for chunk in stream_file(path):
        yield chunk


@router.get(
    "/reconciliation",
    operation_id="export_reconciliation",
    summary="Download a day's reconciliation as CSV or XLSX (analysts and admins)",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The file, streamed (header row first; amounts exact)",
            "content": {
                CSV_MEDIA_TYPE: {"schema": {"type": "string"}},
                XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        },
        404: {"description": "The day has no reconciliation run"},
        **AUTH_RESPONSES,
    },
)
async def export_reconciliation(
    principal: AnalystDep,
    runtime: RuntimeDep,
    day: Annotated[IsoDate, Query(alias="date", description="YYYY-MM-DD")],
    format: Annotated[Format, Query(description="File format")] = "csv",  # contract name
    type: Annotated[
        ExportType | None,
        Query(description="One kind of row; none: every discrepancy and missing row"),
    ] = None,
    resolution: Annotated[schemas.Resolution | None, Query(description="State")] = None,
) -> StreamingResponse:
    cap = runtime.settings.export_max_rows
    async with runtime.engine.begin() as conn:
        run = await repository.current_run(conn, day)
        if run is None:
            raise NotFound(f"{day.isoformat()} has not been reconciled", {"date": day.isoformat()})
        rows = _count(run, type, resolution)
        if rows > cap:
            raise ValidationFailed(
                f"The export would hold {rows:,} rows; at most {cap:,} can be exported at once",
                {"field": "type", "reason": "export_too_large", "rows": rows, "max_rows": cap},
            )
        settings = run["settings"] or {}
        # The run's own day and window (its settings), not today's configuration.
        bounds = await engine.day_bounds(
            conn,
            day,
            settings.get("timezone", runtime.settings.recon_timezone),
            timedelta(minutes=float(settings.get("grace_minutes", 0))),
        )
        await record(
            conn,
            principal,
            "export.reconciliation",
            target=day.isoformat(),
            params={"format": format, "type": type, "resolution": resolution, "rows": rows},
        )
    sql, args = _query(type, resolution, run["run_id"], bounds)
    suffix = f"_{type}" if type else ""
    name = f"reconciliation_{day.isoformat()}{suffix}.{format}"
    if format == "csv":
        body: AsyncIterator[bytes] = csv_chunks(COLUMNS, _flat(_rows(runtime, sql, args)))
        media = CSV_MEDIA_TYPE
    else:
        body = _xlsx(runtime, sql, args)
        media = XLSX_MEDIA_TYPE
    return StreamingResponse(
        body,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Export-Rows": str(rows),
            "Cache-Control": "no-store",
        },
    )
