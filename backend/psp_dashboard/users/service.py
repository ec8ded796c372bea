"""User rules: who may exist, and what a change does to their sign-ins.

Used by the admin endpoints, the `psp users` CLI and the start-up bootstrap. Never
commits: the caller's transaction does. Disabling a user or resetting a password ends
all their sessions and revokes all their API tokens.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.audit.service import record
from psp_dashboard.auth import tokens
from psp_dashboard.auth.passwords import check_policy, hash_password_async
from psp_dashboard.auth.principal import Principal, Role
from psp_dashboard.auth.sessions import SessionStore
from psp_dashboard.errors import Conflict, NotFound, ValidationFailed
from psp_dashboard.users import repository
from psp_dashboard.users.repository import EMAIL_ADDRESS, UserRow, normalize_email

_EMAIL = re.compile(rf"^{EMAIL_ADDRESS}$")
# Serialises changes that could leave no active admin.
_ADMIN_LOCK_KEY = 0x7073_7061_646D_696E  # "pspadmin"


def public(user: UserRow) -> dict[str, Any]:
    def iso(value: Any) -> str | None:
        return None if value is None else value.isoformat().replace("+00:00", "Z")

    return {
        "id": str(user.id),
        "email": user.email,
        "role": user.role,
        "is_active": user.is_active,
        "created_at": iso(user.created_at),
        "updated_at": iso(user.updated_at),
        "last_login_at": iso(user.last_login_at),
    }


def check_email(email: str) -> str:
    normalized = normalize_email(email)
    if len(normalized) > 255 or not _EMAIL.match(normalized):
        raise ValidationFailed("Invalid email", {"field": "email", "expected": "an e-mail address"})
    return normalized


async def create_user(
    conn: AsyncConnection, actor: Principal, email: str, role: Role, password: str
) -> UserRow:
    normalized = check_email(email)
    check_policy(password)
    if await repository.get_by_email(conn, normalized) is not None:
        raise Conflict("A user with this email already exists", {"field": "email"})
    user = await repository.insert_user(conn, normalized, await hash_password_async(password), role)
    await record(
        conn,
        actor,
        "user.create",
        target=user.email,
        params={"user_id": str(user.id), "role": role},
    )
    return user


async def _guard_last_admin(conn: AsyncConnection, user: UserRow, values: dict[str, Any]) -> None:
    demoted = values.get("role", user.role) != "admin" or values.get("is_active") is False
    if user.role != "admin" or not user.is_active or not demoted:
        return
    await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ADMIN_LOCK_KEY})
    if await repository.count_active_admins(conn) <= 1:
        raise Conflict("This is the last active admin; make another admin first")


async def update_user(
    conn: AsyncConnection,
    actor: Principal,
    user_id: uuid.UUID,
    sessions: SessionStore,
    *,
    role: Role | None = None,
    is_active: bool | None = None,
    password: str | None = None,
) -> UserRow:
    user = await repository.get_by_id(conn, user_id)
    if user is None:
        raise NotFound("No such user", {"id": str(user_id)})
    values: dict[str, Any] = {}
    if role is not None and role != user.role:
        values["role"] = role
    if is_active is not None and is_active != user.is_active:
        values["is_active"] = is_active
    if password is not None:
        check_policy(password)
        values["password_hash"] = await hash_password_async(password)
    if not values:
        return user
    await _guard_last_admin(conn, user, values)
    updated = await repository.update_user(conn, user_id, values)
    if updated is None:  # deleted meanwhile
        raise NotFound("No such user", {"id": str(user_id)})
    ended = revoked = 0
    if values.get("is_active") is False or "password_hash" in values:
        ended = await sessions.revoke_user(user_id)
        # Revoked, not merely refused while disabled: re-enabling must not revive them.
        revoked = await tokens.revoke_all_for_user(conn, user_id)
    params: dict[str, Any] = {"user_id": str(user_id)}
    if "role" in values:
        params["role"] = {"from": user.role, "to": values["role"]}
    if "is_active" in values:
        params["is_active"] = values["is_active"]
    if "password_hash" in values:
        params["password_reset"] = True
    params["sessions_ended"] = ended
    params["tokens_revoked"] = revoked
    await record(conn, actor, "user.update", target=updated.email, params=params)
    return updated


async def find_by_email(conn: AsyncConnection, email: str) -> UserRow:
    user = await repository.get_by_email(conn, email)
    if user is None:
        raise NotFound("No such user", {"email": normalize_email(email)})
    return user
