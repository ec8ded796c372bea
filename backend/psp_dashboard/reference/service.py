"""The reference API's work: client list with projects, balance history, the admin's
project change (map row, re-label, audit), resellers and service providers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Table, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.audit.service import record
from psp_dashboard.auth.principal import Principal
from psp_dashboard.config import Settings
from psp_dashboard.errors import NotFound, ValidationFailed
from psp_dashboard.kit.json import money
from psp_dashboard.kit.locks import transaction_lock
from psp_dashboard.models.reference import (
    client_project_map,
    payshack_client_balances,
    payshack_clients,
    payshack_reference_state,
    payshack_resellers,
)
from psp_dashboard.payments.links import LinkRule
from psp_dashboard.reference.client_map import (
    Relabelled,
    admin_map,
    effective_map,
    fold,
    relabel,
    resolve,
)


def _client_out(
    row: Any, env: dict[str, str], admin: dict[str, str], resellers: dict[str, str | None]
) -> dict[str, Any]:
    project, source = resolve(row.name, env, admin)
    return {
        "client_id": row.client_id,
        "name": row.name,
        "project": project,
        "project_source": source,
        "reseller_id": row.reseller_id,
        "reseller_name": resellers.get(row.reseller_id or ""),
        "balance": None if row.balance is None else money(row.balance),
        "currency": row.currency.strip(),
        "refreshed_at": row.refreshed_at,
        "active": row.active,
    }


async def _reseller_names(conn: AsyncConnection) -> dict[str, str | None]:
    rows = await conn.execute(select(payshack_resellers.c.reseller_id, payshack_resellers.c.name))
    return {key: name for key, name in rows}


async def list_clients(conn: AsyncConnection, settings: Settings) -> dict[str, Any]:
    admin = await admin_map(conn)
    resellers = await _reseller_names(conn)
    env = dict(settings.payshack_client_projects)
    rows = await conn.execute(
        select(payshack_clients).order_by(payshack_clients.c.active.desc(), payshack_clients.c.name)
    )
    state = (
        await conn.execute(
            select(payshack_reference_state).where(payshack_reference_state.c.id == 1)
        )
    ).first()
    failing = (
        state is not None
        and state.last_error_at is not None
        and (state.last_success_at is None or state.last_error_at > state.last_success_at)
    )
    return {
        "items": [_client_out(r, env, admin, resellers) for r in rows],
        "refreshed_at": None if state is None else state.last_success_at,
        "last_attempt_at": None if state is None else state.last_attempt_at,
        "last_error": state.last_error if failing and state is not None else None,
    }


async def _client(conn: AsyncConnection, client_id: str, *, lock: bool = False) -> Any:
    query = select(payshack_clients).where(payshack_clients.c.client_id == client_id)
    row = (await conn.execute(query.with_for_update() if lock else query)).first()
    if row is None:
        raise NotFound("No such PayShack client", {"client_id": client_id})
    return row


async def balance_history(
    conn: AsyncConnection, client_id: str, from_date: date | None, to_date: date | None
) -> dict[str, Any]:
    """UTC days, both inclusive; default: the last 30 days up to today."""
    client = await _client(conn, client_id)
    today = datetime.now(UTC).date()
    to_date = to_date or today
    if from_date is None:
        from_date = to_date - timedelta(days=29) if to_date.toordinal() > 29 else date.min
    if from_date > to_date:
        raise ValidationFailed(
            "from_date is after to_date",
            {"from_date": from_date.isoformat(), "to_date": to_date.isoformat()},
        )
    start = datetime.combine(from_date, time(0), UTC)
    # Both ends as instants; the last representable day ends at datetime.max.
    end = (
        datetime.max.replace(tzinfo=UTC)
        if to_date == date.max
        else datetime.combine(to_date + timedelta(days=1), time(0), UTC)
    )
    h = payshack_client_balances
    opening = (
        await conn.execute(
            select(h.c.balance)
            .where(h.c.client_id == client_id, h.c.observed_at < start)
            .order_by(h.c.observed_at.desc())
            .limit(1)
        )
    ).scalar()
    points: list[dict[str, Any]] = []
    if opening is not None:
        points.append({"at": start, "balance": money(opening)})
    rows = await conn.execute(
        select(h.c.observed_at, h.c.balance)
        .where(h.c.client_id == client_id, h.c.observed_at >= start, h.c.observed_at < end)
        .order_by(h.c.observed_at)
    )
    points += [{"at": at, "balance": money(balance)} for at, balance in rows]
    # The last refresh saw the balance unchanged since the last point: show it lasted.
    last_seen = client.refreshed_at
    if (
        points
        and client.balance is not None
        and start <= last_seen < end
        and last_seen > points[-1]["at"]
    ):
        points.append({"at": last_seen, "balance": money(client.balance)})
    return {"items": points}


async def set_project(
    conn: AsyncConnection,
    principal: Principal,
    settings: Settings,
    client_id: str,
    project: str | None,
) -> tuple[dict[str, Any], Relabelled]:
    """Set (or with None remove) the admin's project for a client, re-label its stored
    rows and audit it, all in the caller's transaction."""
    await transaction_lock(conn, "psp-client-project-map")  # one map change at a time
    client = await _client(conn, client_id, lock=True)
    env = dict(settings.payshack_client_projects)
    before_admin = await admin_map(conn)
    before, before_source = resolve(client.name, env, before_admin)
    folded = fold(client.name)
    m = client_project_map
    # One admin row per client, whatever spelling an older row used.
    stale = [key for key in before_admin if fold(key) == folded]
    if stale:
        await conn.execute(delete(m).where(m.c.client_key.in_(stale)))
    if project is not None:
        await conn.execute(
            insert(m).values(
                client_key=client.name,
                client_id=client.client_id,
                project=project,
                set_by=principal.email,
                set_at=func.now(),
            )
        )
    admin = await admin_map(conn)
    mapping = effective_map(env, admin)
    moved = await relabel(conn, folded, mapping, LinkRule.from_settings(settings))
    after, after_source = resolve(client.name, env, admin)
    await record(
        conn,
        principal,
        "payshack.client.project",
        target=client.name,
        params={
            "client_id": client.client_id,
            "from": before,
            "from_source": before_source,
            "to": after,
            "to_source": after_source,
            "relabelled_rows": moved.rows,
            "rollup_days": moved.days,
            "relinked": moved.relinked,
        },
    )
    resellers = await _reseller_names(conn)
    refreshed = await _client(conn, client_id)
    return _client_out(refreshed, env, admin, resellers), moved


async def list_entries(conn: AsyncConnection, table: Table, key: str) -> dict[str, Any]:
    rows = await conn.execute(
        select(table.c[key], table.c.name, table.c.refreshed_at, table.c.active).order_by(
            table.c.active.desc(), table.c.name, table.c[key]
        )
    )
    return {
        "items": [
            {"id": ident, "name": name, "refreshed_at": at, "active": active}
            for ident, name, at, active in rows
        ]
    }
