"""First users: the configured admin, and one user per role for the demo.

ADMIN_EMAIL / ADMIN_PASSWORD create an admin at start-up when that e-mail has no user
yet (an existing user is left alone: the variables are a bootstrap, not a reset).

Demo users (`admin@demo.local`, `analyst@demo.local`, `viewer@demo.local`) get passwords
derived from a random secret kept in DATA_DIR (mode 0600), so they stay the same across
restarts and differ between installations. They are returned for the start-up banner
and never logged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path

from sqlalchemy.exc import IntegrityError

from psp_dashboard.audit.service import record
from psp_dashboard.auth.passwords import hash_password_async, verify_password_async
from psp_dashboard.auth.principal import ROLES, SYSTEM
from psp_dashboard.config import ConfigError
from psp_dashboard.errors import ValidationFailed
from psp_dashboard.runtime import Runtime
from psp_dashboard.users import repository, service

log = logging.getLogger(__name__)

DEMO_DOMAIN = "demo.local"
DEMO_SECRET_FILE = "demo-users.secret"  # noqa: S105 (a file name)


async def ensure_admin(runtime: Runtime) -> str | None:
    """Create the ADMIN_EMAIL admin if missing; returns its e-mail when created."""
    settings = runtime.settings
    if not settings.admin_email or settings.admin_password is None:
        return None
    try:
        async with runtime.engine.begin() as conn:
            if await repository.get_by_email(conn, settings.admin_email) is not None:
                return None
            user = await service.create_user(
                conn,
                SYSTEM,
                settings.admin_email,
                "admin",
                settings.admin_password.get_secret_value(),
            )
    except ValidationFailed as exc:
        field = str(exc.details.get("field", "admin")).upper()
        raise ConfigError(f"configuration error: ADMIN_{field}: {exc.message}") from None
    except IntegrityError:
        return None  # another process created it a moment ago
    log.info("admin user created", extra={"user_id": str(user.id)})
    return user.email


def demo_secret(directory: Path) -> bytes:
    """The installation's demo secret, created once (0600) under `directory`."""
    path = directory / DEMO_SECRET_FILE
    directory.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        return path.read_text().strip().encode()
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()


def demo_password(secret: bytes, email: str) -> str:
    digest = hmac.new(secret, email.encode(), hashlib.sha256).digest()
    text = base64.b32encode(digest).decode().lower()[:16]
    return "-".join(text[i : i + 4] for i in range(0, 16, 4))


async def ensure_demo_users(
    runtime: Runtime, *, secret_dir: Path | None = None
) -> list[tuple[str, str, str]]:
    """One active user per role with its stable password: [(email, role, password)].

    A demo user whose password, role or status was changed is put back, so that what
    the banner prints always signs in.
    """
    secret = demo_secret(secret_dir or runtime.settings.data_dir)
    logins: list[tuple[str, str, str]] = []
    for role in reversed(ROLES):  # admin, analyst, viewer
        email = f"{role}@{DEMO_DOMAIN}"
        password = demo_password(secret, email)
        async with runtime.engine.begin() as conn:
            user = await repository.get_by_email(conn, email)
            if user is None:
                try:
                    async with conn.begin_nested():
                        await service.create_user(conn, SYSTEM, email, role, password)
                except IntegrityError:
                    pass  # created concurrently by another process
            elif (
                user.role != role
                or not user.is_active
                or not await verify_password_async(user.password_hash, password)
            ):
                await repository.update_user(
                    conn,
                    user.id,
                    {
                        "role": role,
                        "is_active": True,
                        "password_hash": await hash_password_async(password),
                    },
                )
                await record(conn, SYSTEM, "user.update", target=email, params={"demo_reset": True})
        logins.append((email, role, password))
    return logins


def demo_banner(logins: list[tuple[str, str, str]]) -> list[str]:
    lines = ["Demo sign-ins (email / password):"]
    lines += [f"  {role:<8} {email:<22} {password}" for email, role, password in logins]
    return lines
