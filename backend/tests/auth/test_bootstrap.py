"""First users: the ADMIN_EMAIL admin and the demo's one user per role."""

from __future__ import annotations

import dataclasses
import stat
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from httpx import AsyncClient
from pydantic import SecretStr
from sqlalchemy import text

from psp_dashboard.auth.bootstrap import (
    DEMO_SECRET_FILE,
    demo_banner,
    ensure_admin,
    ensure_demo_users,
)
from psp_dashboard.config import ConfigError
from psp_dashboard.runtime import Runtime
from psp_dashboard.startup import start_background


def _with_admin(runtime: Runtime, email: str | None, password: str | None) -> Runtime:
    settings = runtime.settings.model_copy(
        update={
            "admin_email": email,
            "admin_password": None if password is None else SecretStr(password),
        }
    )
    return dataclasses.replace(runtime, settings=settings)


async def _users(runtime: Runtime) -> list[tuple[str, str]]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(text("SELECT email, role FROM users ORDER BY email"))
        return [(r.email, r.role) for r in rows]


async def test_admin_is_created_once_from_settings(clean_db: Runtime, http: AsyncClient) -> None:
    runtime = _with_admin(clean_db, "Boss@Example.com", "bootstrap-password-1")
    assert await ensure_admin(runtime) == "boss@example.com"
    assert await ensure_admin(runtime) is None  # exists: left alone
    # A changed ADMIN_PASSWORD does not reset an existing admin.
    assert await ensure_admin(_with_admin(clean_db, "boss@example.com", "another-pass-22")) is None
    assert await _users(clean_db) == [("boss@example.com", "admin")]
    login = await http.post(
        "/api/v1/auth/login",
        json={"email": "boss@example.com", "password": "bootstrap-password-1"},
    )
    assert login.status_code == 200


async def test_no_admin_without_both_variables(clean_db: Runtime) -> None:
    assert await ensure_admin(_with_admin(clean_db, "boss@example.com", None)) is None
    assert await ensure_admin(_with_admin(clean_db, None, "bootstrap-password-1")) is None
    assert await _users(clean_db) == []


async def test_a_weak_admin_password_is_a_configuration_error(clean_db: Runtime) -> None:
    with pytest.raises(ConfigError, match="ADMIN_PASSWORD"):
        await ensure_admin(_with_admin(clean_db, "boss@example.com", "short"))


async def test_demo_users_are_stable_and_sign_in(
    clean_db: Runtime, http: AsyncClient, tmp_path: Path
) -> None:
    first = await ensure_demo_users(clean_db, secret_dir=tmp_path)
    assert [(email, role) for email, role, _ in first] == [
        ("admin@demo.local", "admin"),
        ("analyst@demo.local", "analyst"),
        ("viewer@demo.local", "viewer"),
    ]
    secret = tmp_path / DEMO_SECRET_FILE
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    # A restart gives the same passwords; another installation (secret) other ones.
    assert await ensure_demo_users(clean_db, secret_dir=tmp_path) == first
    other = await ensure_demo_users(clean_db, secret_dir=tmp_path / "other")
    assert {p for *_, p in other}.isdisjoint({p for *_, p in first})
    first = await ensure_demo_users(clean_db, secret_dir=tmp_path)
    for email, role, password in first:
        login = await http.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert login.status_code == 200, email
        assert login.json()["data"]["role"] == role


async def test_a_changed_demo_user_is_put_back(clean_db: Runtime, tmp_path: Path) -> None:
    await ensure_demo_users(clean_db, secret_dir=tmp_path)
    async with clean_db.engine.begin() as conn:
        await conn.execute(
            text("UPDATE users SET role = 'admin', is_active = false WHERE email = :e"),
            {"e": "viewer@demo.local"},
        )
    await ensure_demo_users(clean_db, secret_dir=tmp_path)
    assert ("viewer@demo.local", "viewer") in await _users(clean_db)


async def test_start_background_bootstraps_the_admin(clean_db: Runtime) -> None:
    runtime = _with_admin(clean_db, "ops@example.com", "bootstrap-password-1")
    lines = await start_background(runtime, AsyncExitStack(), demo=False)
    banner = "\n".join(lines)
    assert "ops@example.com" in banner and "bootstrap-password-1" not in banner
    assert ("ops@example.com", "admin") in await _users(clean_db)


async def test_demo_banner_lists_every_login(clean_db: Runtime, tmp_path: Path) -> None:
    logins = await ensure_demo_users(clean_db, secret_dir=tmp_path)
    banner = "\n".join(demo_banner(logins))
    for email, role, password in logins:
        assert email in banner and role in banner and password in banner
