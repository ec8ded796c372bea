"""Admin endpoints under /_sandbox, mounted on both sandboxes (same world behind them).

Not part of either provider's API: they drive the world (advance, faults, sessions) and
state the truth for tests and benchmarks. No auth: loopback sandboxes only.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from psp_dashboard.sandbox import incidents
from psp_dashboard.sandbox.admin_handmade import handmade_router
from psp_dashboard.sandbox.clients import (
    BALANCE_FIELDS,
    BALANCE_FORMS,
    RESELLER_NAME,
    SERVICE_PROVIDERS,
)
from psp_dashboard.sandbox.config import ReconParams
from psp_dashboard.sandbox.dashboard_variants import (
    resolve_variant,
    variant_from_dict,
    variant_name,
)
from psp_dashboard.sandbox.http_common import json_response
from psp_dashboard.sandbox.payouts import payout_truth
from psp_dashboard.sandbox.recon_rules import summarize
from psp_dashboard.sandbox.truth import bad_records, daily_totals, expected_reconciliation

if TYPE_CHECKING:
    from psp_dashboard.sandbox.state import Sandbox

PREFIX = "/_sandbox"


def _error(message: str, status: int = 400) -> Response:
    return json_response({"error": message}, status)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("JSON object expected")
    return data


def recon_params(sb: Sandbox, query: dict[str, str]) -> ReconParams:
    base = sb.world.config.recon
    projects = query.get("projects")
    return ReconParams(
        timezone=query.get("tz", base.timezone),
        grace_minutes=int(query.get("grace_minutes", base.grace_minutes)),
        amount_tolerance=Decimal(query.get("amount_tolerance", str(base.amount_tolerance))),
        time_tolerance_minutes=int(
            query.get("time_tolerance_minutes", base.time_tolerance_minutes)
        ),
        projects=tuple(p for p in projects.split(",") if p) if projects else base.projects,
    )


def dashboard_json(sb: Sandbox) -> dict[str, Any]:
    return {
        "header_renames": sb.payin_header_renames,
        "column_order": sb.payin_column_order,
        "variant": sb.variant.as_dict(),
        "variant_name": variant_name(sb.variant),  # None unless it equals a named one
        "variant_summary": sb.variant.describe(),
    }


def admin_router(sb: Sandbox) -> APIRouter:
    router = APIRouter(prefix=PREFIX)
    world = sb.world
    router.include_router(handmade_router(sb, ""))

    @router.get("/health")
    async def health() -> Response:
        return json_response({"ok": True, "entries": len(world), "clock": world.clock.isoformat()})

    @router.get("/info")
    async def info() -> Response:
        c, wc = sb.credentials, world.config
        return json_response(
            {
                "vima": {"apikey": c.vima_apikey, "basic_user": c.vima_basic_user,
                         "basic_pass": c.vima_basic_pass},
                "payshack": {"email": c.payshack_email, "pass": c.payshack_pass,
                             "payin_path": sb.payin_path, "encrypted": sb.encrypted,
                             "reseller_id": sb.directory.reseller_id},
                "world": {"seed": wc.seed, "start": wc.start.isoformat(), "days": wc.days,
                          "per_day": wc.per_day, "entries": len(world),
                          "clock": world.clock.isoformat()},
                "dashboard": dashboard_json(sb),
                "living": {"enabled": sb.living.settings.enabled,
                           "rate_per_second": sb.living.settings.rate_per_second},
            }
        )  # fmt: skip

    @router.post("/advance")
    async def advance(request: Request) -> Response:
        """{"new": N, "settle": K, "minutes": M, "settle_aged": S, "refund_aged": R,
        "min_age_minutes": A, "max_age_minutes": B}: N new payments (spread over M
        minutes of the world's clock when given, else about one a second), the K oldest
        pendings settled, then at the new clock S pendings and R successful pay-ins aged
        between A and B minutes settled late / refunded."""
        try:
            body = await _body(request)
            new, settle = int(body.get("new", 0)), int(body.get("settle", 0))
            minutes = float(body.get("minutes", 0))
            at = world.clock + timedelta(minutes=minutes) if minutes > 0 else None
            with world.lock:  # an incident's changes land in the same step as the payments
                result = world.advance(new=new, settle=settle, at=at)
                incidents.affect_new_payments(sb, result.created)
            late_settled, refunded = world.change_aged(
                settle=int(body.get("settle_aged", 0)),
                refund=int(body.get("refund_aged", 0)),
                min_age=timedelta(minutes=float(body.get("min_age_minutes", 0))),
                max_age=timedelta(minutes=float(body.get("max_age_minutes", 5_256_000))),
            )
        except (ValueError, TypeError, OverflowError) as exc:
            return _error(str(exc))
        return json_response(
            {"created": len(result.created), "settled": len(result.settled),
             "settled_aged": len(late_settled), "refunded_aged": len(refunded),
             "clock": world.clock.isoformat(), "entries": len(world)}
        )  # fmt: skip

    @router.get("/truth/daily")
    async def truth_daily(request: Request) -> Response:
        source = request.query_params.get("source", "vima")
        if source not in ("vima", "payshack"):
            return _error("source must be vima or payshack")
        tz = request.query_params.get("tz", "UTC")
        project = request.query_params.get("project")
        totals = await asyncio.to_thread(
            daily_totals,
            world,
            "vima" if source == "vima" else "payshack",
            timezone=tz,
            project=project,
        )
        return json_response([t.as_json() for t in totals])

    @router.get("/truth/bad-records")
    async def truth_bad(request: Request) -> Response:
        source = request.query_params.get("source")
        if source not in (None, "vima", "payshack"):
            return _error("source must be vima or payshack")
        found = await asyncio.to_thread(bad_records, world, source)  # type: ignore[arg-type]
        return json_response([b.as_json() for b in found])

    @router.get("/truth/payouts")
    async def truth_payouts() -> Response:
        """Every pay-out as a correct importer stores it (payouts.py), oldest first."""
        with world.lock:
            rows = payout_truth(world.payouts)
        return json_response([r.as_json() for r in rows])

    @router.post("/payouts")
    async def add_payouts(request: Request) -> Response:
        """{"new": N, "status": "SUCCESS"|"FAILED"|…, "client": name, "amount": "12.50"}:
        N pay-outs created at the world's clock (omitted fields drawn from the seed)."""
        try:
            body = await _body(request)
            amount = body.get("amount")
            minor = None if amount is None else int(Decimal(str(amount)) * 100)
            with world.lock:
                created = world.payouts.add(
                    int(body.get("new", 1)), world.clock_ms, status=body.get("status"),
                    client=body.get("client"), amount_minor=minor,
                )  # fmt: skip
        except (ValueError, TypeError, InvalidOperation) as exc:
            return _error(str(exc))
        return json_response({"created": [p.txn_id for p in created], "total": len(world.payouts)})

    @router.get("/truth/reconciliation")
    async def truth_recon(request: Request) -> Response:
        query = dict(request.query_params)
        try:
            day = date.fromisoformat(query["date"])
            params = recon_params(sb, query)
        except (KeyError, ValueError, InvalidOperation) as exc:
            return _error(f"bad parameters: {exc}")
        rows = await asyncio.to_thread(expected_reconciliation, world, day, params)
        return json_response(
            {"date": day.isoformat(), "summary": summarize(rows),
             "params": {"timezone": params.timezone, "grace_minutes": params.grace_minutes,
                        "amount_tolerance": str(params.amount_tolerance),
                        "time_tolerance_minutes": params.time_tolerance_minutes,
                        "projects": list(params.projects)},
             "rows": [r.as_json() for r in rows]}
        )  # fmt: skip

    @router.get("/truth/clients")
    async def truth_clients(request: Request) -> Response:
        """PayShack's client list with each balance at `at` (ISO instant; default: the
        world's clock, what fetch-all-client serves now), exact rupee text."""
        try:
            raw_at = request.query_params.get("at")
            at = world.clock if raw_at is None else datetime.fromisoformat(raw_at)
            if at.tzinfo is None:
                raise ValueError("at needs a time zone")
        except ValueError as exc:
            return _error(str(exc))
        d = sb.directory
        return json_response(
            {"at": at.isoformat(), "reseller_id": d.reseller_id,
             "clients": [{"client_id": c.client_id, "name": c.name,
                          "balance": str(d.balance_at(c, at))} for c in d.listed()],
             "resellers": [{"reseller_id": d.reseller_id, "name": RESELLER_NAME}],
             "service_providers": [{"sp_id": i, "name": n} for i, n in SERVICE_PROVIDERS]}
        )  # fmt: skip

    @router.put("/clients")
    async def clients(request: Request) -> Response:
        """{"balance_field": "balance"|"walletBalance"|"availableBalance",
        "balance_form": "number"|"string"|"rupees", "add": [names], "hide": [names],
        "show": [names]} (all optional): how fetch-all-client looks and who it lists."""
        try:
            body = await _body(request)
            d = sb.directory
            field_name = body.get("balance_field", d.balance_field)
            form = body.get("balance_form", d.balance_form)
            if field_name not in BALANCE_FIELDS or form not in BALANCE_FORMS:
                raise ValueError(f"expected {BALANCE_FIELDS} and {BALANCE_FORMS}")
            d.balance_field, d.balance_form = field_name, form
            for name in body.get("add", []):
                d.client(str(name))
            d.hidden |= {str(n) for n in body.get("hide", [])}
            d.hidden -= {str(n) for n in body.get("show", [])}
        except (ValueError, TypeError) as exc:
            return _error(str(exc))
        return json_response(
            {"balance_field": d.balance_field, "balance_form": d.balance_form,
             "listed": [c.name for c in d.listed()], "hidden": sorted(d.hidden)}
        )  # fmt: skip

    @router.get("/faults")
    async def faults() -> Response:
        f = world.faults
        return json_response(
            {name: {"config": inj.config.as_dict(), "requests": inj.requests,
                    "injected": inj.injected}
             for name, inj in (("vima", f.vima), ("payshack", f.payshack))}
        )  # fmt: skip

    @router.put("/faults/{service}")
    async def set_faults(service: str, request: Request) -> Response:
        if service not in ("vima", "payshack"):
            return _error("service must be vima or payshack", 404)
        try:
            config = world.faults.get(service).update(**await _body(request))  # type: ignore[arg-type]
        except (ValueError, TypeError) as exc:
            return _error(str(exc))
        return json_response(config.as_dict())

    @router.post("/sessions/expire")
    async def expire_sessions() -> Response:
        sb.auth.expire_all()
        return json_response({"expired": True})

    @router.post("/clock/travel")
    async def travel(request: Request) -> Response:
        try:
            seconds = float((await _body(request)).get("seconds", 0))
        except ValueError as exc:
            return _error(str(exc))
        sb.auth.travel(seconds)
        return json_response({"travelled": seconds})

    @router.put("/encrypted")
    async def encrypted(request: Request) -> Response:
        try:
            sb.encrypted = bool((await _body(request)).get("enabled", False))
        except ValueError as exc:
            return _error(str(exc))
        return json_response({"encrypted": sb.encrypted})

    @router.put("/dashboard")
    async def dashboard(request: Request) -> Response:
        """Re-skin the Pay-In page: {"variant": name | "random" | {feature: value},
        "seed": N, "header_renames": {...}, "column_order": [...]} (all optional)."""
        try:
            body = await _body(request)
            if "variant" in body:
                chosen, seed = body["variant"], int(body.get("seed", 0))
                if isinstance(chosen, dict):
                    sb.variant = variant_from_dict(chosen)
                else:
                    sb.variant = resolve_variant(str(chosen), seed)
            if "header_renames" in body:
                renames = body["header_renames"] or {}
                sb.payin_header_renames = {str(k): str(v) for k, v in dict(renames).items()}
            if "column_order" in body:
                order = body["column_order"]
                sb.payin_column_order = None if order is None else [str(x) for x in order]
        except (ValueError, TypeError) as exc:
            return _error(str(exc))
        return json_response(dashboard_json(sb))

    @router.get("/incident")
    async def incident_now() -> Response:
        return json_response({"active": [i.as_json() for i in incidents.active(sb).values()]})

    @router.post("/incident")
    async def incident(request: Request) -> Response:
        """{"kind": "success_drop"|"outage"|"layout_change"|"clear", "project": P,
        "source": "vima"|"payshack", "minutes": M} (see sandbox/incidents.py)."""
        try:
            body = await _body(request)
            minutes = body.get("minutes")
            going_on = incidents.start(
                sb,
                str(body.get("kind", "")),
                project=None if body.get("project") is None else str(body["project"]),
                source=None if body.get("source") is None else str(body["source"]),
                minutes=None if minutes is None else float(minutes),
            )
        except (ValueError, TypeError) as exc:
            return _error(str(exc))
        return json_response({"active": going_on})

    @router.put("/living")
    async def living(request: Request) -> Response:
        try:
            body = await _body(request)
            rate = body.get("rate_per_second")
            sb.living.update(
                enabled=None if "enabled" not in body else bool(body["enabled"]),
                rate_per_second=None if rate is None else float(rate),
            )
        except ValueError as exc:
            return _error(str(exc))
        s = sb.living.settings
        return json_response({"enabled": s.enabled, "rate_per_second": s.rate_per_second})

    return router
