"""The reports domain's job: every 30 seconds, enqueue due reports and send them."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from psp_dashboard.reports.deliver import tick
from psp_dashboard.worker import Worker


def register_jobs(worker: Worker) -> None:
    runtime = worker.runtime
    worker.add_job(
        "reports:tick",
        IntervalTrigger(seconds=30),
        lambda _: tick(runtime.engine, runtime.settings),
    )
