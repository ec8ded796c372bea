"""Passwords, tokens and session ids never reach the logs or a response body
(the one exception: a token's own creation response)."""

from __future__ import annotations

import json
import logging

import pytest
from httpx import AsyncClient

from psp_dashboard.logs import JsonFormatter
from psp_dashboard.runtime import Runtime
from tests.support.auth import TEST_PASSWORD, ensure_test_user, role_email, sign_in

WRONG_PASSWORD = "Wrong-but-close-password-7"
NEW_USER_PASSWORD = "New-user-password-4242"
RESET_PASSWORD = "Reset-password-31337"
LONG_PASSWORD = "L0ng" * 80


async def test_secrets_stay_out_of_logs_and_responses(
    clean_db: Runtime, http: AsyncClient, caplog: pytest.LogCaptureFixture, login_limits: None
) -> None:
    caplog.set_level(logging.DEBUG)
    bodies: list[str] = []
    await ensure_test_user(clean_db, "admin")

    login = await http.post(
        "/api/v1/auth/login", json={"email": role_email("admin"), "password": TEST_PASSWORD}
    )
    session_id = login.cookies["psp_session"]
    http.cookies.clear()
    bodies.append(login.text)
    admin = {
        "Cookie": f"psp_session={session_id}",
        "X-CSRF-Token": login.json()["data"]["csrf_token"],
    }
    failed = await http.post(
        "/api/v1/auth/login", json={"email": role_email("admin"), "password": WRONG_PASSWORD}
    )
    bodies.append(failed.text)

    created = await http.post("/api/v1/tokens", json={"name": "etl"}, headers=admin)
    token = created.json()["data"]["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    bodies.append((await http.get("/api/v1/auth/me", headers=bearer)).text)
    bodies.append((await http.get("/api/v1/tokens", headers=bearer)).text)

    user = await http.post(
        "/api/v1/users",
        json={"email": "someone@tests.local", "role": "viewer", "password": NEW_USER_PASSWORD},
        headers=admin,
    )
    bodies.append(user.text)
    reset = await http.patch(
        f"/api/v1/users/{user.json()['data']['id']}",
        json={"password": RESET_PASSWORD},
        headers=admin,
    )
    bodies.append(reset.text)
    too_long = await http.post(
        "/api/v1/users",
        json={"email": "other@tests.local", "role": "viewer", "password": LONG_PASSWORD},
        headers=admin,
    )
    assert too_long.status_code == 400
    bodies.append(too_long.text)
    bodies.append((await http.get("/api/v1/audit", headers=admin)).text)
    bodies.append((await http.get("/api/v1/users", headers=admin)).text)
    bodies.append((await http.get("/api/v1/auth/me", headers=admin)).text)

    secrets = {
        "password": TEST_PASSWORD,
        "wrong password": WRONG_PASSWORD,
        "new user's password": NEW_USER_PASSWORD,
        "reset password": RESET_PASSWORD,
        "long password": LONG_PASSWORD,
        "api token": token,
        "session id": session_id,
    }
    formatter = JsonFormatter()
    logged = "\n".join(
        formatter.format(r) + json.dumps(vars(r), default=str) for r in caplog.records
    )
    assert caplog.records, "nothing was logged: the capture is not working"
    for name, secret in secrets.items():
        assert secret not in logged, f"{name} in the logs"
        for body in bodies:
            assert secret not in body, f"{name} in a response: {body[:200]}"
    # The password hash is not for clients either.
    assert "argon2" not in "".join(bodies)


async def test_the_session_id_is_only_in_the_cookie(clean_db: Runtime, http: AsyncClient) -> None:
    headers = await sign_in(http, clean_db, "viewer")
    session_id = headers["Cookie"].split("=", 1)[1]
    me = await http.get("/api/v1/auth/me", headers=headers)
    assert session_id not in me.text
