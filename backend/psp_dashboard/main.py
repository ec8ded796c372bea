"""FastAPI application factory."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI

from psp_dashboard import __version__
from psp_dashboard.api.errors import install_error_handlers
from psp_dashboard.api.middleware import RejectNulMiddleware, RequestIdMiddleware
from psp_dashboard.api.openapi import install_openapi
from psp_dashboard.config import Settings, get_settings
from psp_dashboard.dashboard_files import DashboardFiles
from psp_dashboard.health.endpoints import router as health_router
from psp_dashboard.runtime import Runtime, open_runtime

API_PREFIX = "/api/v1"

# Hooks later capabilities register to run at start-up / shutdown with the runtime.
StartupHook = Callable[[Runtime], Any]


# Every domain's router module (each exposes `router`), in the order OpenAPI lists them.
ROUTER_MODULES = (
    "psp_dashboard.auth.endpoints",
    "psp_dashboard.transactions.endpoints",
    "psp_dashboard.metrics.endpoints",
    "psp_dashboard.reconciliation.endpoints",
    "psp_dashboard.export.endpoints",
    "psp_dashboard.sync.endpoints",
    "psp_dashboard.events_endpoints",
    "psp_dashboard.audit.endpoints",
    "psp_dashboard.users.endpoints",
)


def api_routers() -> Sequence[APIRouter]:
    """Every domain's router; the single list the permission tests walk."""
    routers = [health_router]
    for name in ROUTER_MODULES:
        routers.append(importlib.import_module(name).router)
    return routers


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    startup: Sequence[StartupHook] = (),
    frontend_dir: Path | None = None,
) -> FastAPI:
    """Build the app. With `runtime` given the caller owns its lifetime (tests)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        rt = runtime or await open_runtime(settings or get_settings())
        app.state.runtime = rt
        for hook in startup:
            result = hook(rt)
            if hasattr(result, "__await__"):
                await result
        try:
            yield
        finally:
            for stop in rt.extras.pop("on_shutdown", []):
                await stop()
            if owned:
                await rt.close()

    app = FastAPI(
        title="PSP Dashboard API",
        version=__version__,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    if runtime is not None:
        app.state.runtime = runtime
    app.add_middleware(RejectNulMiddleware)
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    for router in api_routers():
        app.include_router(router, prefix=API_PREFIX)
    install_openapi(app)
    static = frontend_dir or (settings.frontend_dir if settings else None)
    if static is not None and static.is_dir():
        app.mount("/", DashboardFiles(directory=static, html=True), name="frontend")
    return app
