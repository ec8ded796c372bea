"""First users: the configured admin, and one user per role for the demo.

ADMIN_EMAIL / ADMIN_PASSWORD create an admin at start-up when that e-mail has no user
yet (an existing user is left alone: the variables are a bootstrap, not a reset).

Demo users (`admin@demo.local`, `analyst@demo.local`, `viewer@demo.local`) exist only in
demo mode (`demo_mode`): DEMO=true, or, with DEMO unset, the embedded database and no
real provider configured. Outside it, start-up disables any that an earlier demo left
(their passwords were printed and are not secrets). Their passwords are derived from a
random secret kept in DATA_DIR (mode 0600), so they stay the same across restarts and
differ between installations; they go to DATA_DIR/demo-logins.txt (0600) and to the
terminal, never to the log stream. A demo user an admin disabled stays disabled.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
import sys
from pathlib import Path
from typing import TextIO

from sqlalchemy.exc import IntegrityError

from psp_dashboard.audit.service import record
from psp_dashboard.auth.passwords import hash_password_async, verify_password_async
from psp_dashboard.auth.principal import ROLES, SYSTEM
from psp_dashboard.auth.service import session_store
from psp_dashboard.config import ConfigError, Settings
from psp_dashboard.errors import Conflict, ValidationFailed
from psp_dashboard.runtime import Runtime
from psp_dashboard.users import repository, service

log = logging.getLogger(__name__)

DEMO_DOMAIN = "demo.local"
DEMO_SECRET_FILE = "demo-users.secret"  # noqa: S105 (a file name)
DEMO_LOGINS_FILE = "demo-logins.txt"


def demo_mode(settings: Settings) -> bool:
    """Whether this installation is a demo (and so has demo users)."""
    if settings.demo is not None:
        return settings.demo
    real_provider = settings.vima_base_url or settings.payshack_base_url
    return settings.database_url is None and not (real_provider or settings.payshack_api_url)


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
    """One user per role with its stable password: [(email, role, password)] of those
    that can sign in.

    A missing demo user is created; an active one whose password or role was changed
    is put back, so that what is handed out signs in. A disabled one is left alone:
    an admin turned it off, and a restart must not turn it back on.
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
            elif not user.is_active:
                log.info("demo user disabled by an admin; left disabled", extra={"role": role})
                continue
            elif user.role != role or not await verify_password_async(user.password_hash, password):
                await repository.update_user(
                    conn,
                    user.id,
                    {"role": role, "password_hash": await hash_password_async(password)},
                )
                await record(conn, SYSTEM, "user.update", target=email, params={"demo_reset": True})
        logins.append((email, role, password))
    return logins


async def retire_demo_users(runtime: Runtime) -> list[str]:
    """Outside demo mode: disable every active demo user (ending their sessions and
    revoking their tokens); returns their e-mails. The last active admin is kept, with
    a warning, so that nobody is locked out of the installation."""
    retired: list[str] = []
    store = session_store(runtime)
    for role in reversed(ROLES):
        email = f"{role}@{DEMO_DOMAIN}"
        async with runtime.engine.begin() as conn:
            user = await repository.get_by_email(conn, email)
            if user is None or not user.is_active:
                continue
            try:
                await service.update_user(conn, SYSTEM, user.id, store, is_active=False)
            except Conflict:
                log.warning(
                    "demo admin kept: it is the only active admin; create a real one "
                    "(ADMIN_EMAIL) and it is disabled at the next start",
                    extra={"user_id": str(user.id)},
                )
                continue
        log.warning("demo user disabled outside demo mode", extra={"user_id": str(user.id)})
        retired.append(email)
    return retired


def demo_banner(logins: list[tuple[str, str, str]], logins_file: Path) -> list[str]:
    """Start-up banner lines (they go to the log stream): who, never the passwords."""
    if not logins:
        return []
    emails = ", ".join(email for email, _, _ in logins)
    return [f"Demo users: {emails} (passwords in {logins_file})"]


def demo_logins_table(logins: list[tuple[str, str, str]]) -> str:
    lines = ["Demo sign-ins (email / password):"]
    lines += [f"  {role:<8} {email:<22} {password}" for email, role, password in logins]
    return "\n".join(lines) + "\n"


def hand_out_demo_logins(
    logins: list[tuple[str, str, str]], directory: Path, terminal: TextIO | None = None
) -> Path:
    """Write the sign-ins to DATA_DIR/demo-logins.txt (0600) and show them on the
    terminal when standard output is one; returns the file's path."""
    path = directory / DEMO_LOGINS_FILE
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an older file may have been created with wider permissions
    with os.fdopen(fd, "w") as handle:
        handle.write(demo_logins_table(logins))
    out = terminal if terminal is not None else sys.stdout
    if logins and out.isatty():
        out.write(demo_logins_table(logins))
        out.flush()
    return path
