"""The counterpart of a missing row outside the window, and how far away it is.

A missing row whose key exists on the other side, outside the window the rules pair
within (seen: Vima 03 Dec 23:42, PayShack 04 Dec 02:32 with G = 2 h), is "missing" on
two days. The rules stay the judge (both rows stay missing); the row links to its
counterpart with the offset in words, and money at risk counts the pair once, on the
day of its earlier row (exposure.py).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


# The other side's rows of a key (its project reconciled), nearest first. A missing row
# has no other-side row of its key inside the window, so any found is outside it.
def _counterparts(status: str, own: str, other: str, other_key: str) -> str:
    return f"""
    SELECT r.id AS result_id, o.id AS transaction_id, o.source, o.created_at,
           o.created_at - t.created_at AS "offset",
           coalesce((run.settings ->> 'grace_minutes')::numeric, 120) AS grace_minutes
    FROM reconciliation_results r
    JOIN reconciliation_runs run ON run.id = r.recon_run_id
    JOIN transactions t ON t.id = r.{own}_txn_id
    JOIN transactions o ON o.source = '{other}' AND o.{other_key} = r.client_operation_id
        AND o.project IN (SELECT jsonb_array_elements_text(run.settings -> 'projects'))
    WHERE r.id = ANY(:ids) AND r.match_status = '{status}'
    """


# The other side's rows of a key (its project reconciled), nearest first; each side
# spelled out so the probe uses the index on its key column. A missing row has no
# other-side row of its key inside the window, so any found is outside it.
_COUNTERPARTS = text(
    "SELECT DISTINCT ON (result_id) * FROM ("
    + _counterparts("missing_payshack", "vima", "payshack", "order_id")
    + " UNION ALL "
    + _counterparts("missing_vima", "payshack", "vima", "client_operation_id")
    + ') c ORDER BY result_id, abs(extract(epoch FROM "offset")), transaction_id'
)


def duration_text(delta: timedelta) -> str:
    """'2 h 50 min', '45 min', '3 d 4 h' (whole minutes, rounded down)."""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    return f"{mins} min"


def offset_text(delta: timedelta, grace_minutes: float | None) -> str:
    where = "later" if delta >= timedelta(0) else "earlier"
    text_ = f"the counterpart is {duration_text(delta)} {where}"
    if grace_minutes is not None:
        window = duration_text(timedelta(minutes=float(grace_minutes)))
        text_ += f", outside the {window} window"
    return text_


async def counterparts_of(
    conn: AsyncConnection, result_ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    """`counterpart` of each missing row that has one outside the window."""
    if not result_ids:
        return {}
    rows = await conn.execute(_COUNTERPARTS, {"ids": result_ids})
    return {
        uuid.UUID(str(r.result_id)): {
            "transaction_id": r.transaction_id,
            "source": r.source,
            "created_at": r.created_at,
            "offset_text": offset_text(r.offset, float(r.grace_minutes)),
        }
        for r in rows
    }


async def attach_counterparts(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """`counterpart` on each row (null unless a missing row with one); one query."""
    missing = [
        uuid.UUID(str(r["id"]))
        for r in rows
        if r["match_status"] in ("missing_vima", "missing_payshack")
    ]
    found = await counterparts_of(conn, missing)
    for r in rows:
        r["counterpart"] = found.get(uuid.UUID(str(r["id"])))
