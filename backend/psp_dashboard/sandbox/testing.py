"""Sandboxes for tests and for other engineers' code: a background thread runs both
servers on free loopback ports; the handle gives URLs, credentials and the world.

    with sandbox_thread(SandboxConfig(world=WorldConfig(days=1, per_day=500))) as sb:
        connector = VimaConnector(sb.vima_base_url, sb.credentials.vima_apikey)
        sb.world.advance(new=10, settle=5)
        sb.world.faults.payshack.update(every_nth_429=3)

Startup and shutdown are synchronized with events (the thread reports when both servers
answer; stopping sets an asyncio event in the server loop and joins the thread).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from psp_dashboard.sandbox.config import Credentials, SandboxConfig
from psp_dashboard.sandbox.faults import Faults
from psp_dashboard.sandbox.server import serve_sandboxes
from psp_dashboard.sandbox.state import Sandbox
from psp_dashboard.sandbox.vima_app import VIMA_PREFIX
from psp_dashboard.sandbox.world import World

_START_TIMEOUT = 120.0  # generous: building a 1M-payment world takes a second or two


@dataclass(frozen=True, slots=True)
class SandboxHandle:
    vima_base_url: str  # ends in /collector1/api/v1 (VIMA_BASE_URL)
    vima_origin: str
    payshack_base_url: str  # dashboard and API (PAYSHACK_BASE_URL = PAYSHACK_API_URL)
    sandbox: Sandbox

    @property
    def credentials(self) -> Credentials:
        return self.sandbox.credentials

    @property
    def world(self) -> World:
        return self.sandbox.world

    @property
    def faults(self) -> Faults:
        return self.sandbox.world.faults

    @property
    def payin_url(self) -> str:
        return self.payshack_base_url + self.sandbox.payin_path


@contextmanager
def sandbox_thread(
    config: SandboxConfig | None = None,
    *,
    world: World | None = None,
    sandbox: Sandbox | None = None,
    host: str = "127.0.0.1",
) -> Iterator[SandboxHandle]:
    """Run both sandboxes in a daemon thread until the block exits."""
    sb = sandbox or Sandbox(config, world=world)
    started = threading.Event()
    box: dict[str, object] = {}

    async def main() -> None:
        stop = asyncio.Event()
        box["loop"], box["stop"] = asyncio.get_running_loop(), stop
        try:
            async with serve_sandboxes(sb, host=host) as running:
                box["handle"] = SandboxHandle(
                    running.vima_base_url, running.vima_origin, running.payshack_base_url, sb
                )
                started.set()
                await stop.wait()
        except BaseException as exc:
            box["error"] = exc
            raise
        finally:
            started.set()

    def run() -> None:
        try:
            asyncio.run(main())
        except BaseException:  # reported to the caller through box["error"]
            started.set()

    thread = threading.Thread(target=run, name="psp-sandboxes", daemon=True)
    thread.start()
    if not started.wait(_START_TIMEOUT):
        raise RuntimeError("sandboxes did not start in time")
    handle = box.get("handle")
    if not isinstance(handle, SandboxHandle):
        raise RuntimeError("sandboxes failed to start") from _as_exc(box.get("error"))
    try:
        yield handle
    finally:
        loop, stop = box["loop"], box["stop"]
        assert isinstance(loop, asyncio.AbstractEventLoop) and isinstance(stop, asyncio.Event)
        loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=30)


def _as_exc(value: object) -> BaseException | None:
    return value if isinstance(value, BaseException) else None


__all__ = ["VIMA_PREFIX", "SandboxHandle", "sandbox_thread"]
