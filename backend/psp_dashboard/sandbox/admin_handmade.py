"""`/_sandbox/handmade`: hand-made payments added to a running world, and a hand-made
pay-in's status changed — so an end-to-end test can inject a near-miss (a key with a
trailing space, leading zeros, another project, a shared UTR…) or change one key after a
reconciliation, then watch the dashboard sync, suggest and re-fetch it.

    POST /_sandbox/handmade {"payments": [{"key": "K1",
        "vima": {"amount": "10.00", "status": "success", "project": "91game",
                 "seconds": 0},
        "payshack": {"amount": "10.00", "status": "Success", "order_id": "k1",
                     "client": "91G_TECH_PVT_LTD", "seconds": 60}}]}
      → {"entries": [...], "clock": "..."}   (`seconds`: after the world's clock)
    POST /_sandbox/handmade/status {"key": "K1", "payshack_status": "Success"}
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from psp_dashboard.sandbox.facts import HandmadePayment, PayShackSpec, VimaSpec
from psp_dashboard.sandbox.http_common import json_response
from psp_dashboard.sandbox.state import Sandbox
from psp_dashboard.sandbox.world_advance import add_handmade


def _payment(world_clock: Any, item: dict[str, Any]) -> HandmadePayment:
    key = item.get("key")
    v, p = item.get("vima"), item.get("payshack")
    vima = None
    if v is not None:
        vima = VimaSpec(
            world_clock + timedelta(seconds=float(v.get("seconds", 0))),
            Decimal(str(v["amount"])),
            status=str(v.get("status", "success")),
            project=str(v.get("project", "91game")),
        )
    payshack = None
    if p is not None:
        payshack = PayShackSpec(
            world_clock + timedelta(seconds=float(p.get("seconds", 0))),
            Decimal(str(p["amount"])),
            status=str(p.get("status", "Success")),
            client=str(p.get("client", "91G_TECH_PVT_LTD")),
            order_id=p.get("order_id"),
        )
    return HandmadePayment(None if key is None else str(key), vima, payshack)


def handmade_router(sb: Sandbox, prefix: str) -> APIRouter:
    router = APIRouter(prefix=prefix)
    world = sb.world

    @router.post("/handmade")
    async def add(request: Request) -> Response:
        try:
            body = await request.json()
            with world.lock:
                first = len(world)
                payments = [_payment(world.clock, item) for item in body["payments"]]
                add_handmade(world, payments)
                entries = list(range(first, len(world)))
        except (ValueError, TypeError, KeyError, ArithmeticError) as exc:
            return json_response({"error": str(exc)}, 400)
        return json_response({"entries": entries, "clock": world.clock.isoformat()})

    @router.post("/handmade/status")
    async def status(request: Request) -> Response:
        """A hand-made pay-in's status changes now (a late settle, a reversal)."""
        try:
            body = await request.json()
            key, wanted = str(body["key"]), str(body["payshack_status"])
            with world.lock:
                found = [e for e, p in world.handmade.items()
                         if p.payshack is not None and p.key == key]  # fmt: skip
                if not found:
                    return json_response({"error": f"no hand-made pay-in with key {key}"}, 404)
                code = world.statuses.payshack_code(wanted)
                for e in found:
                    world.pstat[e] = code
                    world.ps_pos_status[world.ps_position_of(e)] = code
                    world.payshack_settled[e] = world.clock_ms
        except (ValueError, TypeError, KeyError) as exc:
            return json_response({"error": str(exc)}, 400)
        return json_response({"entries": found})

    return router
