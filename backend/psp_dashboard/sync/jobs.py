"""The sync domain's jobs on the worker: each source on its interval (first run at
start), PayShack reference data every 30 minutes, the PayShack daily re-read."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from functools import partial

from apscheduler.triggers.interval import IntervalTrigger

from psp_dashboard.reference.refresh import refresh_reference
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.pipeline import SyncResult, run_sync
from psp_dashboard.sync.scheduler import interval_seconds, job_id, listen_for_triggers
from psp_dashboard.sync.service import endpoints_of, sync_source
from psp_dashboard.sync.sources import SOURCES, payshack_connector
from psp_dashboard.worker import Worker, daily_at

log = logging.getLogger(__name__)


async def refresh_payshack_clients(runtime: Runtime) -> None:
    """PayShack reference data (clients with balances, resellers, service providers)
    into PostgreSQL every 30 minutes, one worker at a time (reference/refresh.py)."""
    await refresh_reference(runtime)


async def reread_payshack(
    runtime: Runtime, *, stop: asyncio.Event | None = None
) -> SyncResult | None:
    """The daily re-read of PayShack (a run of kind "reread", see
    `WindowedPayShack.reread_pages`): the last days read whole and older refunds, in the
    provider's time. The incremental run finds late changes within
    PAYSHACK_LATE_CHANGE_DAYS; this one catches what comes later (refunds weeks after).
    It waits for a running incremental run of the source (one run per source at a time)
    and runs once a day however many workers fire it."""
    settings = runtime.settings
    days, refund_days = settings.payshack_reread_days, settings.payshack_reread_refund_days
    endpoints = endpoints_of(runtime)
    if not (days or refund_days) or not endpoints.configured("payshack"):
        return None
    connector = payshack_connector(settings, endpoints, runtime.cache, engine=runtime.engine)
    result = await run_sync(
        runtime,
        connector,
        wait_for_lock=True,
        stop=stop,
        kind="reread",
        pages_of=lambda state: connector.reread_pages(state, days=days, refund_days=refund_days),
        unless_ran_since=datetime.now(UTC) - timedelta(hours=12),
    )
    log.info(
        "payshack re-read",
        extra={"status": result.status, "updated": result.counts.updated,
               "run_id": str(result.run_id)},
    )  # fmt: skip
    return result


async def sync_on_schedule(
    runtime: Runtime, source: str, stop: asyncio.Event, why: str
) -> SyncResult:
    """A source's job: one incremental run, stopping after the batch it is on when the
    worker stops."""
    next_at = datetime.now(UTC) + timedelta(seconds=interval_seconds(runtime.settings, source))
    return await sync_source(runtime, source, trigger=why, stop=stop, next_sync_at=next_at)


def register_jobs(worker: Worker) -> None:
    runtime, settings = worker.runtime, worker.runtime.settings
    endpoints = endpoints_of(runtime)
    for source in SOURCES:
        if not endpoints.configured(source):
            log.info("source not configured; not scheduled", extra={"source": source})
            continue
        worker.add_job(
            job_id(source),
            IntervalTrigger(seconds=interval_seconds(settings, source)),
            partial(sync_on_schedule, runtime, source, worker.stop),
            first_run_now=True,
            run_late=True,
        )
    worker.add_job(
        "payshack:clients",
        IntervalTrigger(minutes=30),
        lambda _: refresh_payshack_clients(runtime),
    )
    if settings.payshack_reread_days or settings.payshack_reread_refund_days:
        worker.add_job(
            "payshack:reread",
            daily_at(settings.payshack_reread_schedule, settings.recon_timezone),
            lambda _: reread_payshack(runtime, stop=worker.stop),
            run_late=True,  # a busy second at 01:30 must not skip the day's re-read
        )
    worker.add_service(lambda: listen_for_triggers(worker))
