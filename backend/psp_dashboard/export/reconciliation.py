"""The reconciliation export: a day's current run as a streamed CSV or XLSX file.

Rows come from a server-side cursor in batches and leave as they come
(`kit/streaming.py`): memory stays flat at any size. Amounts are the stored
NUMERIC(18,4) values, written exactly with the rupee's 2 decimals (`kit/tabular.py`;
both providers' pay-ins are INR).

`type` narrows to one kind of row; without it the file holds every discrepancy and
missing row; `matched` gives the matched pairs, `all` both. Matched pairs are stored as
ids (engine.py), so their amounts and statuses are read from the transactions now.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any, Literal

from psp_dashboard.audit.service import record
from psp_dashboard.auth.principal import Principal
from psp_dashboard.errors import found
from psp_dashboard.export.files import Export, too_large
from psp_dashboard.kit.streaming import Format, cursor_batches, file_body
from psp_dashboard.kit.tabular import Column, Kind
from psp_dashboard.reconciliation import engine, repository, results
from psp_dashboard.reconciliation.engine import DayBounds
from psp_dashboard.runtime import Runtime

ExportType = Literal[
    "amount", "status", "time", "duplicate", "missing_vima", "missing_payshack", "matched", "all"
]

_WIDTHS = {
    "id": 38, "recon_date": 12, "run_id": 38, "client_operation_id": 24, "type": 18,
    "match_status": 18, "discrepancy_type": 16, "vima_txn_id": 38, "payshack_txn_id": 38,
    "vima_amount": 14, "payshack_amount": 14, "amount_diff": 14, "vima_status": 12,
    "payshack_status": 12, "provisional": 11, "resolution": 13, "resolved_by": 24,
    "resolved_at": 22, "note": 30, "first_seen_at": 22, "change": 13, "details": 40,
}  # fmt: skip
_KINDS: dict[str, Kind] = {
    "vima_amount": "money", "payshack_amount": "money", "amount_diff": "money",
    "resolved_at": "timestamp", "first_seen_at": "timestamp", "recon_date": "date",
}  # fmt: skip
# In the order the queries below select them.
COLUMNS = tuple(Column(name, _KINDS.get(name, "text"), w) for name, w in _WIDTHS.items())
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


async def export_reconciliation(
    runtime: Runtime,
    principal: Principal,
    day: date,
    *,
    fmt: Format,
    kind: ExportType | None,
    resolution: str | None,
) -> Export:
    """The day's current run: refuse above the cap, audit, then stream."""
    cap = runtime.settings.export_max_rows
    async with runtime.engine.begin() as conn:
        run = found(
            await repository.current_run(conn, day),
            f"{day.isoformat()} has not been reconciled",
            {"date": day.isoformat()},
        )
        rows = _count(run, kind, resolution)
        if rows > cap:
            raise too_large(rows, cap, "type")
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
            params={"format": fmt, "type": kind, "resolution": resolution, "rows": rows},
        )
    sql, args = _query(kind, resolution, run["run_id"], bounds)
    suffix = f"_{kind}" if kind else ""
    body, media_type = file_body(
        fmt, COLUMNS, "Reconciliation", cursor_batches(runtime.engine, sql, args)
    )
    return Export(f"reconciliation_{day.isoformat()}{suffix}.{fmt}", media_type, rows, body)
