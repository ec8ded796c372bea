"""First users: the ADMIN_EMAIL admin and the demo's one user per role."""

from __future__ import annotations

import dataclasses
import io
import logging
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
    demo_mode,
    ensure_admin,
    ensure_demo_users,
    hand_out_demo_logins,
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
            text("UPDATE users SET role = 'admin' WHERE email = :e"), {"e": "viewer@demo.local"}
        )
    await ensure_demo_users(clean_db, secret_dir=tmp_path)
    assert ("viewer@demo.local", "viewer") in await _users(clean_db)


async def test_a_demo_user_an_admin_disabled_stays_disabled(
    clean_db: Runtime, tmp_path: Path
) -> None:
    """Finding 1: a restart re-enabled a disabled demo admin (`demo_reset`)."""
    await ensure_demo_users(clean_db, secret_dir=tmp_path)
    async with clean_db.engine.begin() as conn:
        await conn.execute(
            text("UPDATE users SET is_active = false WHERE email = 'admin@demo.local'")
        )
    logins = await ensure_demo_users(clean_db, secret_dir=tmp_path)
    assert [email for email, _, _ in logins] == ["analyst@demo.local", "viewer@demo.local"]
    async with clean_db.engine.connect() as conn:
        active = (
            await conn.execute(text("SELECT is_active FROM users WHERE email = 'admin@demo.local'"))
        ).scalar_one()
        resets = (
            await conn.execute(text("SELECT count(*) FROM audit_log WHERE params ? 'demo_reset'"))
        ).scalar_one()
    assert active is False
    assert resets == 0


def _settings(runtime: Runtime, **update: object) -> Runtime:
    return dataclasses.replace(runtime, settings=runtime.settings.model_copy(update=update))


def test_demo_mode_is_the_embedded_database_without_real_providers(runtime: Runtime) -> None:
    embedded = _settings(runtime, database_url=None, vima_base_url=None, payshack_base_url=None,
                         payshack_api_url=None, demo=None)  # fmt: skip
    assert demo_mode(embedded.settings) is True
    configured_db = _settings(embedded, database_url=SecretStr("postgresql://db/psp"))
    assert demo_mode(configured_db.settings) is False
    real_vima = _settings(embedded, vima_base_url="https://vima.example")
    assert demo_mode(real_vima.settings) is False
    assert demo_mode(_settings(configured_db, demo=True).settings) is True
    assert demo_mode(_settings(embedded, demo=False).settings) is False


async def test_a_configured_database_gets_no_demo_users_and_loses_old_ones(
    clean_db: Runtime, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Finding 1: `psp run` against DATABASE_URL created or restored the demo users."""
    await ensure_demo_users(clean_db, secret_dir=tmp_path)  # left by an earlier demo
    await ensure_admin(_with_admin(clean_db, "ops@example.com", "bootstrap-password-1"))
    viewer_token = await api_token_for(clean_db, "viewer@demo.local")
    real = _settings(clean_db, database_url=SecretStr("postgresql://db/psp"), demo=None)
    lines = await start_background(real, AsyncExitStack(), demo=False)
    assert sorted(await _active(clean_db)) == ["ops@example.com"]
    assert any("viewer@demo.local" in line for line in lines)
    async with clean_db.engine.connect() as conn:
        revoked = (
            await conn.execute(
                text("SELECT revoked_at IS NOT NULL FROM api_tokens WHERE name = :n"),
                {"n": viewer_token},
            )
        ).scalar_one()
    assert revoked is True


async def test_the_only_admin_is_not_disabled_even_if_it_is_the_demo_one(
    clean_db: Runtime, tmp_path: Path
) -> None:
    await ensure_demo_users(clean_db, secret_dir=tmp_path)
    real = _settings(clean_db, database_url=SecretStr("postgresql://db/psp"), demo=None)
    await start_background(real, AsyncExitStack(), demo=False)
    assert await _active(clean_db) == ["admin@demo.local"]


async def test_demo_passwords_go_to_a_private_file_and_the_terminal_not_the_logs(
    clean_db: Runtime,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    logins = await ensure_demo_users(clean_db, secret_dir=tmp_path)
    terminal = _Terminal()
    path = hand_out_demo_logins(logins, tmp_path, terminal)
    banner = "\n".join(demo_banner(logins, path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = path.read_text()
    stderr = capsys.readouterr().err
    logged = "\n".join(r.getMessage() + str(vars(r)) for r in caplog.records)
    for email, role, password in logins:
        assert email in written and role in written and password in written
        assert password in terminal.getvalue()
        assert email in banner
        assert password not in banner and password not in stderr and password not in logged
    # Not a terminal (a service's redirected output): the file only.
    piped = io.StringIO()
    hand_out_demo_logins(logins, tmp_path, piped)
    assert piped.getvalue() == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


async def _active(runtime: Runtime) -> list[str]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(text("SELECT email FROM users WHERE is_active ORDER BY email"))
        return [r.email for r in rows]


async def api_token_for(runtime: Runtime, email: str) -> str:
    """A token of the user, inserted directly; returns its name."""
    async with runtime.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO api_tokens (user_id, name, token_hash, prefix, expires_at, scope) "
                "SELECT id, 'demo-etl', md5(random()::text), 'psp_x', now() + interval '1 day', "
                "'viewer' FROM users WHERE email = :e"
            ),
            {"e": email},
        )
    return "demo-etl"


async def test_start_background_bootstraps_the_admin(clean_db: Runtime) -> None:
    runtime = _with_admin(clean_db, "ops@example.com", "bootstrap-password-1")
    lines = await start_background(runtime, AsyncExitStack(), demo=False)
    banner = "\n".join(lines)
    assert "ops@example.com" in banner and "bootstrap-password-1" not in banner
    assert ("ops@example.com", "admin") in await _users(clean_db)
