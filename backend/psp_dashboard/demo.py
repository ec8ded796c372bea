"""The demo (`psp run`): sandboxes for providers that are not configured, syncing in-process.

A source whose base URL is configured talks to that provider and gets no sandbox.
Sandbox knobs for the demo come from DEMO_SANDBOX_ARGS (the `psp sandbox` options,
e.g. "--days 14 --per-day 5000 --rate 2"), defaulting to a living 30-day world.
The sandboxes start before the runtime, which is opened with the endpoints and
settings they decide (nothing is swapped once the runtime is in use).
"""

from __future__ import annotations

import os
import shlex
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace

from pydantic import SecretStr

from psp_dashboard.config import Settings
from psp_dashboard.sandbox.cli import build_parser, config_from_args
from psp_dashboard.sandbox.server import serve_sandboxes
from psp_dashboard.sandbox.state import Sandbox
from psp_dashboard.sync.sources import SourceEndpoints, endpoints_from_settings

DEMO_SYNC_SECONDS = 30
DEFAULT_DEMO_ARGS = "--days 30 --per-day 2000 --living --rate 0.5 --settle-rate 0.2"


@dataclass(frozen=True)
class DemoSources:
    settings: Settings
    endpoints: SourceEndpoints
    lines: list[str]  # for the start-up banner


async def start_demo_sources(settings: Settings, stack: AsyncExitStack) -> DemoSources:
    """Start sandboxes where needed (they stop with `stack`); the runtime is to be
    opened with the returned settings and endpoints."""
    endpoints = endpoints_from_settings(settings)
    missing = [s for s in ("vima", "payshack") if not endpoints.configured(s)]
    lines: list[str] = []
    if missing:
        argv = shlex.split(os.environ.get("DEMO_SANDBOX_ARGS", DEFAULT_DEMO_ARGS))
        # Free ports unless DEMO_SANDBOX_ARGS names them (later options win).
        args = build_parser().parse_args(["--vima-port", "0", "--payshack-port", "0", *argv])
        sandbox = Sandbox(config_from_args(args))
        running = await stack.enter_async_context(
            serve_sandboxes(
                sandbox,
                host="127.0.0.1",
                vima_port=args.vima_port,
                payshack_port=args.payshack_port,
            )
        )
        creds = sandbox.credentials
        if "vima" in missing:
            endpoints = replace(
                endpoints,
                vima_base_url=running.vima_base_url,
                vima_api_key=SecretStr(creds.vima_apikey),
                vima_auth="api_key",
            )
            lines.append(f"Vima: sandbox at {running.vima_base_url}")
        if "payshack" in missing:
            endpoints = replace(
                endpoints,
                payshack_base_url=running.payshack_base_url,
                payshack_api_url=running.payshack_base_url,
                payshack_email=SecretStr(creds.payshack_email),
                payshack_password=SecretStr(creds.payshack_pass),
            )
            # Politeness pauses protect the real provider, not our own sandbox.
            settings = settings.model_copy(update={"payshack_page_pause_ms": 0})
            lines.append(f"PayShack: sandbox at {running.payshack_base_url}")
        # PayShack's pay-out stream reads the same sandbox as its pay-ins.
        streams = {*missing, *({"payshack_payouts"} if "payshack" in missing else set())}
        endpoints = replace(endpoints, sandbox=frozenset(streams))
        if settings.sync_interval_seconds is None:
            # The sandboxes are local and cheap to read: sync every 30 s so a visitor
            # sees the figures move within a minute (SYNC_INTERVAL_SECONDS overrides).
            settings = settings.model_copy(update={"sync_interval_seconds": DEMO_SYNC_SECONDS})
    for source in ("vima", "payshack"):
        if source not in missing:
            lines.append(f"{source}: configured provider")
    return DemoSources(settings, endpoints, lines)
