"""What runs beside the API: admin bootstrap, and in the demo the worker and its users.

Each capability adds its part here, so `serve` stays a short sequence.
"""

from __future__ import annotations

from contextlib import AsyncExitStack

from psp_dashboard.auth import bootstrap
from psp_dashboard.jobs import start_worker
from psp_dashboard.runtime import Runtime


async def start_background(runtime: Runtime, stack: AsyncExitStack, *, demo: bool) -> list[str]:
    """Start what the process needs beside the API; return lines for the start-up banner."""
    lines: list[str] = []
    admin = await bootstrap.ensure_admin(runtime)
    if admin is not None:
        lines.append(f"Admin user created: {admin} (password from ADMIN_PASSWORD)")
    # Decided on the settings, not the command: `psp run` against a real database is
    # not a demo, and a real database must not keep demo users from an earlier one.
    demo_users = bootstrap.demo_mode(runtime.settings)
    if not demo_users:
        for email in await bootstrap.retire_demo_users(runtime):
            lines.append(f"Demo user disabled (not a demo installation): {email}")
    if demo:
        worker = start_worker(runtime)
        stack.push_async_callback(worker.shutdown)
        if demo_users:
            logins = await bootstrap.ensure_demo_users(runtime)
            path = bootstrap.hand_out_demo_logins(logins, runtime.settings.data_dir)
            lines += bootstrap.demo_banner(logins, path)
    return lines
