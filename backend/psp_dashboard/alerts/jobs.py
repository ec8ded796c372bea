"""The alerts domain's jobs: evaluation every minute, deliveries every 15 seconds."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from psp_dashboard.alerts.deliveries import deliver_due
from psp_dashboard.alerts.evaluate import evaluate
from psp_dashboard.worker import Worker


def register_jobs(worker: Worker) -> None:
    runtime = worker.runtime
    if not runtime.settings.alerts_enabled:
        return
    worker.add_job(
        "alerts:evaluate",
        IntervalTrigger(minutes=1),
        lambda _: evaluate(runtime.engine, runtime.settings, cache=runtime.cache),
    )
    worker.add_job(
        "alerts:deliver",
        IntervalTrigger(seconds=15),
        lambda _: deliver_due(runtime.engine, runtime.settings),
    )
