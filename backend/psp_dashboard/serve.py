"""Start-up sequence shared by `psp serve` and the demo `psp run`."""

from __future__ import annotations

import asyncio
import logging
import sys
from contextlib import AsyncExitStack
from pathlib import Path

import uvicorn

from psp_dashboard import migrate as migrations
from psp_dashboard.config import Settings
from psp_dashboard.demo import start_demo_sources
from psp_dashboard.embedded import stop_embedded
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
        url = f"http://{host}:{port}"
        print(f"PSP Dashboard is up: {url}/", file=sys.stderr)
        print(f"  API health: {url}/api/v1/health", file=sys.stderr)
        for line in banner:
            print(f"  {line}", file=sys.stderr)
        await server.serve()
    return 0
