"""Live updates across processes: Redis pub/sub on one channel.

Publishers: the sync pipeline (`sync.finished`), reconciliation (`recon.finished`).
Subscriber: the API's Server-Sent Events stream (`GET /api/v1/events`).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from redis.exceptions import RedisError

from psp_dashboard.cache import Cache

log = logging.getLogger(__name__)

EVENTS_CHANNEL = "events"


def channel(cache: Cache) -> str:
    return f"{cache.prefix}{EVENTS_CHANNEL}"


async def publish(cache: Cache, event: str, data: dict[str, Any]) -> None:
    """Best effort: a missed live update costs a refresh, never a failed sync."""
    message = json.dumps({"event": event, "data": data}, default=str)
    try:
        await cache.redis.publish(channel(cache), message)
    except (RedisError, OSError) as exc:
        log.warning("event publish failed", extra={"event": event, "error": type(exc).__name__})
