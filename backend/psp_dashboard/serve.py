"""Start-up sequence shared by `psp serve` and the demo `psp run`; `psp serve
--workers N` as N processes (`serve_processes`)."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from contextlib import AsyncExitStack
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from psp_dashboard import migrate as migrations
from psp_dashboard.config import Settings, get_settings
from psp_dashboard.demo import start_demo_sources
from psp_dashboard.embedded import stop_embedded
from psp_dashboard.logs import configure_logging
from psp_dashboard.main import create_app
from psp_dashboard.partitions import current_month, ensure_partitions
from psp_dashboard.runtime import Runtime, open_runtime
from psp_dashboard.startup import start_background
from psp_dashboard.sync.sources import SourceEndpoints

log = logging.getLogger(__name__)

REPO_DIR = Path(__file__).resolve().parent.parent.parent
DEFAULT_FRONTEND_DIR = REPO_DIR / "frontend" / "out"


async def prepare_database(runtime: Runtime, *, migrate: bool) -> None:
    if migrate:
        await asyncio.to_thread(migrations.upgrade, runtime.database_url)
    async with runtime.engine.begin() as conn:
        await ensure_partitions(
            conn, [current_month()], ahead=runtime.settings.partition_months_ahead
        )


async def serve(
    settings: Settings,
    *,
    host: str | None,
    port: int | None,
    migrate: bool,
    demo: bool,
) -> int:
    host = host or settings.host
    port = settings.port if port is None else port
    async with AsyncExitStack() as stack:
        # Embedded servers (if any) stop with the process instead of lingering.
        stack.callback(stop_embedded)
        banner: list[str] = []
        endpoints: SourceEndpoints | None = None
        if demo:
            sources = await start_demo_sources(settings, stack)
            settings, endpoints, banner = sources.settings, sources.endpoints, [*sources.lines]
        runtime = await open_runtime(settings, endpoints=endpoints)
        stack.push_async_callback(runtime.close)
        await prepare_database(runtime, migrate=migrate)
        banner += await start_background(runtime, stack, demo=demo)
        frontend = settings.frontend_dir or DEFAULT_FRONTEND_DIR
        # uvicorn re-raises SIGTERM/SIGINT once it has shut down, so this function never
        # unwinds after a signal: the app's shutdown, which uvicorn awaits, closes the
        # stack (leaving it empty for the `async with` when the server returns normally).
        app = create_app(settings, runtime=runtime, frontend_dir=frontend, shutdown=stack.aclose)
        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            log_config=None,
            lifespan="on",
            access_log=False,
            # X-Forwarded-* are honoured by the app, from TRUSTED_PROXIES only; uvicorn's
            # own default would trust them from 127.0.0.1.
            proxy_headers=False,
        )
        server = uvicorn.Server(config)
        _print_banner(f"http://{host}:{port}", banner)
        await server.serve()
    return 0


def _print_banner(url: str, lines: list[str]) -> None:
    print(f"PSP Dashboard is up: {url}/", file=sys.stderr)
    print(f"  API health: {url}/api/v1/health", file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)


async def _prepare_once(settings: Settings, *, migrate: bool) -> tuple[str, str, list[str]]:
    """What runs once for all API processes: migrations, partitions, admin bootstrap.
    Returns the database and Redis URLs (the embedded servers' when unset)."""
    runtime = await open_runtime(settings)
    try:
        await prepare_database(runtime, migrate=migrate)
        async with AsyncExitStack() as stack:
            banner = await start_background(runtime, stack, demo=False)
    finally:
        await runtime.close()
    return runtime.database_url, runtime.redis_url, banner


def served_app() -> FastAPI:
    """The app of one of `psp serve --workers N`'s processes (uvicorn's factory): its
    own runtime from the environment, no worker. Everything shared between processes
    lives in PostgreSQL and Redis (sessions, rate limits, cache, live updates)."""
    settings = get_settings()
    configure_logging(settings.log_level)
    return create_app(settings, frontend_dir=settings.frontend_dir or DEFAULT_FRONTEND_DIR)


def serve_processes(
    settings: Settings, *, host: str | None, port: int | None, migrate: bool, workers: int
) -> int:
    """`psp serve --workers N`: N uvicorn processes sharing one port, under uvicorn's
    supervisor (a process that dies is replaced). Start-up work runs once, here, before
    they are spawned; they read their settings from the environment."""
    host = host or settings.host
    port = settings.port if port is None else port
    try:
        database_url, redis_url, banner = asyncio.run(_prepare_once(settings, migrate=migrate))
        # The processes must use the same servers, embedded ones included.
        os.environ["DATABASE_URL"] = database_url
        os.environ["REDIS_URL"] = redis_url
        _print_banner(f"http://{host}:{port}", [f"API processes: {workers}", *banner])
        uvicorn.run(
            "psp_dashboard.serve:served_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=None,
            lifespan="on",
            access_log=False,
            proxy_headers=False,  # as in `serve`: X-Forwarded-* from TRUSTED_PROXIES only
            # A spawned process imports the whole app before it can answer the
            # supervisor's first ping: seconds on a busy machine, past uvicorn's 5 s
            # (it would kill and respawn it forever).
            timeout_worker_healthcheck=60,
        )
    finally:
        stop_embedded()
    return 0
