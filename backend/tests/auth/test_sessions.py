"""Sign-in, sessions, CSRF, and failing closed without Redis."""

from __future__ import annotations

import dataclasses
from typing import Any

from httpx import ASGITransport, AsyncClient
from sqlalchemy import text

from psp_dashboard.auth.sessions import CSRF_HEADER, SESSION_COOKIE
from psp_dashboard.cache import Cache, make_redis
from psp_dashboard.main import create_app
from psp_dashboard.runtime import Runtime
from tests.support.auth import TEST_PASSWORD, api_token, ensure_test_user, role_email, sign_in

ME = "/api/v1/auth/me"


async def test_login_sets_an_httponly_lax_cookie_and_returns_the_csrf_token(
    clean_db: Runtime, http: AsyncClient
) -> None:
    await ensure_test_user(clean_db, "analyst")
    response = await http.post(
        "/api/v1/auth/login", json={"email": "ANALYST@tests.local ", "password": TEST_PASSWORD}
    )
    assert response.status_code == 200
    data = response.json()["data"]
    assert data["email"] == role_email("analyst")
    assert data["role"] == "analyst"
    assert len(data["csrf_token"]) >= 32
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    lowered = cookie.lower()
    assert "httponly" in lowered
    assert "samesite=lax" in lowered
    assert "path=/" in lowered
    assert f"max-age={clean_db.settings.session_ttl_minutes * 60}" in lowered
    # The session lives in Redis with the configured TTL, under the id's hash only.
    session_id = response.cookies[SESSION_COOKIE]
    keys = [
        k
        async for k in clean_db.cache.redis.scan_iter(
            match=f"{clean_db.cache.prefix}auth:session:*"
        )
    ]
    assert len(keys) == 1
    assert session_id.encode() not in keys[0]
    ttl = await clean_db.cache.redis.ttl(keys[0])
    assert 0 < ttl <= clean_db.settings.session_ttl_minutes * 60


async def test_me_with_the_session_then_logout_ends_it(
    clean_db: Runtime, http: AsyncClient
) -> None:
    headers = await sign_in(http, clean_db, "viewer")
    me = await http.get(ME, headers=headers)
    assert me.status_code == 200
    assert me.json()["data"]["csrf_token"] == headers[CSRF_HEADER]
    out = await http.post("/api/v1/auth/logout", headers=headers)
    assert out.status_code == 200
    assert f"{SESSION_COOKIE}=" in out.headers["set-cookie"]
    again = await http.get(ME, headers=headers)
    assert again.status_code == 401
    assert again.json()["error"]["code"] == "UNAUTHENTICATED"


async def test_wrong_password_and_unknown_email_get_the_same_401(
    clean_db: Runtime, http: AsyncClient, login_limits: None
) -> None:
    await ensure_test_user(clean_db, "viewer")
    wrong = await http.post(
        "/api/v1/auth/login", json={"email": role_email("viewer"), "password": "nope-nope-nope"}
    )
    unknown = await http.post(
        "/api/v1/auth/login", json={"email": "ghost@tests.local", "password": TEST_PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "UNAUTHENTICATED"
    assert "set-cookie" not in wrong.headers


async def test_state_changing_call_with_cookie_needs_the_csrf_token(
    clean_db: Runtime, http: AsyncClient
) -> None:
    headers = await sign_in(http, clean_db, "viewer")
    cookie_only = {"Cookie": headers["Cookie"]}
    body = {"name": "ci"}
    missing = await http.post("/api/v1/tokens", json=body, headers=cookie_only)
    assert missing.status_code == 403
    assert missing.json()["error"]["code"] == "FORBIDDEN"
    wrong = await http.post(
        "/api/v1/tokens", json=body, headers={**cookie_only, CSRF_HEADER: "x" * 43}
    )
    assert wrong.status_code == 403
    ok = await http.post("/api/v1/tokens", json=body, headers=headers)
    assert ok.status_code == 201
    # Reads need no token; Bearer calls need none either (a browser never sends one).
    assert (await http.get("/api/v1/tokens", headers=cookie_only)).status_code == 200
    bearer = {"Authorization": f"Bearer {ok.json()['data']['token']}"}
    assert (await http.post("/api/v1/tokens", json=body, headers=bearer)).status_code == 201


async def test_a_disabled_user_is_out_at_once(clean_db: Runtime, http: AsyncClient) -> None:
    admin = await sign_in(http, clean_db, "admin")
    viewer = await sign_in(http, clean_db, "viewer")
    token = await api_token(clean_db, "viewer")
    viewer_id = (await http.get(ME, headers=viewer)).json()["data"]["id"]
    patched = await http.patch(
        f"/api/v1/users/{viewer_id}", json={"is_active": False}, headers=admin
    )
    assert patched.status_code == 200
    assert (await http.get(ME, headers=viewer)).status_code == 401
    assert (await http.get(ME, headers=token)).status_code == 401
    login = await http.post(
        "/api/v1/auth/login", json={"email": role_email("viewer"), "password": TEST_PASSWORD}
    )
    assert login.status_code == 401


async def test_a_password_reset_ends_every_session(clean_db: Runtime, http: AsyncClient) -> None:
    admin = await sign_in(http, clean_db, "admin")
    first = await sign_in(http, clean_db, "analyst")
    second = await sign_in(http, clean_db, "analyst")
    user_id = (await http.get(ME, headers=first)).json()["data"]["id"]
    reset = await http.patch(
        f"/api/v1/users/{user_id}", json={"password": "a-brand-new-password-1"}, headers=admin
    )
    assert reset.status_code == 200
    assert (await http.get(ME, headers=first)).status_code == 401
    assert (await http.get(ME, headers=second)).status_code == 401
    login = await http.post(
        "/api/v1/auth/login",
        json={"email": role_email("analyst"), "password": "a-brand-new-password-1"},
    )
    assert login.status_code == 200


async def test_a_role_change_applies_to_live_sessions(clean_db: Runtime, http: AsyncClient) -> None:
    admin = await sign_in(http, clean_db, "admin")
    viewer = await sign_in(http, clean_db, "viewer")
    assert (await http.get("/api/v1/users", headers=viewer)).status_code == 403
    user_id = (await http.get(ME, headers=viewer)).json()["data"]["id"]
    await http.patch(f"/api/v1/users/{user_id}", json={"role": "admin"}, headers=admin)
    assert (await http.get("/api/v1/users", headers=viewer)).status_code == 200


async def test_a_forged_or_garbage_cookie_is_401(clean_db: Runtime, http: AsyncClient) -> None:
    for value in ("forged", "x" * 500, ""):
        reply = await http.get(ME, headers={"Cookie": f"{SESSION_COOKIE}={value}"})
        assert reply.status_code == 401
    assert (await http.get(ME, headers={"Authorization": "Basic dTpw"})).status_code == 401


async def test_without_redis_sign_in_fails_closed(clean_db: Runtime, http: AsyncClient) -> None:
    session = await sign_in(http, clean_db, "admin")
    token = await api_token(clean_db, "admin")
    dead = Cache(make_redis("redis://127.0.0.1:1/0"), prefix=clean_db.cache.prefix)
    broken = dataclasses.replace(clean_db, cache=dead)
    app = create_app(broken.settings, runtime=broken)
    try:
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as down:
            login = await down.post(
                "/api/v1/auth/login", json={"email": role_email("admin"), "password": TEST_PASSWORD}
            )
            assert login.status_code == 503
            assert login.json()["error"]["code"] == "SERVICE_UNAVAILABLE"
            assert "set-cookie" not in login.headers
            me: Any = await down.get(ME, headers=session)
            assert me.status_code == 503
            # API tokens live in PostgreSQL: they keep working.
            assert (await down.get(ME, headers=token)).status_code == 200
    finally:
        await dead.redis.aclose()


# ---------------------------------------------------------------- finding 8


async def _cookie_flags(
    runtime: Runtime,
    *,
    base_url: str = "http://test",
    peer: str = "127.0.0.1",
    headers: dict[str, str] | None = None,
    **settings: Any,
) -> tuple[bool, str | None]:
    """(whether the session cookie is Secure, the address the sign-in was audited from)."""
    changed = dataclasses.replace(runtime, settings=runtime.settings.model_copy(update=settings))
    app = create_app(changed.settings, runtime=changed)
    await ensure_test_user(runtime, "viewer")
    transport = ASGITransport(app=app, client=(peer, 50000))
    async with AsyncClient(transport=transport, base_url=base_url) as http:
        response = await http.post(
            "/api/v1/auth/login",
            json={"email": role_email("viewer"), "password": TEST_PASSWORD},
            headers=headers or {},
        )
    assert response.status_code == 200, response.text
    async with runtime.engine.connect() as conn:
        ip = (
            await conn.execute(
                text(
                    "SELECT ip FROM audit_log WHERE action = 'auth.login' "
                    "AND outcome = 'success' ORDER BY id DESC LIMIT 1"
                )
            )
        ).scalar_one()
    return "secure" in response.headers["set-cookie"].lower().split("; "), ip


async def test_the_cookie_is_secure_when_the_request_came_over_https(clean_db: Runtime) -> None:
    assert clean_db.settings.cookie_secure == "auto"
    assert await _cookie_flags(clean_db) == (False, "127.0.0.1")
    assert (await _cookie_flags(clean_db, base_url="https://test"))[0] is True
    assert (await _cookie_flags(clean_db, cookie_secure=True))[0] is True
    assert (await _cookie_flags(clean_db, base_url="https://test", cookie_secure=False))[0] is False


async def test_forwarded_headers_count_only_from_a_trusted_proxy(clean_db: Runtime) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.23"}
    trusted = await _cookie_flags(
        clean_db, peer="10.1.2.3", headers=forwarded, trusted_proxies=["10.0.0.0/8"]
    )
    assert trusted == (True, "198.51.100.23")
    # The same headers from anyone else: ignored (plain HTTP, the peer's own address).
    spoofed = await _cookie_flags(
        clean_db, peer="203.0.113.9", headers=forwarded, trusted_proxies=["10.0.0.0/8"]
    )
    assert spoofed == (False, "203.0.113.9")
    # And with no proxy configured, from anywhere (uvicorn trusted 127.0.0.1 by default).
    assert await _cookie_flags(clean_db, headers=forwarded) == (False, "127.0.0.1")
