"""Every domain's scheduled jobs, on the one worker `psp run` and `psp worker` start."""

from __future__ import annotations

from collections.abc import Callable

from psp_dashboard.alerts import jobs as alert_jobs
from psp_dashboard.analytics import jobs as analytics_jobs
from psp_dashboard.reconciliation import tasks as reconciliation_tasks
from psp_dashboard.reports import jobs as report_jobs
from psp_dashboard.retention import jobs as retention_jobs
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync import jobs as sync_jobs
from psp_dashboard.worker import Worker

# A domain with scheduled work adds its `register_jobs` here.
DOMAIN_JOBS: tuple[Callable[[Worker], None], ...] = (
    sync_jobs.register_jobs,
    reconciliation_tasks.register_jobs,
    alert_jobs.register_jobs,
    retention_jobs.register_jobs,
    analytics_jobs.register_jobs,
    report_jobs.register_jobs,
)


def build_worker(runtime: Runtime) -> Worker:
    """A worker with every domain's jobs, not started (tests look at it first)."""
    worker = Worker(runtime)
    for register in DOMAIN_JOBS:
        register(worker)
    return worker


def start_worker(runtime: Runtime) -> Worker:
    """Start the jobs; the API's triggers go to this worker while it runs."""
    worker = build_worker(runtime)
    worker.start()
    runtime.worker = worker
    return worker
