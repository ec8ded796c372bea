"""Run both sandboxes with uvicorn on loopback ports inside the caller's event loop.

Sockets are bound (and listening) before the servers start, so port 0 yields a free
port whose URL is valid at once; startup is awaited through the ASGI lifespan message,
not by polling.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from psp_dashboard.sandbox.config import Credentials
from psp_dashboard.sandbox.living import living_loop
from psp_dashboard.sandbox.payshack_app import create_payshack_app
from psp_dashboard.sandbox.state import Sandbox
from psp_dashboard.sandbox.vima_app import VIMA_PREFIX, create_vima_app
from psp_dashboard.sandbox.world import World


@dataclass(frozen=True, slots=True)
class RunningSandboxes:
    sandbox: Sandbox
    vima_origin: str  # http://host:port
    payshack_base_url: str  # dashboard and API share this origin

    @property
    def vima_base_url(self) -> str:
        """What a connector puts in VIMA_BASE_URL."""
        return self.vima_origin + VIMA_PREFIX

    @property
    def world(self) -> World:
        return self.sandbox.world

    @property
    def credentials(self) -> Credentials:
        return self.sandbox.credentials


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # Two servers share one loop; the caller (CLI: asyncio.run) owns Ctrl-C.
        yield


def _announce_startup(app: ASGIApp, ready: asyncio.Event) -> ASGIApp:
    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return

        async def send_and_flag(message: Message) -> None:
            await send(message)
            if message["type"] == "lifespan.startup.complete":
                ready.set()

        await app(scope, receive, send_and_flag)

    return wrapped


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(512)
    sock.setblocking(False)
    return sock


def _origin(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    shown = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, host)  # noqa: S104
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


async def _wait_started(ready: asyncio.Event, serving: asyncio.Task[None]) -> None:
    waiter = asyncio.create_task(ready.wait())
    done, _ = await asyncio.wait({waiter, serving}, return_when=asyncio.FIRST_COMPLETED)
    if waiter not in done:
        waiter.cancel()
        raise RuntimeError("sandbox server stopped during startup") from serving.exception()


@contextlib.asynccontextmanager
async def serve_sandboxes(
    sandbox: Sandbox | None = None,
    *,
    host: str = "127.0.0.1",
    vima_port: int = 0,
    payshack_port: int = 0,
    log_level: str = "warning",
) -> AsyncIterator[RunningSandboxes]:
    """Start the Vima and PayShack sandboxes; port 0 picks a free port."""
    sb = sandbox or Sandbox()
    socks = [_bind(host, vima_port), _bind(host, payshack_port)]
    servers: list[_Server] = []
    tasks: list[asyncio.Task[Any]] = []
    try:
        for app, sock in zip((create_vima_app(sb), create_payshack_app(sb)), socks, strict=True):
            ready = asyncio.Event()
            config = uvicorn.Config(
                _announce_startup(app, ready),
                interface="asgi3",
                lifespan="on",
                log_level=log_level,
                access_log=False,
            )
            server = _Server(config)
            servers.append(server)
            serving = asyncio.create_task(server.serve(sockets=[sock]))
            tasks.append(serving)
            await _wait_started(ready, serving)
        tasks.append(asyncio.create_task(living_loop(sb)))
        yield RunningSandboxes(sb, _origin(host, socks[0]), _origin(host, socks[1]))
    finally:
        for server in servers:
            server.should_exit = True
        for task in tasks[len(servers) :]:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for sock in socks:
            sock.close()
