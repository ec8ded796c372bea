"""The sync side of the worker: a job per source on its interval, triggers over Redis.

The jobs are registered by sync/jobs.py. The PostgreSQL advisory lock in the
pipeline guarantees one run per source at a time across processes; the worker's tick
claims (ticks.py) make each scheduled fire run once across workers, and a manual
trigger is taken by one listening worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections.abc import Sequence

from redis.exceptions import RedisError

from psp_dashboard.config import Settings
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.sources import SOURCES
from psp_dashboard.worker import Worker

log = logging.getLogger(__name__)

TRIGGER_CHANNEL = "sync:trigger"
# A trigger reaches every listening worker; the first to set this key runs it.
TRIGGER_CLAIM = "sync:trigger-claim:"
TRIGGER_CLAIM_TTL = 600


def job_id(source: str) -> str:
    return f"sync:{source}"


def interval_minutes(settings: Settings, source: str) -> int:
    return (
        settings.vima_sync_interval_minutes
        if source == "vima"
        else settings.payshack_sync_interval_minutes
    )


def interval_seconds(settings: Settings, source: str) -> int:
    """The schedule's period: SYNC_INTERVAL_SECONDS (the demo's 30 s) or the minutes."""
    if settings.sync_interval_seconds is not None:
        return settings.sync_interval_seconds
    return 60 * interval_minutes(settings, source)


def trigger_channel(runtime: Runtime) -> str:
    return f"{runtime.cache.prefix}{TRIGGER_CHANNEL}"


async def publish_trigger(runtime: Runtime, sources: Sequence[str]) -> bool:
    """Ask whichever worker listens to run `sources`; False when nobody could be told.
    Every listening worker hears it; the trigger's id lets one of them take it."""
    message = {"sources": list(sources), "id": uuid.uuid4().hex}
    try:
        receivers = await runtime.cache.redis.publish(trigger_channel(runtime), json.dumps(message))
    except (RedisError, OSError):
        return False
    return int(receivers) > 0


async def take_trigger(runtime: Runtime, trigger_id: object) -> bool:
    """True for the one worker that takes this trigger (all others hear it too)."""
    if not isinstance(trigger_id, str):
        return True  # an id-less trigger: the source lock keeps runs one at a time
    key = f"{runtime.cache.prefix}{TRIGGER_CLAIM}{trigger_id}"
    return bool(await runtime.cache.redis.set(key, 1, nx=True, ex=TRIGGER_CLAIM_TTL))


async def listen_for_triggers(worker: Worker) -> None:
    """Manual triggers from API processes: run the source's job now in this worker,
    unless another listening worker took the trigger first."""
    runtime = worker.runtime
    while not worker.stop.is_set():
        pubsub = runtime.cache.redis.pubsub()
        try:
            await pubsub.subscribe(trigger_channel(runtime))
            async for message in pubsub.listen():
                if message.get("type") != "message":
                    continue
                try:
                    body = json.loads(message["data"])
                    sources = body.get("sources", [])
                except (ValueError, AttributeError):
                    continue
                if not await take_trigger(runtime, body.get("id")):
                    continue
                for source in sources:
                    if source in SOURCES:
                        worker.run_now(job_id(source))
        except (RedisError, OSError):
            log.warning("trigger listener lost redis; retrying in 5 s")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(worker.stop.wait(), timeout=5)
        finally:
            # A subscription left open would keep counting as a listening worker,
            # and API triggers would be sent to nobody.
            with contextlib.suppress(RedisError, OSError):
                await pubsub.aclose()  # type: ignore[no-untyped-call]
