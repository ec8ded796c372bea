"""The PayShack sandbox: merchant API and dashboard on one host (the spec allows it)."""

from __future__ import annotations

from fastapi import FastAPI

from psp_dashboard.sandbox.admin import admin_router
from psp_dashboard.sandbox.payshack_api import api_router
from psp_dashboard.sandbox.payshack_dashboard import dashboard_router
from psp_dashboard.sandbox.state import Sandbox


def create_payshack_app(sb: Sandbox) -> FastAPI:
    app = FastAPI(title="PayShack sandbox", docs_url=None, redoc_url=None)
    app.include_router(admin_router(sb))
    app.include_router(api_router(sb))
    app.include_router(dashboard_router(sb))
    return app
