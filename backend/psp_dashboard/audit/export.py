"""`GET /audit/export`: the audit trail's filtered entries as a streamed CSV or XLSX file,
labels included, newest first.

Entries are read in keyset pages of (at, id), each page's targets named in one lookup
(`labels.py`), so memory stays flat whatever the trail's size.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine

from psp_dashboard.audit.service import AuditFilter, count_entries, ordered, record, shaped
from psp_dashboard.auth.principal import Principal
from psp_dashboard.export.files import Export, too_large
from psp_dashboard.kit.streaming import Format, file_body
from psp_dashboard.kit.tabular import Column, Kind
from psp_dashboard.models.auth import audit_log

PAGE_ROWS = 2_000
_SPEC: tuple[tuple[str, Kind, int], ...] = (
    ("id", "code", 10), ("created_at", "timestamp", 22), ("actor", "text", 28),
    ("action", "code", 22), ("action_label", "text", 32), ("target", "text", 38),
    ("target_label", "text", 38), ("outcome", "code", 10), ("ip", "code", 16),
    ("request_id", "code", 24), ("details", "text", 60),
)  # fmt: skip


COLUMNS = tuple(Column(name, kind, width) for name, kind, width in _SPEC)


def filename(flt: AuditFilter, fmt: Format, today: date) -> str:
    if flt.from_date is None and flt.to_date is None:
        return f"audit_all_{today.isoformat()}.{fmt}"
    first = flt.from_date.isoformat() if flt.from_date else "start"
    return f"audit_{first}_{(flt.to_date or today).isoformat()}.{fmt}"


def _row(raw: Any, shown: dict[str, Any]) -> list[Any]:
    details = json.dumps(shown["details"] or {}, ensure_ascii=False, sort_keys=True)
    return [
        shown["id"], raw["at"], shown["actor"], shown["action"], shown["action_label"],
        shown["target"], shown["target_label"], shown["outcome"], shown["ip"],
        shown["request_id"], details,
    ]  # fmt: skip


async def _batches(
    engine: AsyncEngine, flt: AuditFilter, cap: int
) -> AsyncGenerator[list[Sequence[Any]], None]:
    after: tuple[datetime, int] | None = None
    left = cap
    while left > 0:
        stmt = ordered(flt).limit(min(PAGE_ROWS, left))
        if after is not None:
            stmt = stmt.where(tuple_(audit_log.c.at, audit_log.c.id) < tuple_(*after))
        async with engine.connect() as conn:
            found = list((await conn.execute(stmt)).mappings())
            if not found:
                return
            shown = await shaped(conn, found)
        yield [_row(raw, entry) for raw, entry in zip(found, shown, strict=True)]
        left -= len(found)
        after = (found[-1]["at"], found[-1]["id"])


async def export_audit(
    engine: AsyncEngine,
    principal: Principal,
    flt: AuditFilter,
    *,
    fmt: Format,
    cap: int,
    today: date,
) -> Export:
    """Count, refuse above `cap`, record the export itself, then stream the entries
    there were when it was asked for (its own entry and later ones are not in it)."""
    async with engine.begin() as conn:
        newest = (await conn.execute(select(func.max(audit_log.c.id)))).scalar_one()
        flt = replace(flt, up_to_id=int(newest or 0))
        rows = await count_entries(conn, flt)
        if rows > cap:
            raise too_large(rows, cap, "from_date", "Narrow the dates and export in parts.")
        params = {
            "actor": flt.actor, "action": flt.action, "from_date": flt.from_date,
            "to_date": flt.to_date, "format": fmt, "rows": rows,
        }  # fmt: skip
        await record(conn, principal, "export.audit", params=params)
    body, media_type = file_body(fmt, COLUMNS, "Audit", _batches(engine, flt, rows))
    return Export(filename(flt, fmt, today), media_type, rows, body)
