"""The audit trail: what is recorded, in whose transaction, and GET /audit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import text

from psp_dashboard.audit.service import record
from psp_dashboard.auth.principal import Principal
from psp_dashboard.auth.ratelimit import LoginLimits
from psp_dashboard.runtime import Runtime
from tests.support.auth import TEST_PASSWORD, ensure_test_user, role_email, sign_in
from tests.support.runtime import runtime_with

AUDIT = "/api/v1/audit"


async def _entries(runtime: Runtime) -> list[dict[str, Any]]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(text("SELECT * FROM audit_log ORDER BY id"))
        return [dict(m) for m in rows.mappings()]


async def test_sign_ins_and_logouts_are_recorded(
    clean_db: Runtime, http: AsyncClient, login_limits: None
) -> None:
    await ensure_test_user(clean_db, "viewer")
    await http.post(
        "/api/v1/auth/login", json={"email": role_email("viewer"), "password": "Wrong-password-9"}
    )
    ok = await http.post(
        "/api/v1/auth/login",
        json={"email": role_email("viewer"), "password": TEST_PASSWORD},
        headers={"X-Request-ID": "req-login-1"},
    )
    headers = {"Cookie": f"psp_session={ok.cookies['psp_session']}"}
    headers["X-CSRF-Token"] = ok.json()["data"]["csrf_token"]
    await http.post("/api/v1/auth/logout", headers=headers)
    failed, signed_in, signed_out = await _entries(clean_db)
    assert (failed["action"], failed["outcome"], failed["actor_email"]) == (
        "auth.login",
        "failure",
        None,
    )
    assert failed["target"] == role_email("viewer")
    assert failed["params"]["reason"] == "bad_credentials"
    assert failed["params"]["attempts"] == 1
    assert "Wrong-password-9" not in str(failed)
    assert (signed_in["action"], signed_in["outcome"]) == ("auth.login", "success")
    assert signed_in["actor_email"] == role_email("viewer")
    assert signed_in["ip"] == "127.0.0.1"
    assert signed_in["request_id"] == "req-login-1"
    assert signed_out["action"] == "auth.logout"


async def test_user_and_token_changes_are_recorded(clean_db: Runtime, http: AsyncClient) -> None:
    admin = await sign_in(http, clean_db, "admin")
    created = await http.post(
        "/api/v1/users",
        json={"email": "new.analyst@tests.local", "role": "analyst", "password": "p" * 14},
        headers=admin,
    )
    user_id = created.json()["data"]["id"]
    await http.patch(f"/api/v1/users/{user_id}", json={"role": "viewer"}, headers=admin)
    token = await http.post("/api/v1/tokens", json={"name": "etl"}, headers=admin)
    await http.delete(f"/api/v1/tokens/{token.json()['data']['id']}", headers=admin)
    actions = [e["action"] for e in await _entries(clean_db) if e["action"] != "auth.login"]
    assert actions == ["user.create", "user.update", "token.create", "token.revoke"]
    entries = {e["action"]: e for e in await _entries(clean_db)}
    assert entries["user.update"]["params"]["role"] == {"from": "analyst", "to": "viewer"}
    assert "p" * 14 not in str(entries["user.create"])
    assert token.json()["data"]["token"] not in str(entries["token.create"])


async def test_record_is_part_of_the_callers_transaction(clean_db: Runtime) -> None:
    principal = Principal(id=uuid.uuid4(), email="someone@tests.local", role="analyst")
    with pytest.raises(RuntimeError):
        async with clean_db.engine.begin() as conn:
            await record(conn, principal, "export.transactions", params={"format": "csv"})
            raise RuntimeError("the export failed")
    assert await _entries(clean_db) == []
    async with clean_db.engine.begin() as conn:
        await record(
            conn,
            principal,
            "export.transactions",
            params={"format": "csv", "day": datetime(2026, 1, 15).date(), "password": "hunter2"},
        )
    (entry,) = await _entries(clean_db)
    assert entry["params"] == {"format": "csv", "day": "2026-01-15", "password": "[redacted]"}


async def test_get_audit_filters_and_pages(clean_db: Runtime, http: AsyncClient) -> None:
    alice = Principal(id=uuid.uuid4(), email="alice@tests.local", role="analyst")
    bob = Principal(id=uuid.uuid4(), email="bob@tests.local", role="admin")
    async with clean_db.engine.begin() as conn:
        for i in range(5):
            await record(conn, alice, "export.transactions", params={"i": i})
        await record(conn, bob, "sync.trigger", target="vima")
        await record(conn, alice, "reconciliation.run", target="2026-01-15")
        await conn.execute(
            text("UPDATE audit_log SET at = at - interval '3 days' WHERE action = 'sync.trigger'")
        )
    admin = await sign_in(http, clean_db, "admin")  # itself audited: auth.login

    page = await http.get(AUDIT, params={"actor": "ALICE@tests.local", "limit": 2}, headers=admin)
    assert page.status_code == 200
    body = page.json()
    assert body["meta"] == {"page": 1, "limit": 2, "total": 6, "total_pages": 3}
    assert [e["action"] for e in body["data"]] == ["reconciliation.run", "export.transactions"]
    entry = body["data"][0]
    assert set(entry) >= {"id", "created_at", "actor", "action", "target", "details", "outcome"}
    assert entry["created_at"].endswith("Z")

    by_id = await http.get(AUDIT, params={"actor": str(bob.id)}, headers=admin)
    assert [e["action"] for e in by_id.json()["data"]] == ["sync.trigger"]
    exact = await http.get(AUDIT, params={"action": "export.transactions"}, headers=admin)
    assert exact.json()["meta"]["total"] == 5
    prefix = await http.get(AUDIT, params={"action": "auth.*"}, headers=admin)
    assert [e["action"] for e in prefix.json()["data"]] == ["auth.login"]
    today = datetime.now(UTC).date()
    recent = await http.get(AUDIT, params={"from_date": str(today)}, headers=admin)
    assert "sync.trigger" not in {e["action"] for e in recent.json()["data"]}
    old_day = str(today - timedelta(days=3))
    old = await http.get(AUDIT, params={"from_date": old_day, "to_date": old_day}, headers=admin)
    assert [e["action"] for e in old.json()["data"]] == ["sync.trigger"]

    backwards = await http.get(
        AUDIT, params={"from_date": str(today), "to_date": old_day}, headers=admin
    )
    assert backwards.status_code == 400
    assert backwards.json()["error"]["code"] == "VALIDATION_ERROR"
    bad_date = await http.get(AUDIT, params={"from_date": "15-01-2026"}, headers=admin)
    assert bad_date.status_code == 400


async def test_only_admins_read_the_audit_trail(clean_db: Runtime, http: AsyncClient) -> None:
    analyst = await sign_in(http, clean_db, "analyst")
    assert (await http.get(AUDIT, headers=analyst)).status_code == 403


async def test_refused_sign_ins_are_one_entry_per_account_and_window(
    clean_db: Runtime, http: AsyncClient, runtime: Runtime
) -> None:
    """Finding 10: every refused sign-in, rate-limited ones too, was a row: anonymous
    callers grew the audit log at will."""
    limits = LoginLimits(
        # A day: entries are per epoch-aligned window, and the test must not straddle two.
        window_seconds=86400,
        max_failures_per_account_and_ip=3,
        max_failures_per_ip=6,
        max_failures_per_account=1000,
    )
    with runtime_with(runtime, login_limits=limits):
        for _ in range(10):  # 3 verified, 7 refused by the (account, address) limit
            await http.post(
                "/api/v1/auth/login", json={"email": "x@tests.local", "password": "nope-nope-1"}
            )
        for i in range(30):  # spraying: 3 more verified, then the address limit
            await http.post(
                "/api/v1/auth/login",
                json={"email": f"spray{i}@tests.local", "password": "nope-nope-1"},
            )
    entries = [e for e in await _entries(clean_db) if e["action"] == "auth.login"]
    by_target = {e["target"]: e["params"] for e in entries}
    assert by_target["x@tests.local"]["attempts"] == 10
    assert by_target["x@tests.local"]["reasons"] == {"bad_credentials": 3, "rate_limited": 7}
    # The sprayed e-mails the address could still try, then one entry for the address.
    assert {f"spray{i}@tests.local" for i in range(3)} <= set(by_target)
    assert by_target[None]["attempts"] == 27 and by_target[None]["reasons"] == {"rate_limited": 27}
    assert len(entries) == 1 + 3 + 1
