"""API token lifecycle: create (shown once), use, expire, revoke; who sees which."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from httpx import AsyncClient
from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from tests.support.auth import sign_in

ME = "/api/v1/auth/me"


async def test_token_lifecycle(clean_db: Runtime, http: AsyncClient) -> None:
    session = await sign_in(http, clean_db, "analyst")
    created = await http.post("/api/v1/tokens", json={"name": "bi-tool"}, headers=session)
    assert created.status_code == 201
    data = created.json()["data"]
    token = data["token"]
    assert token.startswith("psp_") and len(token) >= 40
    assert data["prefix"] == token[:12]
    assert data["status"] == "active"
    assert created.headers["cache-control"] == "no-store"
    # Stored as its SHA-256 only.
    async with clean_db.engine.connect() as conn:
        stored = (await conn.execute(text("SELECT token_hash FROM api_tokens"))).scalar_one()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    # Shown once: the list has the prefix, never the token.
    listed = await http.get("/api/v1/tokens", headers=session)
    assert token not in listed.text
    assert [t["prefix"] for t in listed.json()["data"]] == [token[:12]]
    # Used as Bearer: acts as its owner, with no CSRF token.
    bearer = {"Authorization": f"Bearer {token}"}
    me = await http.get(ME, headers=bearer)
    assert me.status_code == 200
    assert me.json()["data"]["role"] == "analyst"
    assert me.json()["data"]["csrf_token"] is None
    async with clean_db.engine.connect() as conn:
        used = await conn.execute(text("SELECT last_used_at FROM api_tokens"))
        assert used.scalar_one() is not None
    # Revoked: 401 from then on, and listed as revoked.
    revoked = await http.delete(f"/api/v1/tokens/{data['id']}", headers=session)
    assert revoked.status_code == 200
    assert revoked.json()["data"]["status"] == "revoked"
    denied = await http.get(ME, headers=bearer)
    assert denied.status_code == 401
    assert denied.json()["error"]["code"] == "UNAUTHENTICATED"


async def test_an_expired_token_is_401(clean_db: Runtime, http: AsyncClient) -> None:
    session = await sign_in(http, clean_db, "viewer")
    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    created = await http.post(
        "/api/v1/tokens", json={"name": "short", "expires_at": soon}, headers=session
    )
    assert created.status_code == 201
    bearer = {"Authorization": f"Bearer {created.json()['data']['token']}"}
    assert (await http.get(ME, headers=bearer)).status_code == 200
    async with clean_db.engine.begin() as conn:
        await conn.execute(text("UPDATE api_tokens SET expires_at = now() - interval '1 second'"))
    assert (await http.get(ME, headers=bearer)).status_code == 401
    listed = await http.get("/api/v1/tokens", headers=session)
    assert listed.json()["data"][0]["status"] == "expired"


async def test_expiry_in_the_past_is_rejected(clean_db: Runtime, http: AsyncClient) -> None:
    session = await sign_in(http, clean_db, "viewer")
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    reply = await http.post(
        "/api/v1/tokens", json={"name": "x", "expires_at": past}, headers=session
    )
    assert reply.status_code == 400
    assert reply.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_only_an_admin_manages_other_users_tokens(
    clean_db: Runtime, http: AsyncClient
) -> None:
    admin = await sign_in(http, clean_db, "admin")
    viewer = await sign_in(http, clean_db, "viewer")
    analyst = await sign_in(http, clean_db, "analyst")
    viewer_id = (await http.get(ME, headers=viewer)).json()["data"]["id"]
    analyst_id = (await http.get(ME, headers=analyst)).json()["data"]["id"]
    # A viewer cannot issue a token for someone else; an admin can.
    refused = await http.post(
        "/api/v1/tokens", json={"name": "x", "user_id": analyst_id}, headers=viewer
    )
    assert refused.status_code == 403
    issued = await http.post(
        "/api/v1/tokens", json={"name": "for-viewer", "user_id": viewer_id}, headers=admin
    )
    assert issued.status_code == 201
    token_id = issued.json()["data"]["id"]
    own = await http.post("/api/v1/tokens", json={"name": "analyst-own"}, headers=analyst)
    # Each sees their own; the admin sees all.
    assert [
        t["name"] for t in (await http.get("/api/v1/tokens", headers=viewer)).json()["data"]
    ] == ["for-viewer"]
    everyone = (await http.get("/api/v1/tokens", headers=admin)).json()["data"]
    assert {t["name"] for t in everyone} == {"for-viewer", "analyst-own"}
    # Someone else's token is "not found" for a non-admin; an admin may revoke it.
    other = own.json()["data"]["id"]
    assert (await http.delete(f"/api/v1/tokens/{other}", headers=viewer)).status_code == 404
    assert (await http.delete(f"/api/v1/tokens/{token_id}", headers=admin)).status_code == 200
