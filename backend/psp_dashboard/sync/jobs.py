"""Jobs the worker runs beside the syncs (registered here so the scheduler stays generic)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from psp_dashboard.reconciliation.tasks import run_scheduled
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.connectors.payshack.window import WindowedPayShack
from psp_dashboard.sync.pipeline import SyncResult, run_sync
from psp_dashboard.sync.service import endpoints_of
from psp_dashboard.sync.sources import build_connector, payshack_api_connector

log = logging.getLogger(__name__)

CLIENTS_KEY = "payshack:clients"


async def refresh_payshack_clients(runtime: Runtime) -> None:
    """PayShack reference data (clients), every 30 minutes, through the API transport."""
    endpoints = endpoints_of(runtime)
    if not endpoints.configured("payshack"):
        return
    connector = payshack_api_connector(runtime.settings, endpoints, runtime.cache)
    clients = await connector.fetch_clients()
    await runtime.cache.set_json(CLIENTS_KEY, clients, 3600)


async def reread_payshack(runtime: Runtime) -> SyncResult | None:
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
    connector = build_connector(
        "payshack", settings, endpoints, runtime.cache, engine=runtime.engine
    )
    assert isinstance(connector, WindowedPayShack)
    result = await run_sync(
        runtime,
        connector,
        wait_for_lock=True,
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


def _daily_at(at: time, timezone: str) -> CronTrigger:
    return CronTrigger(hour=at.hour, minute=at.minute, timezone=timezone)


def extra_jobs(
    runtime: Runtime,
) -> dict[str, tuple[object, Callable[[Runtime], Awaitable[object]]]]:
    settings = runtime.settings
    zone = settings.recon_timezone
    jobs: dict[str, tuple[object, Callable[[Runtime], Awaitable[object]]]] = {
        "payshack:clients": (IntervalTrigger(minutes=30), refresh_payshack_clients),
    }
    if settings.payshack_reread_days or settings.payshack_reread_refund_days:
        jobs["payshack:reread"] = (
            _daily_at(settings.payshack_reread_schedule, zone),
            reread_payshack,
        )
    jobs["recon:daily"] = (_daily_at(settings.recon_schedule, zone), run_scheduled)
    return jobs
