"""The reference refresh: PayShack's clients, resellers and service providers into
PostgreSQL, every 30 minutes (sync/jobs.py) or on demand (`POST
/payshack/reference/refresh`).

One refresh at a time across processes (an advisory lock; a second caller is told it
was skipped, it does not wait). Idempotent: the same lists store the same rows, and a
balance history row is written only when a balance differs from the stored one. A
client, reseller or provider the lists stop naming is kept and marked inactive. Every
attempt is recorded in `payshack_reference_state`: a failure's message stays visible
(the API's `last_error`) until a later refresh succeeds.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal, Protocol

from sqlalchemy import Table, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.kit.locks import session_lock
from psp_dashboard.logs import safe_error_message
from psp_dashboard.models.reference import (
    payshack_client_balances,
    payshack_clients,
    payshack_reference_state,
    payshack_resellers,
    payshack_service_providers,
)
from psp_dashboard.reference.parse import (
    RESELLER_ID_KEYS,
    RESELLER_NAME_KEYS,
    SP_ID_KEYS,
    SP_NAME_KEYS,
    ParsedClient,
    ParsedEntry,
    ReferenceRowRejected,
    parse_client,
    parse_entry,
)
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.service import endpoints_of
from psp_dashboard.sync.sources import payshack_api_connector

log = logging.getLogger(__name__)

REFRESH_LOCK = "psp-payshack-reference"
RefreshStatus = Literal["success", "failed", "skipped", "not_configured"]


class ReferenceSource(Protocol):
    """Where the lists come from: the PayShack API transport (or a test's stand-in)."""

    async def fetch_clients(self) -> list[dict[str, Any]]: ...
    async def fetch_resellers(self) -> list[dict[str, Any]]: ...
    async def fetch_service_providers(self) -> list[dict[str, Any]]: ...


@dataclass(frozen=True, slots=True)
class RefreshResult:
    status: RefreshStatus
    clients: int = 0
    resellers: int = 0
    service_providers: int = 0
    balance_changes: int = 0  # history rows written (first sightings included)
    deactivated: int = 0
    rejected: int = 0  # rows without an id or a name: not stored
    unreadable_balances: int = 0  # balances that are not numbers: the last one is kept
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _dedupe_clients(rows: Sequence[Any]) -> tuple[list[ParsedClient], int]:
    out: dict[str, ParsedClient] = {}
    rejected = 0
    for row in rows:
        try:
            parsed = parse_client(row)
        except ReferenceRowRejected:
            rejected += 1
            continue
        out[parsed.client_id] = parsed  # one row per id, the last listed wins
    return list(out.values()), rejected


def _dedupe_entries(
    rows: Sequence[Any], id_keys: Sequence[str], name_keys: Sequence[str]
) -> tuple[list[ParsedEntry], int]:
    out: dict[str, ParsedEntry] = {}
    rejected = 0
    for row in rows:
        try:
            parsed = parse_entry(row, id_keys, name_keys)
        except ReferenceRowRejected:
            rejected += 1
            continue
        out[parsed.key] = parsed
    return list(out.values()), rejected


async def _store_clients(
    conn: AsyncConnection, clients: list[ParsedClient], at: datetime
) -> tuple[int, int]:
    """Upsert the clients and their changed balances; returns (history rows,
    deactivated)."""
    stored: dict[str, Decimal | None] = {
        client_id: balance
        for client_id, balance in await conn.execute(
            select(payshack_clients.c.client_id, payshack_clients.c.balance)
        )
    }
    history: list[dict[str, Any]] = []
    for c in sorted(clients, key=lambda c: c.client_id):  # one lock order for every writer
        stmt = insert(payshack_clients).values(
            client_id=c.client_id,
            name=c.name,
            reseller_id=c.reseller_id,
            balance=c.balance,
            currency=c.currency,
            raw=dict(c.raw),
            first_seen_at=at,
            refreshed_at=at,
            active=c.active,
        )
        ex = stmt.excluded
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[payshack_clients.c.client_id],
                set_={
                    "name": ex.name,
                    "reseller_id": ex.reseller_id,
                    # An unreadable balance keeps the last one read (counted in the result).
                    "balance": payshack_clients.c.balance if c.balance is None else ex.balance,
                    "currency": ex.currency,
                    "raw": ex.raw,
                    "refreshed_at": ex.refreshed_at,
                    "active": ex.active,
                },
            )
        )
        if c.balance is not None and (
            c.client_id not in stored or stored[c.client_id] != c.balance
        ):
            history.append({"client_id": c.client_id, "observed_at": at, "balance": c.balance})
    if history:
        await conn.execute(
            insert(payshack_client_balances).values(history).on_conflict_do_nothing()
        )
    listed = [c.client_id for c in clients]
    gone = await conn.execute(
        update(payshack_clients)
        .where(payshack_clients.c.active, payshack_clients.c.client_id.not_in(listed))
        .values(active=False, refreshed_at=at)
    )
    return len(history), gone.rowcount


async def _store_entries(
    conn: AsyncConnection, table: Table, key: str, entries: list[ParsedEntry], at: datetime
) -> int:
    for e in sorted(entries, key=lambda e: e.key):
        stmt = insert(table).values(
            {key: e.key, "name": e.name, "raw": dict(e.raw), "first_seen_at": at,
             "refreshed_at": at, "active": e.active}
        )  # fmt: skip
        ex = stmt.excluded
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[table.c[key]],
                set_={
                    "name": ex.name,
                    "raw": ex.raw,
                    "refreshed_at": ex.refreshed_at,
                    "active": ex.active,
                },
            )
        )
    gone = await conn.execute(
        update(table)
        .where(table.c.active, table.c[key].not_in([e.key for e in entries]))
        .values(active=False, refreshed_at=at)
    )
    return gone.rowcount


async def _record(conn: AsyncConnection, at: datetime, result: RefreshResult) -> None:
    values: dict[str, Any] = {"last_attempt_at": at, "last_counts": result.as_dict()}
    if result.status == "success":
        values["last_success_at"] = at
    else:
        values.update(last_error=result.error, last_error_at=at)
    await conn.execute(
        update(payshack_reference_state).where(payshack_reference_state.c.id == 1).values(values)
    )


async def store_reference(
    conn: AsyncConnection,
    clients_raw: Sequence[Any],
    resellers_raw: Sequence[Any],
    sps_raw: Sequence[Any],
    at: datetime,
) -> RefreshResult:
    """Write the three lists as of `at` in the caller's transaction."""
    clients, rejected_c = _dedupe_clients(clients_raw)
    resellers, rejected_r = _dedupe_entries(resellers_raw, RESELLER_ID_KEYS, RESELLER_NAME_KEYS)
    sps, rejected_s = _dedupe_entries(sps_raw, SP_ID_KEYS, SP_NAME_KEYS)
    changes, gone = await _store_clients(conn, clients, at)
    gone += await _store_entries(conn, payshack_resellers, "reseller_id", resellers, at)
    gone += await _store_entries(conn, payshack_service_providers, "sp_id", sps, at)
    result = RefreshResult(
        "success",
        clients=len(clients),
        resellers=len(resellers),
        service_providers=len(sps),
        balance_changes=changes,
        deactivated=gone,
        rejected=rejected_c + rejected_r + rejected_s,
        unreadable_balances=sum(c.balance_unreadable for c in clients),
    )
    await _record(conn, at, result)
    return result


async def refresh_reference(
    runtime: Runtime, *, source: ReferenceSource | None = None, at: datetime | None = None
) -> RefreshResult:
    """One refresh, unless another process is running one (then `skipped`)."""
    if source is None:
        endpoints = endpoints_of(runtime)
        if not endpoints.configured("payshack"):
            return RefreshResult("not_configured", error="PayShack is not configured")
        source = payshack_api_connector(runtime.settings, endpoints, runtime.cache)
    async with session_lock(runtime.engine, REFRESH_LOCK) as conn:
        if conn is None:
            return RefreshResult("skipped", error="a refresh is already running")
        at = at or datetime.now(UTC)
        try:
            # All three lists first: a failure on any leaves the stored data as it was.
            clients = await source.fetch_clients()
            resellers = await source.fetch_resellers()
            sps = await source.fetch_service_providers()
            async with conn.begin():
                result = await store_reference(conn, clients, resellers, sps, at)
        except Exception as exc:  # recorded and shown, never fatal to the worker
            failed = RefreshResult(
                "failed", error=f"{type(exc).__name__}: {safe_error_message(exc)}"[:2000]
            )
            log.warning("payshack reference refresh failed", extra={"error": failed.error})
            await conn.rollback()
            async with conn.begin():
                await _record(conn, at, failed)
            return failed
    log.info("payshack reference refreshed", extra=result.as_dict())
    return result
