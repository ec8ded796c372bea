"""API token lifecycle: create (shown once), use, expire, revoke; who sees which."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text

from psp_dashboard.main import create_app
from psp_dashboard.runtime import Runtime
from tests.support.auth import sign_in

ME = "/api/v1/auth/me"


async def test_token_lifecycle(clean_db: Runtime, http: AsyncClient) -> None:
    session = await sign_in(http, clean_db, "analyst")
    created = await http.post(
        "/api/v1/tokens", json={"name": "bi-tool", "scope": "analyst"}, headers=session
    )
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


# ---------------------------------------------------------------- finding 7


async def _token(http: AsyncClient, headers: dict[str, str], **body: object) -> dict[str, str]:
    created = await http.post("/api/v1/tokens", json={"name": "bi", **body}, headers=headers)
    assert created.status_code == 201, created.text
    return {"Authorization": f"Bearer {created.json()['data']['token']}"}


async def _user_id(http: AsyncClient, headers: dict[str, str]) -> str:
    return str((await http.get(ME, headers=headers)).json()["data"]["id"])


@pytest.mark.parametrize("change", [{"password": "A-brand-new-password-1"}, {"is_active": False}])
async def test_a_password_reset_or_a_disable_revokes_tokens_for_good(
    clean_db: Runtime, http: AsyncClient, change: dict[str, object]
) -> None:
    admin = await sign_in(http, clean_db, "admin")
    analyst = await sign_in(http, clean_db, "analyst")
    bearer = await _token(http, analyst, scope="analyst")
    analyst_id = await _user_id(http, bearer)
    changed = await http.patch(f"/api/v1/users/{analyst_id}", json=change, headers=admin)
    assert changed.status_code == 200
    assert (await http.get(ME, headers=bearer)).status_code == 401
    # Re-enabled (or not disabled at all): the token stays dead.
    await http.patch(f"/api/v1/users/{analyst_id}", json={"is_active": True}, headers=admin)
    assert (await http.get(ME, headers=bearer)).status_code == 401
    listed = (await http.get("/api/v1/tokens", headers=admin)).json()["data"]
    assert [t["status"] for t in listed] == ["revoked"]


async def test_every_token_expires_within_the_maximum(clean_db: Runtime, http: AsyncClient) -> None:
    viewer = await sign_in(http, clean_db, "viewer")
    created = await http.post("/api/v1/tokens", json={"name": "forever"}, headers=viewer)
    expires = datetime.fromisoformat(created.json()["data"]["expires_at"])
    assert timedelta(days=89) < expires - datetime.now(UTC) <= timedelta(days=90)
    too_late = (datetime.now(UTC) + timedelta(days=91)).isoformat()
    refused = await http.post(
        "/api/v1/tokens", json={"name": "long", "expires_at": too_late}, headers=viewer
    )
    assert refused.status_code == 400
    assert refused.json()["error"]["details"]["field"] == "expires_at"


async def test_the_maximum_lifetime_is_a_setting(clean_db: Runtime) -> None:
    short = dataclasses.replace(
        clean_db, settings=clean_db.settings.model_copy(update={"token_max_days": 7})
    )
    app = create_app(short.settings, runtime=short)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http:
        viewer = await sign_in(http, short, "viewer")
        created = await http.post("/api/v1/tokens", json={"name": "weekly"}, headers=viewer)
    expires = datetime.fromisoformat(created.json()["data"]["expires_at"])
    assert timedelta(days=6) < expires - datetime.now(UTC) <= timedelta(days=7)


async def test_a_token_acts_within_the_scope_chosen_at_creation(
    clean_db: Runtime, http: AsyncClient
) -> None:
    """An admin's "BI" token read /users and /audit: every token had its owner's rights."""
    admin = await sign_in(http, clean_db, "admin")
    bi = await _token(http, admin)  # the default scope: viewer
    assert (await http.get(ME, headers=bi)).json()["data"]["role"] == "viewer"
    for path in ("/api/v1/users", "/api/v1/audit"):
        assert (await http.get(path, headers=bi)).status_code == 403
    reader = await _token(http, admin, scope="read")
    assert (await http.get("/api/v1/users", headers=reader)).status_code == 200
    refused = await http.post(
        "/api/v1/users",
        json={"email": "new@tests.local", "role": "viewer", "password": "long-enough-pass"},
        headers=reader,
    )
    assert refused.status_code == 403 and refused.json()["error"]["details"] == {"scope": "read"}
    listed = {t["scope"] for t in (await http.get("/api/v1/tokens", headers=admin)).json()["data"]}
    assert listed == {"viewer", "read"}


async def test_a_scope_above_the_owner_or_the_issuer_is_refused(
    clean_db: Runtime, http: AsyncClient
) -> None:
    admin = await sign_in(http, clean_db, "admin")
    viewer = await sign_in(http, clean_db, "viewer")
    for headers, body in (
        (viewer, {"scope": "analyst"}),  # above the owner's role
        (admin, {"scope": "admin", "user_id": await _user_id(http, viewer)}),
        (await _token(http, admin, scope="viewer"), {"scope": "admin"}),  # above the issuer
    ):
        refused = await http.post("/api/v1/tokens", json={"name": "x", **body}, headers=headers)
        assert refused.status_code == 400, body
        assert refused.json()["error"]["details"]["field"] == "scope"
    # The owner's role lowered later lowers what the token does.
    analyst = await sign_in(http, clean_db, "analyst")
    bearer = await _token(http, analyst, scope="analyst")
    await http.patch(
        f"/api/v1/users/{await _user_id(http, analyst)}", json={"role": "viewer"}, headers=admin
    )
    assert (await http.get(ME, headers=bearer)).json()["data"]["role"] == "viewer"
