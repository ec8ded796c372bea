"""Sign a test client in as a role.

`sign_in(client, runtime, role)` makes sure a user `<role>@tests.local` exists with that
role (one upsert, no hashing after the first call), signs in through
POST /api/v1/auth/login, and returns the headers every later request must send: the
session cookie and the CSRF token. The cookie is taken out of the client's cookie jar,
so one client can act as several roles (and as nobody) by the headers it passes.

`api_token(runtime, role)` gives a Bearer header instead, for tests that want one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy import text

from psp_dashboard.auth.passwords import hash_password
from psp_dashboard.auth.sessions import CSRF_HEADER, SESSION_COOKIE
from psp_dashboard.auth.tokens import PREFIX_LENGTH, new_token, token_digest
from psp_dashboard.runtime import Runtime

TEST_PASSWORD = "correct-horse-battery-staple-42"
_hash: dict[str, str] = {}


def role_email(role: str) -> str:
    return f"{role}@tests.local"


async def ensure_test_user(runtime: Runtime, role: str, password: str = TEST_PASSWORD) -> Any:
    """Create (or put back) the role's test user; returns its id."""
    if password not in _hash:
        _hash[password] = hash_password(password)
    async with runtime.engine.begin() as conn:
        result = await conn.execute(
            text(
                "INSERT INTO users (email, password_hash, role) VALUES (:e, :h, :r) "
                "ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash, "
                "role = EXCLUDED.role, is_active = true RETURNING id"
            ),
            {"e": role_email(role), "h": _hash[password], "r": role},
        )
        return result.scalar_one()


async def sign_in(client: AsyncClient, runtime: Runtime, role: str = "admin") -> dict[str, str]:
    await ensure_test_user(runtime, role)
    response = await client.post(
        "/api/v1/auth/login", json={"email": role_email(role), "password": TEST_PASSWORD}
    )
    assert response.status_code == 200, response.text
    session_id = response.cookies[SESSION_COOKIE]
    client.cookies.delete(SESSION_COOKIE)
    return {
        "Cookie": f"{SESSION_COOKIE}={session_id}",
        CSRF_HEADER: response.json()["data"]["csrf_token"],
    }


async def api_token(
    runtime: Runtime,
    role: str = "admin",
    *,
    expires_at: datetime | None = None,
    scope: str | None = None,
) -> dict[str, str]:
    """An `Authorization: Bearer` header for the role's test user (inserted directly),
    scoped to that role unless `scope` says otherwise; it lives a day by default."""
    user_id = await ensure_test_user(runtime, role)
    token = new_token()
    async with runtime.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO api_tokens (user_id, name, token_hash, prefix, expires_at, scope) "
                "VALUES (:u, 'test', :h, :p, :x, :s)"
            ),
            {
                "u": user_id,
                "h": token_digest(token),
                "p": token[:PREFIX_LENGTH],
                "x": expires_at or datetime.now(UTC) + timedelta(days=1),
                "s": scope or role,
            },
        )
    return {"Authorization": f"Bearer {token}"}
