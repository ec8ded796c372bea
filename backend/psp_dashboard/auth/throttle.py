"""API tokens on the expensive read endpoints: TOKEN_RATE_PER_MINUTE calls a minute per
user (fixed one-minute windows in Redis), then 429 with Retry-After.

Scripts and BI tools are what calls in a loop; a browser session is a person. Without
Redis the limit is not applied: it protects capacity, it is not what keeps anyone out
(API tokens keep working on PostgreSQL alone).
"""

from __future__ import annotations

import logging
import time

from fastapi import Request
from redis.exceptions import RedisError

from psp_dashboard.auth.service import authenticate
from psp_dashboard.errors import RateLimited
from psp_dashboard.runtime import Runtime

log = logging.getLogger(__name__)
_KEY = "auth:token-rate:"
WINDOW_SECONDS = 60


async def limit_token_calls(request: Request) -> None:
    principal = await authenticate(request)  # resolved once per request, then cached
    if principal.via != "token":
        return
    runtime: Runtime = request.app.state.runtime
    limit = runtime.settings.token_rate_per_minute
    now = int(time.time())
    key = f"{runtime.cache.prefix}{_KEY}{principal.id}:{now // WINDOW_SECONDS}"
    try:
        async with runtime.cache.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, 2 * WINDOW_SECONDS)
            count, _ = await pipe.execute()
    except (RedisError, OSError) as exc:
        log.warning("token rate limit not applied", extra={"error": type(exc).__name__})
        return
    if int(count) > limit:
        retry_after = WINDOW_SECONDS - now % WINDOW_SECONDS
        raise RateLimited(
            f"More than {limit} calls a minute with API tokens; try again later",
            retry_after=retry_after,
            details={"retry_after_seconds": retry_after, "limit_per_minute": limit},
        )
