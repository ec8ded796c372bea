"""SQL of the workbench: owners, history (resolutions, assignments, comments), the two
sides' transactions. Owners and events are keyed by day + identity + API type, the key
the engine carries resolutions over by (engine_sql._PREV), so a re-run's row finds them.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.reconciliation.engine_sql import API_TYPE_SQL, IDENTITY_SQL

# A result row `r` and its owner/event rows `{a}`: the same day, identity and type.
SAME_ROW_SQL = (
    "{a}.recon_date = r.recon_date "
    f"AND {{a}}.row_identity = {IDENTITY_SQL.format(t='r.')} "
    f"AND {{a}}.api_type = {API_TYPE_SQL.format(t='r.')}"
)
OWNER_IS_SQL = (
    "EXISTS (SELECT 1 FROM reconciliation_assignments a "
    f"WHERE {SAME_ROW_SQL.format(a='a')} AND a.owner_id = :owner_id)"
)
NO_OWNER_SQL = (
    f"NOT EXISTS (SELECT 1 FROM reconciliation_assignments a WHERE {SAME_ROW_SQL.format(a='a')})"
)

_KEYS = f"""
    SELECT r.id, r.recon_date, r.recon_run_id AS run_id, r.resolution,
           {IDENTITY_SQL.format(t="r.")} AS ident, {API_TYPE_SQL.format(t="r.")} AS type,
           run.is_current, run.status AS run_status
    FROM reconciliation_results r JOIN reconciliation_runs run ON run.id = r.recon_run_id
    WHERE r.id = ANY(:ids)
"""


async def row_keys(
    conn: AsyncConnection, ids: list[uuid.UUID], *, lock: bool = False
) -> list[dict[str, Any]]:
    """Day, identity, type and run state of result rows (locked for update: a bulk
    resolution holds them in id order, as the single one holds its row)."""
    suffix = " ORDER BY r.id FOR UPDATE OF r" if lock else ""
    rows = await conn.execute(text(_KEYS + suffix), {"ids": ids})
    return [dict(r._mapping) for r in rows]


async def owners_of(conn: AsyncConnection, ids: list[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
    """The owner of each of these result rows that has one."""
    if not ids:
        return {}
    rows = await conn.execute(
        text(
            f"""
            SELECT r.id, u.id AS owner_id, u.email
            FROM reconciliation_results r
            JOIN reconciliation_assignments a ON {SAME_ROW_SQL.format(a="a")}
            JOIN users u ON u.id = a.owner_id
            WHERE r.id = ANY(:ids)
            """
        ),
        {"ids": ids},
    )
    return {
        uuid.UUID(str(r.id)): {"id": uuid.UUID(str(r.owner_id)), "email": r.email} for r in rows
    }


async def active_user_email(conn: AsyncConnection, user_id: uuid.UUID) -> str | None:
    return (
        await conn.execute(
            text("SELECT email FROM users WHERE id = :id AND is_active"), {"id": user_id}
        )
    ).scalar_one_or_none()


async def set_owner(
    conn: AsyncConnection, key: dict[str, Any], owner_id: uuid.UUID | None, by: str
) -> None:
    params = {"d": key["recon_date"], "i": key["ident"], "t": key["type"]}
    if owner_id is None:
        await conn.execute(
            text(
                "DELETE FROM reconciliation_assignments "
                "WHERE recon_date = :d AND row_identity = :i AND api_type = :t"
            ),
            params,
        )
        return
    await conn.execute(
        text(
            "INSERT INTO reconciliation_assignments "
            "(recon_date, row_identity, api_type, owner_id, assigned_by, assigned_at) "
            "VALUES (:d, :i, :t, :o, :by, clock_timestamp()) "
            "ON CONFLICT (recon_date, row_identity, api_type) DO UPDATE SET "
            "owner_id = EXCLUDED.owner_id, assigned_by = EXCLUDED.assigned_by, "
            "assigned_at = EXCLUDED.assigned_at"
        ),
        {**params, "o": owner_id, "by": by},
    )


async def add_events(conn: AsyncConnection, events: list[dict[str, Any]]) -> None:
    """Events: {key (row_keys' row), action, actor_id, actor_email, resolution, owner_id,
    note}. clock_timestamp(): several events of one transaction keep their order."""
    if not events:
        return
    await conn.execute(
        text(
            "INSERT INTO reconciliation_events (recon_date, row_identity, api_type, result_id, "
            "action, actor_id, actor_email, at, resolution, owner_id, note) "
            "VALUES (:d, :i, :t, :rid, :action, :actor_id, :actor_email, clock_timestamp(), "
            ":resolution, :owner_id, :note)"
        ),
        [
            {
                "d": e["key"]["recon_date"],
                "i": e["key"]["ident"],
                "t": e["key"]["type"],
                "rid": e["key"]["id"],
                "action": e["action"],
                "actor_id": e["actor_id"],
                "actor_email": e["actor_email"],
                "resolution": e.get("resolution"),
                "owner_id": e.get("owner_id"),
                "note": e.get("note"),
            }
            for e in events
        ],
    )


async def events_of(conn: AsyncConnection, key: dict[str, Any]) -> list[dict[str, Any]]:
    rows = await conn.execute(
        text(
            "SELECT e.id, e.action, e.actor_email, e.at, e.resolution, e.note, e.owner_id, "
            "u.email AS owner_email FROM reconciliation_events e "
            "LEFT JOIN users u ON u.id = e.owner_id "
            "WHERE e.recon_date = :d AND e.row_identity = :i AND e.api_type = :t "
            "ORDER BY e.at, e.id"
        ),
        {"d": key["recon_date"], "i": key["ident"], "t": key["type"]},
    )
    return [dict(r._mapping) for r in rows]


SIDE_COLUMNS = (
    "id, source, source_id, created_at, amount, currency, fee, status, original_status, "
    "utr, user_id, user_name, user_phone"
)


async def transactions_by_id(
    conn: AsyncConnection, ids: list[uuid.UUID]
) -> dict[uuid.UUID, dict[str, Any]]:
    if not ids:
        return {}
    rows = await conn.execute(
        text(f"SELECT {SIDE_COLUMNS} FROM transactions WHERE id = ANY(:ids)"), {"ids": ids}
    )
    return {uuid.UUID(str(r.id)): dict(r._mapping) for r in rows}
