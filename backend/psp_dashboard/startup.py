"""What runs beside the API: admin bootstrap, sandboxes (demo), scheduler.

Each capability adds its part here, so `serve` stays a short sequence.
"""

from __future__ import annotations

from contextlib import AsyncExitStack

from psp_dashboard.runtime import Runtime


async def start_background(runtime: Runtime, stack: AsyncExitStack, *, demo: bool) -> list[str]:
    """Start what the process needs beside the API; return lines for the start-up banner."""
    from psp_dashboard.auth.bootstrap import demo_banner, ensure_admin, ensure_demo_users

    lines: list[str] = []
    admin = await ensure_admin(runtime)
    if admin is not None:
        lines.append(f"Admin user created: {admin} (password from ADMIN_PASSWORD)")
    if demo:
        from psp_dashboard.demo import start_demo_sources, start_scheduler

        lines += await start_demo_sources(runtime, stack)
        await start_scheduler(runtime, stack)
        lines += demo_banner(await ensure_demo_users(runtime))
    return lines
