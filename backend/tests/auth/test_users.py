"""User management: the admin endpoints and the `psp users` CLI."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from httpx import AsyncClient, Response

from psp_dashboard.auth.cli import _users
from psp_dashboard.cli import build_parser
from psp_dashboard.config import load_settings
from psp_dashboard.runtime import Runtime
from tests.support.auth import sign_in

USERS = "/api/v1/users"
BACKEND = Path(__file__).resolve().parents[2]


async def test_admin_creates_lists_and_updates_users(clean_db: Runtime, http: AsyncClient) -> None:
    admin = await sign_in(http, clean_db, "admin")
    created = await http.post(
        USERS,
        json={"email": " Priya.Ops@Tests.Local", "role": "analyst", "password": "s3cure-enough-pw"},
        headers=admin,
    )
    assert created.status_code == 201
    user = created.json()["data"]
    assert user["email"] == "priya.ops@tests.local"
    assert user["role"] == "analyst" and user["is_active"] is True
    assert "password" not in str(user) and "hash" not in str(user)
    listed = await http.get(USERS, headers=admin)
    assert {u["email"] for u in listed.json()["data"]} == {"admin@tests.local", user["email"]}
    patched = await http.patch(
        f"{USERS}/{user['id']}", json={"role": "viewer", "is_active": False}, headers=admin
    )
    assert patched.status_code == 200
    assert (patched.json()["data"]["role"], patched.json()["data"]["is_active"]) == (
        "viewer",
        False,
    )


async def test_user_input_is_checked(clean_db: Runtime, http: AsyncClient) -> None:
    admin = await sign_in(http, clean_db, "admin")
    body = {"email": "dup@tests.local", "role": "viewer", "password": "long-enough-pass"}
    assert (await http.post(USERS, json=body, headers=admin)).status_code == 201
    duplicate = await http.post(USERS, json={**body, "email": "DUP@tests.local"}, headers=admin)
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "CONFLICT"
    short = await http.post(
        USERS, json={**body, "email": "short@tests.local", "password": "short"}, headers=admin
    )
    assert short.status_code == 400
    assert short.json()["error"]["details"]["field"] == "password"
    for bad in ({**body, "email": "not-an-email"}, {**body, "role": "owner"}):
        reply = await http.post(USERS, json=bad, headers=admin)
        assert reply.status_code == 400, bad
    missing = await http.patch(
        f"{USERS}/00000000-0000-0000-0000-000000000001", json={"role": "viewer"}, headers=admin
    )
    assert missing.status_code == 404


async def test_the_last_active_admin_stays(clean_db: Runtime, http: AsyncClient) -> None:
    admin = await sign_in(http, clean_db, "admin")
    me = (await http.get("/api/v1/auth/me", headers=admin)).json()["data"]
    for change in ({"role": "viewer"}, {"is_active": False}):
        reply = await http.patch(f"{USERS}/{me['id']}", json=change, headers=admin)
        assert reply.status_code == 409, change
    second = await http.post(
        USERS,
        json={"email": "second.admin@tests.local", "role": "admin", "password": "long-enough-pass"},
        headers=admin,
    )
    assert second.status_code == 201
    demoted = await http.patch(f"{USERS}/{me['id']}", json={"role": "analyst"}, headers=admin)
    assert demoted.status_code == 200


def _psp(runtime: Runtime, database_url: str, *args: str, password: str | None = None) -> str:
    """`python -m psp_dashboard.cli users …` in a process of its own: the real entry point."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": runtime.redis_url,
        "REDIS_KEY_PREFIX": runtime.settings.redis_key_prefix,
    }
    env.pop("PSP_USER_PASSWORD", None)
    if password is not None:
        env["PSP_USER_PASSWORD"] = password
    done = subprocess.run(
        [sys.executable, "-m", "psp_dashboard.cli", "users", *args],
        cwd=BACKEND,
        env=env,
        input="",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    if password is not None:
        assert password not in done.stdout + done.stderr
    return done.stdout


def _users_in_process(runtime: Runtime, database_url: str, *args: str) -> int:
    """The same sub-command in this process (a new process per step costs seconds)."""
    parser = build_parser()
    parsed = parser.parse_args(["users", *args])
    settings = load_settings(
        database_url=database_url,
        redis_url=runtime.redis_url,
        redis_key_prefix=runtime.settings.redis_key_prefix,
        _env_file=None,
    )
    return _users(parsed, settings)


async def test_cli_manages_users(
    clean_db: Runtime,
    http: AsyncClient,
    database_url: str,
    login_limits: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async def login(email: str, password: str) -> Response:
        return await http.post("/api/v1/auth/login", json={"email": email, "password": password})

    def cli(*args: str) -> int:
        return _users_in_process(clean_db, database_url, *args)

    email = "cli.user@tests.local"
    out = await asyncio.to_thread(
        _psp,
        clean_db,
        database_url,
        "create",
        email,
        "--role",
        "analyst",
        password="from-env-pw-123",
    )
    assert '"role": "analyst"' in out
    assert (await login(email, "from-env-pw-123")).status_code == 200
    assert await asyncio.to_thread(cli, "set-role", email, "viewer") == 0
    monkeypatch.setenv("PSP_USER_PASSWORD", "second-pw-4567")
    assert await asyncio.to_thread(cli, "reset-password", email) == 0
    assert (await login(email, "from-env-pw-123")).status_code == 401
    again = await login(email, "second-pw-4567")
    assert again.status_code == 200
    assert again.json()["data"]["role"] == "viewer"
    assert await asyncio.to_thread(cli, "disable", email) == 0
    assert (await login(email, "second-pw-4567")).status_code == 401
    capsys.readouterr()
    assert await asyncio.to_thread(cli, "list") == 0
    assert '"is_active": false' in capsys.readouterr().out
    # Errors are one line, exit status 1.
    assert await asyncio.to_thread(cli, "disable", "nobody@tests.local") == 1
    assert "No such user" in capsys.readouterr().err
    assert "second-pw-4567" not in capsys.readouterr().out
