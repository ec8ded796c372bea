"""Running syncs on demand: build the connector, run the pipeline, fall back if told to;
a manual trigger goes to the right process."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime

from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.errors import PayShackEncryptedError, SyncError
from psp_dashboard.sync.pipeline import SyncResult, run_sync
from psp_dashboard.sync.scheduler import job_id, publish_trigger
from psp_dashboard.sync.sources import (
    SourceEndpoints,
    SourceNotConfigured,
    build_connector,
    endpoints_from_settings,
)
from psp_dashboard.sync.state import RunCounts

log = logging.getLogger(__name__)


def endpoints_of(runtime: Runtime) -> SourceEndpoints:
    if runtime.endpoints is not None:
        return runtime.endpoints
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


async def trigger_sync(runtime: Runtime, sources: Sequence[str]) -> str:
    """Start syncs of `sources` now without waiting for them; returns where they run:
    this process's worker (`psp run`), else a worker listening on Redis (`psp serve`
    beside `psp worker`), else this process all the same, so no trigger is lost."""
    if runtime.worker is not None:
        for source in sources:
            runtime.worker.run_now(job_id(source))
        return "this process"
    if await publish_trigger(runtime, sources):
        return "the worker"
    for source in sources:
        runtime.tasks.spawn(_sync_detached(runtime, source))
    return "the API process (no worker is listening)"


async def _sync_detached(runtime: Runtime, source: str) -> None:
    try:
        await sync_source(runtime, source, trigger="manual", stop=runtime.tasks.stop)
    except Exception:
        log.exception("manual sync failed", extra={"source": source})
