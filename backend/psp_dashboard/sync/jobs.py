"""Jobs the worker runs beside the syncs (registered here so the scheduler stays generic)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from psp_dashboard.reconciliation.tasks import run_scheduled
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.backfill import BackfillResult, create_backfill, run_backfill
from psp_dashboard.sync.service import endpoints_of
from psp_dashboard.sync.sources import payshack_api_connector

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


async def reread_payshack(runtime: Runtime, now: datetime | None = None) -> BackfillResult | None:
    """Re-read PayShack's UTC day of `now` and the `PAYSHACK_REREAD_DAYS` days before it
    (an IST day and its grace window span three UTC days) as a backfill: resumable, and
    the incremental watermark is not moved. The incremental sync re-reads only its
    overlap; a pay-in settled later than that would otherwise keep its old status, and
    the morning reconciliation would report a status difference that is not there."""
    days = runtime.settings.payshack_reread_days
    if days == 0 or not endpoints_of(runtime).configured("payshack"):
        return None
    today = (now or datetime.now(UTC)).date()
    backfill_id = await create_backfill(
        runtime, "payshack", today - timedelta(days=days), today, "system:reread"
    )
    result = await run_backfill(runtime, backfill_id)
    log.info(
        "payshack re-read",
        extra={"backfill_id": str(backfill_id), "status": result.status,
               "updated": result.counts.updated},
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
    if settings.payshack_reread_days:
        jobs["payshack:reread"] = (
            _daily_at(settings.payshack_reread_schedule, zone),
            reread_payshack,
        )
    jobs["recon:daily"] = (_daily_at(settings.recon_schedule, zone), run_scheduled)
    return jobs
