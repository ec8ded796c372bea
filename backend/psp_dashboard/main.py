"""FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from psp_dashboard import __version__
from psp_dashboard.alerts import endpoints as alerts
from psp_dashboard.analytics import endpoints as analytics
from psp_dashboard.api.body_guard import RequestBodyGuard
from psp_dashboard.api.docs import install_docs
from psp_dashboard.api.errors import install_error_handlers
from psp_dashboard.api.fallback import DashboardOrApiNotFound
from psp_dashboard.api.middleware import RejectNulMiddleware, RequestIdMiddleware
from psp_dashboard.api.openapi import install_openapi
from psp_dashboard.api.read_source import ReadSourceHeadersMiddleware
from psp_dashboard.api.security_headers import SecurityHeadersMiddleware
from psp_dashboard.api.unhandled import UnhandledErrorMiddleware
from psp_dashboard.audit import endpoints as audit
from psp_dashboard.auth import endpoints as auth
from psp_dashboard.auth.throttle import limit_token_calls
from psp_dashboard.config import Settings, get_settings
from psp_dashboard.dashboard_files import DashboardFiles
from psp_dashboard.events_endpoints import router as events_router
from psp_dashboard.export import endpoints as export
from psp_dashboard.health.endpoints import router as health_router
from psp_dashboard.metrics import endpoints as metrics
from psp_dashboard.payments import endpoints as payments
from psp_dashboard.reconciliation import amend_endpoints as recon_amend
from psp_dashboard.reconciliation import endpoints as reconciliation
from psp_dashboard.reference import endpoints as payshack_reference
from psp_dashboard.reports import endpoints as reports
from psp_dashboard.runtime import Runtime, open_runtime
from psp_dashboard.sync import endpoints as sync
from psp_dashboard.transactions import endpoints as transactions
from psp_dashboard.users import endpoints as users

API_PREFIX = "/api/v1"

# Every domain's router, in the order OpenAPI lists them.
ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    transactions.router,
    metrics.router,
    payments.router,
    reconciliation.router,
    recon_amend.router,
    export.router,
    sync.router,
    events_router,
    audit.router,
    users.router,
    alerts.router,
    reports.router,
    analytics.router,
    payshack_reference.router,
)

# Routers whose calls cost real database work: API tokens are rate-limited there.
EXPENSIVE_ROUTERS: tuple[APIRouter, ...] = (
    transactions.router,
    metrics.router,
    payments.router,
    reconciliation.router,
    recon_amend.router,
    export.router,
    audit.router,
    analytics.router,
)
_THROTTLED: dict[int | str, dict[str, Any]] = {
    429: {"description": "An API token made more than TOKEN_RATE_PER_MINUTE calls a minute"}
}


def api_routers() -> Sequence[APIRouter]:
    """Every domain's router; the single list the permission tests walk."""
    return [health_router, *ROUTERS]


def create_app(
    settings: Settings | None = None,
    *,
    runtime: Runtime | None = None,
    shutdown: Callable[[], Awaitable[None]] | None = None,
    frontend_dir: Path | None = None,
) -> FastAPI:
    """Build the app. With `runtime` given the caller owns its lifetime (tests);
    `shutdown` runs when the server stops (`psp serve` closes what it started)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = runtime is None
        rt = runtime or await open_runtime(settings or get_settings())
        app.state.runtime = rt
        try:
            yield
        finally:
            if shutdown is not None:
                await shutdown()
            if owned:
                await rt.close()

    app = FastAPI(
        title="PSP Dashboard API",
        version=__version__,
        # Served by `install_docs`, behind sign-in unless DOCS_PUBLIC=true.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    if runtime is not None:
        app.state.runtime = runtime
    # Innermost first: each add_middleware wraps what is there.
    app.add_middleware(RequestBodyGuard)
    app.add_middleware(ReadSourceHeadersMiddleware)
    app.add_middleware(RejectNulMiddleware)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestIdMiddleware)
    proxies = (settings or (runtime.settings if runtime else get_settings())).trusted_proxies
    if proxies:
        # Client address and scheme from X-Forwarded-* only when a listed proxy sent them.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=proxies)
    install_error_handlers(app)
    app.include_router(health_router, prefix=API_PREFIX)
    for router in ROUTERS:
        if router in EXPENSIVE_ROUTERS:
            app.include_router(
                router,
                prefix=API_PREFIX,
                dependencies=[Depends(limit_token_calls)],
                responses=_THROTTLED,
            )
        else:
            app.include_router(router, prefix=API_PREFIX)
    install_openapi(app)
    install_docs(app, API_PREFIX)
    static = frontend_dir or (settings.frontend_dir if settings else None)
    dashboard = (
        DashboardFiles(directory=static, html=True)
        if static is not None and static.is_dir()
        else None
    )
    app.router.default = DashboardOrApiNotFound(API_PREFIX, dashboard)
    return app
