"""A sandbox world for the alert rules: four weeks of history (the traffic rules compare
with the same weekday-hour of the last four weeks), cut at 14:30 UTC (20:00 IST, a busy
hour), synced over HTTP through the real pipeline; incidents and time through the
sandbox's own admin endpoints."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import httpx

from psp_dashboard.alerts.evaluate import Tally, evaluate
from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.config import SandboxConfig, WorldConfig
from psp_dashboard.sandbox.testing import SandboxHandle
from psp_dashboard.sync.service import sync_source

WORLD = WorldConfig(
    seed=16,
    start=date(2026, 1, 1),
    days=29,
    per_day=600,
    end_at=datetime(2026, 1, 29, 14, 30, tzinfo=UTC),
)
CONFIG = SandboxConfig(world=WORLD)
# Busy-hour traffic of this world: about 45 payments an hour.
PER_HOUR = 45


@dataclass
class World:
    """Drives the sandbox over HTTP and syncs it into the runtime's database."""

    handle: SandboxHandle
    rt: Runtime

    async def admin(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        async with httpx.AsyncClient(base_url=self.handle.payshack_base_url) as http:
            response = await http.request(method, f"/_sandbox{path}", json=body)
        assert response.status_code == 200, response.text
        return response.json()

    async def incident(self, kind: str, **fields: Any) -> Any:
        return await self.admin("POST", "/incident", {"kind": kind, **fields})

    async def advance(self, minutes: int, new: int | None = None, settle: int = 0) -> None:
        """`minutes` of the world's clock with `new` payments (busy-hour rate by default)."""
        count = PER_HOUR * minutes // 60 if new is None else new
        await self.admin("POST", "/advance", {"new": count, "minutes": minutes, "settle": settle})

    async def clock(self) -> datetime:
        return datetime.fromisoformat((await self.admin("GET", "/health"))["clock"])

    async def sync(self, *sources: str) -> dict[str, str]:
        out = {}
        for source in sources or ("vima", "payshack"):
            out[source] = (await sync_source(self.rt, source)).status
        return out

    async def evaluate(self) -> Tally:
        """One evaluation at the world's clock."""
        return await evaluate(self.rt.engine, self.rt.settings, await self.clock())
