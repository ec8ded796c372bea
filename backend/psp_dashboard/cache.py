"""Redis: client construction and a cache helper that never takes the app down.

Key patterns and TTLs are those of the seed architecture. When Redis is unreachable
every call falls through to its loader (uncached) and `/health` reports `degraded`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

from redis.asyncio import BlockingConnectionPool, Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)

T = TypeVar("T")

# Pattern → TTL (seconds), as in the seed's caching table.
TTL_METRICS_OVERVIEW = 60
TTL_METRICS_TRENDS = 300
TTL_METRICS_BY_PROJECT = 300
TTL_SYNC_STATUS = 30
TTL_RECON_SUMMARY = 3600
TTL_SESSION_PAYSHACK = 1800

METRICS_PREFIX = "metrics:"
SYNC_STATUS_KEY = "sync:status"
PAYSHACK_SESSION_KEY = "session:payshack"


def params_hash(params: Mapping[str, Any]) -> str:
    canonical = json.dumps(params, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def metrics_key(kind: str, params: Mapping[str, Any]) -> str:
    """`metrics:overview:{params_hash}`, `metrics:trends:…`, `metrics:by_project:…`."""
    return f"{METRICS_PREFIX}{kind}:{params_hash(params)}"


def recon_summary_key(day: str) -> str:
    return f"recon:summary:{day}"


# Connections of one process. A burst past it waits for a free one (at most
# REDIS_POOL_WAIT_SECONDS) instead of failing: redis-py's default pool raised "Too many
# connections" beyond 100 concurrent commands, and sign-in, which fails closed without
# Redis, answered 503 to a burst of 200 attempts. Each open event stream holds one.
REDIS_MAX_CONNECTIONS = 256
REDIS_POOL_WAIT_SECONDS = 5.0


def make_redis(url: str) -> Redis:
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=REDIS_MAX_CONNECTIONS,
        timeout=REDIS_POOL_WAIT_SECONDS,
        socket_connect_timeout=1.0,
        socket_timeout=2.0,
        health_check_interval=30,
        decode_responses=False,
    )
    return Redis.from_pool(pool)


class Cache:
    """JSON values under an optional key prefix (tests isolate themselves with it)."""

    def __init__(self, redis: Redis, prefix: str = "") -> None:
        self.redis = redis
        self.prefix = prefix

    def _k(self, key: str) -> str:
        return f"{self.prefix}{key}"

    async def ping(self) -> bool:
        try:
            return bool(await self.redis.ping())
        except (RedisError, OSError):
            return False

    async def get_json(self, key: str) -> Any | None:
        try:
            raw = await self.redis.get(self._k(key))
        except (RedisError, OSError) as exc:
            log.warning("cache read failed", extra={"key": key, "error": type(exc).__name__})
            return None
        return None if raw is None else json.loads(raw)

    async def set_json(self, key: str, value: Any, ttl: int) -> None:
        try:
            await self.redis.set(self._k(key), json.dumps(value, default=str), ex=ttl)
        except (RedisError, OSError) as exc:
            log.warning("cache write failed", extra={"key": key, "error": type(exc).__name__})

    async def get_or_load(self, key: str, ttl: int, loader: Callable[[], Awaitable[T]]) -> T | Any:
        """Cached JSON value, or the loader's result (stored when Redis answers)."""
        cached = await self.get_json(key)
        if cached is not None:
            return cached
        value = await loader()
        await self.set_json(key, value, ttl)
        return value

    async def delete(self, *keys: str) -> None:
        if not keys:
            return
        try:
            await self.redis.delete(*(self._k(k) for k in keys))
        except (RedisError, OSError) as exc:
            log.warning("cache delete failed", extra={"error": type(exc).__name__})

    async def delete_pattern(self, pattern: str) -> int:
        removed = 0
        try:
            batch: list[Any] = []
            async for key in self.redis.scan_iter(match=self._k(pattern), count=500):
                batch.append(key)
                if len(batch) >= 500:
                    removed += int(await self.redis.delete(*batch))
                    batch.clear()
            if batch:
                removed += int(await self.redis.delete(*batch))
        except (RedisError, OSError) as exc:
            log.warning("cache invalidation failed", extra={"error": type(exc).__name__})
        return removed

    async def invalidate_metrics(self) -> int:
        """After a sync changed data: every metrics key and the sync status."""
        removed = await self.delete_pattern(f"{METRICS_PREFIX}*")
        await self.delete(SYNC_STATUS_KEY)
        return removed
