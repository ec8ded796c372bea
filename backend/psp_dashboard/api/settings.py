"""The settings a request is served with, for middleware that runs before dependencies."""

from __future__ import annotations

from starlette.types import Scope

from psp_dashboard.config import Settings, get_settings


def settings_of(scope: Scope) -> Settings:
    # The runtime's settings, not the environment's: tests and the demo adjust them.
    runtime = getattr(getattr(scope.get("app"), "state", None), "runtime", None)
    settings = getattr(runtime, "settings", None)
    return settings if isinstance(settings, Settings) else get_settings()
