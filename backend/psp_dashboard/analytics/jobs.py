"""The analytics domain's jobs: feed the ClickHouse mirror every ANALYTICS_FEED_SECONDS,
and merge its months into one part each every ANALYTICS_COMPACT_SECONDS (compact.py).

Registered only when a mirror is configured; the worker opens (and, embedded, owns) the
store at its first run and closes it at shutdown.
"""

from __future__ import annotations

import asyncio

from apscheduler.triggers.interval import IntervalTrigger

from psp_dashboard.analytics.access import mode_of, open_store
from psp_dashboard.analytics.compact import CompactResult, compact
from psp_dashboard.analytics.feed import Feeder, FeedResult
from psp_dashboard.analytics.store import AnalyticsStore
from psp_dashboard.worker import Worker

JOB_ID = "analytics:feed"
COMPACT_JOB_ID = "analytics:compact"


def register_jobs(worker: Worker) -> None:
    runtime = worker.runtime
    if mode_of(runtime.settings) is None:
        return

    opening = asyncio.Lock()  # the feed and the compaction may start together

    async def store() -> AnalyticsStore:
        async with opening:
            if runtime.analytics is None:
                runtime.analytics = await open_store(runtime.settings)
            return runtime.analytics

    async def feed(_: str) -> FeedResult:
        feeder = Feeder(
            runtime.engine,
            await store(),
            batch_rows=runtime.settings.analytics_feed_batch_rows,
            stop=worker.stop,
        )
        return await feeder.run()

    async def compact_months(_: str) -> CompactResult:
        return await compact(await store())

    async def close_at_shutdown() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            opened, runtime.analytics = runtime.analytics, None
            if opened is not None:
                await opened.close()

    worker.add_job(
        JOB_ID,
        IntervalTrigger(seconds=runtime.settings.analytics_feed_seconds),
        feed,
        first_run_now=True,
    )
    worker.add_job(
        COMPACT_JOB_ID,
        IntervalTrigger(seconds=runtime.settings.analytics_compact_seconds),
        compact_months,
    )
    worker.add_service(close_at_shutdown)
