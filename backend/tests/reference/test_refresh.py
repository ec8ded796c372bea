"""The reference refresh against the PayShack sandbox over HTTP: stored data equals the
sandbox's truth, balances move into history, refreshes are idempotent and one at a time,
failures are recorded and shown."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx
from httpx import AsyncClient
from sqlalchemy import text

from psp_dashboard.kit.locks import session_lock
from psp_dashboard.reference.refresh import REFRESH_LOCK, refresh_reference
from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.testing import SandboxHandle
from tests.support.auth import sign_in


def truth(handle: SandboxHandle) -> dict[str, Any]:
    response = httpx.get(f"{handle.payshack_base_url}/_sandbox/truth/clients")
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def configure(handle: SandboxHandle, **body: Any) -> None:
    """What fetch-all-client looks like and lists (the sandbox's admin endpoint)."""
    httpx.put(f"{handle.payshack_base_url}/_sandbox/clients", json=body).raise_for_status()


def advance(handle: SandboxHandle, minutes: int) -> None:
    response = httpx.post(
        f"{handle.payshack_base_url}/_sandbox/advance", json={"new": 5, "minutes": minutes}
    )
    response.raise_for_status()


async def stored_clients(runtime: Runtime) -> dict[str, tuple[str, Decimal, bool]]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT client_id, name, balance, active FROM payshack_clients")
        )
        return {r.client_id: (r.name, r.balance, r.active) for r in rows}


async def history(runtime: Runtime, client_id: str) -> list[Decimal]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT balance FROM payshack_client_balances WHERE client_id = :c "
                "ORDER BY observed_at"
            ),
            {"c": client_id},
        )
        return [r[0] for r in rows]


async def test_refresh_stores_the_sandbox_truth_and_balance_changes(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    first = await refresh_reference(wired)
    assert first.status == "success", first.error
    expected = truth(sandbox)
    assert {c["client_id"]: (c["name"], Decimal(c["balance"]), True)
            for c in expected["clients"]} == await stored_clients(wired)  # fmt: skip
    assert first.clients == len(expected["clients"]) >= 3
    async with wired.engine.connect() as conn:
        resellers = (
            await conn.execute(text("SELECT reseller_id, name FROM payshack_resellers"))
        ).all()
        sps = (await conn.execute(text("SELECT sp_id, name FROM payshack_service_providers"))).all()
    assert [tuple(r) for r in resellers] == [
        (r["reseller_id"], r["name"]) for r in expected["resellers"]
    ]
    assert sorted(tuple(s) for s in sps) == sorted(
        (s["sp_id"], s["name"]) for s in expected["service_providers"]
    )
    # Every client's first sighting is its first history row.
    assert first.balance_changes == first.clients

    # The same lists again: nothing new in the history, same rows.
    again = await refresh_reference(wired)
    assert again.status == "success" and again.balance_changes == 0
    assert await stored_clients(wired) == {
        c["client_id"]: (c["name"], Decimal(c["balance"]), True) for c in expected["clients"]
    }

    # The world moves on six hours: balances move, the history records each change once.
    advance(sandbox, 360)
    later = truth(sandbox)
    moved = [c for c, old in zip(later["clients"], expected["clients"], strict=True)
             if c["balance"] != old["balance"]]  # fmt: skip
    assert moved, "six hours of 15-minute steps moved no balance"
    third = await refresh_reference(wired)
    assert third.status == "success" and third.balance_changes == len(moved)
    for c in moved:
        old = next(o for o in expected["clients"] if o["client_id"] == c["client_id"])
        assert await history(wired, c["client_id"]) == [
            Decimal(old["balance"]),
            Decimal(c["balance"]),
        ]


async def test_balance_history_api_answers_the_step_series(
    wired: Runtime, sandbox: SandboxHandle, client: AsyncClient
) -> None:
    assert (await refresh_reference(wired)).status == "success"
    first = {c["client_id"]: c["balance"] for c in truth(sandbox)["clients"]}
    advance(sandbox, 360)
    assert (await refresh_reference(wired)).status == "success"
    later = {c["client_id"]: c["balance"] for c in truth(sandbox)["clients"]}
    moved = next(k for k in later if later[k] != first[k])
    headers = await sign_in(client, wired, "viewer")
    url = f"/api/v1/payshack/clients/{moved}/balances"
    items = (await client.get(url, headers=headers)).json()["items"]
    assert [Decimal(str(i["balance"])) for i in items] == [
        Decimal(first[moved]),
        Decimal(later[moved]),
    ]
    # A range before any observation: nothing; far-off dates are no server error.
    early = await client.get(url, params={"to_date": "0001-01-01"}, headers=headers)
    assert early.status_code == 200 and early.json()["items"] == []
    late = await client.get(url, params={"from_date": "9999-12-31"}, headers=headers)
    assert late.status_code == 400  # from_date after the default to_date (today)
    missing = await client.get("/api/v1/payshack/clients/nope/balances", headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"


async def test_field_names_and_forms_parse_exactly(wired: Runtime, sandbox: SandboxHandle) -> None:
    for field, form in (("walletBalance", "string"), ("availableBalance", "rupees"),
                        ("balance", "number")):  # fmt: skip
        configure(sandbox, balance_field=field, balance_form=form)
        advance(sandbox, 45)
        result = await refresh_reference(wired)
        assert result.status == "success", result.error
        assert result.unreadable_balances == 0
        expected = truth(sandbox)
        stored = await stored_clients(wired)
        assert {k: v[1] for k, v in stored.items()} == {
            c["client_id"]: Decimal(c["balance"]) for c in expected["clients"]
        }, (field, form)


async def test_a_client_no_longer_listed_is_kept_inactive(
    wired: Runtime, sandbox: SandboxHandle, client: AsyncClient
) -> None:
    configure(sandbox, add=["New Client Ltd"])
    assert (await refresh_reference(wired)).status == "success"
    configure(sandbox, hide=["New Client Ltd"])
    result = await refresh_reference(wired)
    assert result.deactivated == 1
    stored = await stored_clients(wired)
    assert [v[2] for v in stored.values() if v[0] == "New Client Ltd"] == [False]
    headers = await sign_in(client, wired, "viewer")
    listed = (await client.get("/api/v1/payshack/clients", headers=headers)).json()
    assert [c["active"] for c in listed["items"] if c["name"] == "New Client Ltd"] == [False]


async def test_two_refreshes_at_once_run_once(wired: Runtime, sandbox: SandboxHandle) -> None:
    # Another process holds the refresh: this one is skipped, nothing is written.
    async with session_lock(wired.engine, REFRESH_LOCK) as held:
        assert held is not None
        skipped = await refresh_reference(wired)
    assert skipped.status == "skipped"
    assert await stored_clients(wired) == {}
    # Two started together: one runs, the other is skipped.
    sandbox.faults.payshack.update(delay_ms=300)
    try:
        results = await asyncio.gather(refresh_reference(wired), refresh_reference(wired))
    finally:
        sandbox.faults.payshack.update(delay_ms=0)
    assert sorted(r.status for r in results) == ["skipped", "success"]


async def test_a_failed_refresh_is_recorded_and_shown(
    wired: Runtime, sandbox: SandboxHandle, client: AsyncClient
) -> None:
    assert (await refresh_reference(wired)).status == "success"
    sandbox.faults.payshack.update(share_5xx=1.0)
    wired.settings = wired.settings.model_copy(update={"sync_max_retries": 0})
    try:
        failed = await refresh_reference(wired)
    finally:
        sandbox.faults.payshack.update(share_5xx=0.0)
    assert failed.status == "failed" and failed.error
    headers = await sign_in(client, wired, "viewer")
    listed = (await client.get("/api/v1/payshack/clients", headers=headers)).json()
    assert listed["last_error"] == failed.error
    assert listed["refreshed_at"] is not None and len(listed["items"]) >= 3
    # An analyst refreshes now; the error is gone once it works.
    analyst = await sign_in(client, wired, "analyst")
    response = await client.post("/api/v1/payshack/reference/refresh", headers=analyst)
    assert response.status_code == 200 and response.json()["status"] == "success"
    listed = (await client.get("/api/v1/payshack/clients", headers=headers)).json()
    assert listed["last_error"] is None
    viewer_refresh = await client.post("/api/v1/payshack/reference/refresh", headers=headers)
    assert viewer_refresh.status_code == 403
