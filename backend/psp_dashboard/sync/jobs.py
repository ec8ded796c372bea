"""Jobs the worker runs beside the syncs (registered here so the scheduler stays generic)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from psp_dashboard.reconciliation.tasks import run_scheduled
from psp_dashboard.runtime import Runtime
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


def extra_jobs(
    runtime: Runtime,
) -> dict[str, tuple[object, Callable[[Runtime], Awaitable[object]]]]:
    settings = runtime.settings
    jobs: dict[str, tuple[object, Callable[[Runtime], Awaitable[object]]]] = {
        "payshack:clients": (IntervalTrigger(minutes=30), refresh_payshack_clients),
    }
    jobs["recon:daily"] = (
        CronTrigger(
            hour=settings.recon_schedule.hour,
            minute=settings.recon_schedule.minute,
            timezone=settings.recon_timezone,
        ),
        run_scheduled,
    )
    return jobs
