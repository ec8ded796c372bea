"""Which mirror this process may read, and opening it.

- CLICKHOUSE_URL: any process opens its own client (the API on first use, the worker
  at start).
- CLICKHOUSE_EMBEDDED: chdb's files have one owner, the worker (`psp worker` or
  `psp run`). An API process without a worker (`psp serve`) never opens them: it
  answers breakdowns from PostgreSQL and shows the mirror's state from PostgreSQL.
"""

from __future__ import annotations

import asyncio
from typing import Literal

from psp_dashboard.analytics.store import AnalyticsStore, EmbeddedStore, ServerStore, prepare
from psp_dashboard.config import Settings
from psp_dashboard.runtime import Runtime

_opening = asyncio.Lock()


def mode_of(settings: Settings) -> Literal["server", "embedded"] | None:
    if settings.clickhouse_url is not None:
        return "server"
    if settings.clickhouse_embedded:
        return "embedded"
    return None


async def open_store(settings: Settings) -> AnalyticsStore:
    mode = mode_of(settings)
    if mode == "server":
        assert settings.clickhouse_url is not None
        store: AnalyticsStore = await asyncio.to_thread(
            ServerStore, settings.clickhouse_url.get_secret_value()
        )
    elif mode == "embedded":
        store = await asyncio.to_thread(EmbeddedStore, settings.data_dir / "clickhouse")
    else:
        raise RuntimeError("no ClickHouse configured")
    return await prepare(store)


async def readable_store(runtime: Runtime) -> AnalyticsStore | None:
    """The mirror this process can query now, or None (answer from PostgreSQL)."""
    if runtime.analytics is not None:
        return runtime.analytics
    if mode_of(runtime.settings) != "server":
        return None
    async with _opening:
        if runtime.analytics is None:
            runtime.analytics = await open_store(runtime.settings)
    return runtime.analytics
