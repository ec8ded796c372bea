"""Running syncs on demand: build the connector, run the pipeline, fall back if told to."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.errors import PayShackEncryptedError, SyncError
from psp_dashboard.sync.pipeline import SyncResult, run_sync
from psp_dashboard.sync.sources import (
    SourceEndpoints,
    SourceNotConfigured,
    build_connector,
    endpoints_from_settings,
)
from psp_dashboard.sync.state import RunCounts

log = logging.getLogger(__name__)


def endpoints_of(runtime: Runtime) -> SourceEndpoints:
    endpoints = runtime.extras.get("endpoints")
    if isinstance(endpoints, SourceEndpoints):
        return endpoints
    return endpoints_from_settings(runtime.settings)


async def sync_source(
    runtime: Runtime,
    source: str,
    *,
    transport: str | None = None,
    trigger: str = "schedule",
    wait_for_lock: bool = False,
    stop: asyncio.Event | None = None,
    next_sync_at: datetime | None = None,
) -> SyncResult:
    endpoints = endpoints_of(runtime)
    try:
        connector = build_connector(
            source,
            runtime.settings,
            endpoints,
            runtime.cache,
            transport=transport,
            engine=runtime.engine,
        )
    except SourceNotConfigured as exc:
        return SyncResult(source, "failed", None, RunCounts(), str(exc), exc)
    result = await run_sync(
        runtime,
        connector,
        wait_for_lock=wait_for_lock,
        stop=stop,
        trigger=trigger,
        next_sync_at=next_sync_at,
    )
    if (
        source == "payshack"
        and result.status == "failed"
        and (transport or runtime.settings.payshack_transport) == "api"
        and runtime.settings.payshack_fallback_to_browser
        and isinstance(result.failure, SyncError | PayShackEncryptedError)
    ):
        log.warning("payshack api transport failed; falling back to the browser transport")
        return await sync_source(
            runtime,
            source,
            transport="browser",
            trigger=f"{trigger}:fallback",
            wait_for_lock=wait_for_lock,
            stop=stop,
            next_sync_at=next_sync_at,
        )
    return result
