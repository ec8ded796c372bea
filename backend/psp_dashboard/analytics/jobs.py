"""The analytics domain's job: feed the ClickHouse mirror every ANALYTICS_FEED_SECONDS.

Registered only when a mirror is configured; the worker opens (and, embedded, owns) the
store at its first run and closes it at shutdown.
"""

from __future__ import annotations

import asyncio

from apscheduler.triggers.interval import IntervalTrigger

from psp_dashboard.analytics.access import mode_of, open_store
from psp_dashboard.analytics.feed import Feeder, FeedResult
from psp_dashboard.worker import Worker

JOB_ID = "analytics:feed"


def register_jobs(worker: Worker) -> None:
    runtime = worker.runtime
    if mode_of(runtime.settings) is None:
        return

    async def feed(_: str) -> FeedResult:
        if runtime.analytics is None:
            runtime.analytics = await open_store(runtime.settings)
        feeder = Feeder(
            runtime.engine,
            runtime.analytics,
            batch_rows=runtime.settings.analytics_feed_batch_rows,
            stop=worker.stop,
        )
        return await feeder.run()

    async def close_at_shutdown() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            store, runtime.analytics = runtime.analytics, None
            if store is not None:
                await store.close()

    worker.add_job(
        JOB_ID,
        IntervalTrigger(seconds=runtime.settings.analytics_feed_seconds),
        feed,
        first_run_now=True,
    )
    worker.add_service(close_at_shutdown)
