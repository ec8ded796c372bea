"""Re-fetch one reconciliation key from both providers and store what they say now.

Vima by `client_operation_id` (the filter the sandbox answers; vima-api.md lists none,
so every answered row is checked against the key, and every operation of the key we
already hold is also re-read exactly by its create cursor: `from_operation_create_id`
= its id − 1 answers that operation first, or second should a server read the cursor
inclusively). PayShack by `orderId`, and every pay-in of
the key we already hold by `transactionId` (api transport only: the browser transport
has no search, so a re-fetch through it is refused).

The rows go through the sync pipeline (`pipeline.run_sync`, kind `refetch`): the same
normalizers, upsert (data_hash, updated_at, payment links) and a `sync_runs` row, under
the source's lock — while a sync of that source runs, the re-fetch is refused (409)
rather than queued behind it.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from psp_dashboard.errors import Conflict, UpstreamFailed
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.connectors.base import RawPage
from psp_dashboard.sync.connectors.payshack.api import PayShackApiTransport
from psp_dashboard.sync.connectors.payshack.listing import ListingQuery
from psp_dashboard.sync.connectors.vima.client import VimaConnector
from psp_dashboard.sync.pipeline import SyncResult, run_sync
from psp_dashboard.sync.service import endpoints_of
from psp_dashboard.sync.sources import SourceNotConfigured, payshack_api_connector, vima_connector

log = logging.getLogger(__name__)

MAX_ROWS_PER_KEY = 100  # one page: a key has one or two rows a side, a duplicate a few


@dataclass(slots=True)
class Refetched:
    """What a re-fetch read and wrote, per source."""

    fetched: dict[str, int] = field(default_factory=lambda: {"vima": 0, "payshack": 0})
    written: dict[str, int] = field(default_factory=lambda: {"vima": 0, "payshack": 0})
    sync_run_ids: dict[str, str] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.written.values())


def _vima_key(raw: Mapping[str, Any]) -> str:
    key = raw.get("client_operation_id")
    if key in (None, ""):
        try:
            key = raw["create_params"]["params"]["payment"]["identifiers"]["c_id"]
        except (KeyError, TypeError):
            key = None
    return "" if key is None else str(key).strip()


async def _known_rows(runtime: Runtime, key: str) -> list[dict[str, Any]]:
    """Our stored rows of the key, both sources (their provider ids and cursors)."""
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT source, source_id, raw_data ->> 'operation_create_id' AS create_id "
                "FROM transactions WHERE (source = 'vima' AND client_operation_id = :k) "
                "OR (source = 'payshack' AND order_id = :k)"
            ),
            {"k": key},
        )
        return [dict(r._mapping) for r in rows]


async def _vima_records(
    connector: VimaConnector, key: str, known: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    async with connector._http() as http:
        rows = await connector.fetch_page(
            http, {"client_operation_id": key, "count": str(MAX_ROWS_PER_KEY)}
        )
        for r in rows:
            if _vima_key(r) == key:
                found[str(r.get("operation_id"))] = r
        for row in known:
            if row["source"] != "vima" or row["source_id"] in found:
                continue
            create_id = row["create_id"]
            if not (isinstance(create_id, str) and create_id.isdigit()):
                continue
            # Two: should a server read the cursor inclusively, the operation before
            # ours comes first.
            exact = await connector.fetch_page(
                http, {"from_operation_create_id": str(int(create_id) - 1), "count": "2"}
            )
            for r in exact:
                if str(r.get("operation_id")) == row["source_id"]:
                    found[row["source_id"]] = r
    return list(found.values())


async def _payshack_records(
    connector: PayShackApiTransport, key: str, known: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    async with connector._http() as http:
        listed = await connector.fetch_page(
            http, 1, ListingQuery(order_id=key), limit=MAX_ROWS_PER_KEY
        )
    for r in listed.rows:
        if str(r.get("orderId") or "").strip() == key:
            found[str(r.get("txnId"))] = r
    for row in known:
        if row["source"] == "payshack" and row["source_id"] not in found:
            for r in await connector.lookup(row["source_id"]):
                found[row["source_id"]] = r
    return list(found.values())


async def _store(
    runtime: Runtime,
    connector: VimaConnector | PayShackApiTransport,
    records: list[dict[str, Any]],
    key: str,
) -> SyncResult:
    async def one_page(_state: Mapping[str, str]) -> AsyncGenerator[RawPage, None]:
        # No checkpoint: a re-fetch never moves the incremental cursors or watermark.
        yield RawPage(records, {}, 1, "refetch")

    result = await run_sync(
        runtime, connector, kind="refetch", pages_of=one_page, trigger=f"refetch:{key[:64]}"
    )
    if result.status == "skipped":
        raise Conflict(
            f"A sync of {connector.source} is running; re-fetch when it has finished",
            {"reason": "sync_in_progress", "source": connector.source},
        )
    if result.status != "success":
        raise UpstreamFailed(
            f"Storing the re-fetched {connector.source} rows failed",
            {"source": connector.source, "sync_run_id": str(result.run_id)},
        )
    return result


async def refetch_key(runtime: Runtime, key: str) -> Refetched:
    """Ask both providers for `key` now and upsert what they answer."""
    settings = runtime.settings
    if settings.payshack_transport == "browser":
        raise Conflict(
            "PayShack is read through its dashboard (PAYSHACK_TRANSPORT=browser), which has "
            "no search by order id: re-fetching one key needs the API transport",
            {"reason": "payshack_browser_transport"},
        )
    endpoints = endpoints_of(runtime)
    try:
        vima = vima_connector(settings, endpoints)
        payshack = payshack_api_connector(settings, endpoints, runtime.cache)
    except SourceNotConfigured as exc:
        # The request cannot be served in this configuration (not a passing outage).
        raise Conflict(str(exc), {"reason": "source_not_configured"}) from None
    known = await _known_rows(runtime, key)
    out = Refetched()
    # Both asked before anything is written: a provider failing leaves nothing half done.
    try:
        vima_rows = await _vima_records(vima, key, known)
        payshack_rows = await _payshack_records(payshack, key, known)
    except Exception as exc:
        log.warning("re-fetch failed", extra={"error": type(exc).__name__})
        raise UpstreamFailed(
            f"A provider did not answer the re-fetch ({type(exc).__name__})",
            {"reason": "upstream_error"},
        ) from None
    for connector, rows in ((vima, vima_rows), (payshack, payshack_rows)):
        source = connector.source
        out.fetched[source] = len(rows)
        if not rows:
            continue
        result = await _store(runtime, connector, rows, key)
        out.written[source] = result.counts.inserted + result.counts.updated
        out.sync_run_ids[source] = str(result.run_id)
    return out
