"""What runs beside the API: admin bootstrap, and in the demo the worker and its users.

Each capability adds its part here, so `serve` stays a short sequence.
"""

from __future__ import annotations

from contextlib import AsyncExitStack

from psp_dashboard.alerts import service as alert_service
from psp_dashboard.auth import bootstrap
from psp_dashboard.jobs import start_worker
from psp_dashboard.reconciliation.catch_up import catch_up
from psp_dashboard.runtime import Runtime


async def start_background(runtime: Runtime, stack: AsyncExitStack, *, demo: bool) -> list[str]:
    """Start what the process needs beside the API; return lines for the start-up banner."""
    lines: list[str] = []
    admin = await bootstrap.ensure_admin(runtime)
    if admin is not None:
        lines.append(f"Admin user created: {admin} (password from ADMIN_PASSWORD)")
    if runtime.settings.alerts_enabled:
        # The sandboxes' living world pays far faster than its seeded history: against
        # that history every hour would look like a failures spike.
        sandboxed = runtime.endpoints is not None and bool(runtime.endpoints.sandbox)
        async with runtime.engine.begin() as conn:
            off = ("failures_spike",) if sandboxed else ()
            if await alert_service.ensure_defaults(conn, disabled=off):
                lines.append("Alerts: default rules and the in-app channel added (docs/alerts.md)")
    # Decided on the settings, not the command: `psp run` against a real database is
    # not a demo, and a real database must not keep demo users from an earlier one.
    demo_users = bootstrap.demo_mode(runtime.settings)
    if not demo_users:
        for email in await bootstrap.retire_demo_users(runtime):
            lines.append(f"Demo user disabled (not a demo installation): {email}")
    if demo:
        worker = start_worker(runtime)
        stack.push_async_callback(worker.shutdown)
        # Reconcile the seeded days once the first syncs are in, so the first visit
        # shows results (reconciliation/catch_up.py; progress: GET /reconciliation/catch-up).
        # Only over sandboxes: `psp run` against real providers leaves history to 02:00.
        if runtime.endpoints is not None and runtime.endpoints.sandbox:
            runtime.tasks.spawn(catch_up(runtime, runtime.tasks.stop), name="recon-catch-up")
        if demo_users:
            logins = await bootstrap.ensure_demo_users(runtime)
            path = bootstrap.hand_out_demo_logins(logins, runtime.settings.data_dir)
            lines += bootstrap.demo_banner(logins, path)
    return lines
