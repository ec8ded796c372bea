"""The daily retention pass on the worker (only with RETENTION_MONTHS set).

Daily, not monthly: a month becomes archivable on one day, and a pass that finds
nothing to do costs one catalogue query. Two workers never archive at once (the
advisory lock in `run_retention`; the second one skips).
"""

from __future__ import annotations

import logging
from datetime import time

from psp_dashboard.retention.archive import run_retention
from psp_dashboard.retention.store import archive_store
from psp_dashboard.runtime import Runtime
from psp_dashboard.worker import Worker, daily_at

log = logging.getLogger(__name__)

RETENTION_AT = time(3, 30)  # UTC, after the 02:00 reconciliation


async def run_scheduled(runtime: Runtime) -> None:
    months = runtime.settings.retention_months
    if months is None:
        return
    archived = await run_retention(runtime.engine, archive_store(runtime.settings), months)
    if archived is None:
        log.info("retention skipped: another process is archiving")


def register_jobs(worker: Worker) -> None:
    if worker.runtime.settings.retention_months is None:
        return
    worker.add_job(
        "retention:archive",
        daily_at(RETENTION_AT, "UTC"),
        lambda _: run_scheduled(worker.runtime),
        run_late=True,
    )
