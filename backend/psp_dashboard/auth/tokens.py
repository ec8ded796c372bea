"""API tokens: `psp_` + 43 random characters, shown once, stored as a SHA-256 hash.

A token acts as its owner within its scope, chosen at creation: `read` (the owner's
current role, safe methods only) or a role no higher than the owner's (it acts with the
lower of that role and the owner's current one). Every token expires, at most
TOKEN_MAX_DAYS after creation; it stops at revocation, and disabling the owner or
resetting their password revokes all their tokens (a re-enabled user gets none back).
The stored prefix (first 12 characters) lets people tell their tokens apart without the
table holding anything usable.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, func, insert, or_, select, text, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.audit.service import record
from psp_dashboard.auth.principal import ROLE_RANK, Principal, Role, as_role, lower_role
from psp_dashboard.errors import Forbidden, NotFound, ValidationFailed
from psp_dashboard.models.auth import api_tokens
from psp_dashboard.models.user import users

TOKEN_PREFIX = "psp_"  # noqa: S105 (a marker, not a secret)
PREFIX_LENGTH = 12

Scope = Literal["read", "viewer", "analyst", "admin"]
SCOPES: tuple[Scope, ...] = ("read", "viewer", "analyst", "admin")


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _state(mapping: RowMapping, now: datetime) -> str:
    if mapping["revoked_at"] is not None:
        return "revoked"
    if mapping["expires_at"] is not None and mapping["expires_at"] <= now:
        return "expired"
    return "active"


def _public(mapping: RowMapping, now: datetime) -> dict[str, Any]:
    return {
        "id": str(mapping["id"]),
        "name": mapping["name"],
        "prefix": mapping["prefix"],
        "user_id": str(mapping["user_id"]),
        "user_email": mapping["email"],
        "created_at": _iso(mapping["created_at"]),
        "expires_at": _iso(mapping["expires_at"]),
        "last_used_at": _iso(mapping["last_used_at"]),
        "revoked_at": _iso(mapping["revoked_at"]),
        "status": _state(mapping, now),
        "scope": mapping["scope"],
    }


_COLUMNS = (*api_tokens.c, users.c.email)


def acting_role(scope: str, owner_role: Role) -> Role:
    """The role a token of `scope` acts with for an owner who has `owner_role` now."""
    return owner_role if scope == "read" else lower_role(as_role(scope), owner_role)


async def authenticate(conn: AsyncConnection, token: str) -> Principal | None:
    """The principal behind a presented token, None when it is unknown or not usable."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 128:
        return None
    now = datetime.now(UTC)
    result = await conn.execute(
        select(
            api_tokens.c.id,
            api_tokens.c.scope,
            users.c.id.label("uid"),
            users.c.email,
            users.c.role,
        )
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(
            api_tokens.c.token_hash == token_digest(token),
            api_tokens.c.revoked_at.is_(None),
            api_tokens.c.expires_at > now,
            users.c.is_active.is_(True),
        )
    )
    row = result.mappings().first()
    if row is None:
        return None
    # At most one write a minute per token, not one per request.
    await conn.execute(
        update(api_tokens)
        .where(
            api_tokens.c.id == row["id"],
            or_(
                api_tokens.c.last_used_at.is_(None),
                api_tokens.c.last_used_at < func.now() - text("interval '1 minute'"),
            ),
        )
        .values(last_used_at=func.now())
    )
    return Principal(
        id=row["uid"],
        email=row["email"],
        role=acting_role(row["scope"], as_role(row["role"])),
        via="token",
        read_only=row["scope"] == "read",
    )


def _check_expiry(expires_at: datetime | None, now: datetime, max_days: int) -> datetime:
    """The token's end: the one asked for, or the longest allowed when none is."""
    latest = now + timedelta(days=max_days)
    if expires_at is None:
        return latest
    if expires_at.tzinfo is None:
        expires_at = expires_at.replace(tzinfo=UTC)
    if expires_at <= now:
        raise ValidationFailed(
            "expires_at must be in the future",
            {"field": "expires_at", "expected": "a future ISO-8601 date-time"},
        )
    if expires_at > latest:
        raise ValidationFailed(
            f"A token lives at most {max_days} days",
            {"field": "expires_at", "expected": f"at most {max_days} days from now"},
        )
    return expires_at


def _check_scope(scope: Scope, principal: Principal, owner_role: Role) -> None:
    """A token never grants more than its owner has, nor more than whoever issues it:
    a viewer-scoped token of an admin cannot mint an admin-scoped one."""
    if scope == "read":
        return
    for ceiling, whose in ((owner_role, "the owner's"), (principal.role, "your")):
        if ROLE_RANK[scope] > ROLE_RANK[ceiling]:
            raise ValidationFailed(
                f"The scope {scope} is above {whose} role ({ceiling})",
                {"field": "scope", "expected": f"read, or a role up to {ceiling}"},
            )


async def create_token(
    conn: AsyncConnection,
    principal: Principal,
    *,
    name: str,
    expires_at: datetime | None,
    user_id: uuid.UUID | None,
    scope: Scope,
    max_days: int,
) -> tuple[str, dict[str, Any]]:
    """Issue a token; returns (the token, its public description). Audited."""
    owner_id = user_id or principal.id
    if owner_id != principal.id and not principal.has_role("admin"):
        raise Forbidden("Only an admin can create tokens for other users")
    now = datetime.now(UTC)
    expires_at = _check_expiry(expires_at, now, max_days)
    owner = (
        await conn.execute(
            select(users.c.id, users.c.is_active, users.c.role).where(users.c.id == owner_id)
        )
    ).first()
    if owner is None:
        raise NotFound("No such user", {"user_id": str(owner_id)})
    if not owner.is_active:
        raise ValidationFailed("The user is disabled", {"field": "user_id"})
    _check_scope(scope, principal, as_role(owner.role))
    token = new_token()
    created = await conn.execute(
        insert(api_tokens)
        .values(
            user_id=owner_id,
            name=name,
            token_hash=token_digest(token),
            prefix=token[:PREFIX_LENGTH],
            expires_at=expires_at,
            scope=scope,
        )
        .returning(api_tokens.c.id)
    )
    token_id = created.scalar_one()
    described = await _describe(conn, token_id, now)
    await record(
        conn,
        principal,
        "token.create",
        target=str(token_id),
        params={
            "name": name,
            "user_id": str(owner_id),
            "expires_at": described["expires_at"],
            "prefix": described["prefix"],
            "scope": scope,
        },
    )
    return token, described


async def revoke_all_for_user(conn: AsyncConnection, user_id: uuid.UUID) -> int:
    """Revoke every live token of a user (disable, password reset); returns how many."""
    result = await conn.execute(
        update(api_tokens)
        .where(api_tokens.c.user_id == user_id, api_tokens.c.revoked_at.is_(None))
        .values(revoked_at=func.now())
        .returning(api_tokens.c.id)
    )
    return len(result.all())


async def _describe(conn: AsyncConnection, token_id: uuid.UUID, now: datetime) -> dict[str, Any]:
    result = await conn.execute(
        select(*_COLUMNS)
        .join(users, users.c.id == api_tokens.c.user_id)
        .where(api_tokens.c.id == token_id)
    )
    return _public(result.mappings().one(), now)


async def list_tokens(conn: AsyncConnection, principal: Principal) -> list[dict[str, Any]]:
    """The principal's own tokens; every token for an admin."""
    query = select(*_COLUMNS).join(users, users.c.id == api_tokens.c.user_id)
    if not principal.has_role("admin"):
        query = query.where(api_tokens.c.user_id == principal.id)
    result = await conn.execute(query.order_by(api_tokens.c.created_at.desc()))
    now = datetime.now(UTC)
    return [_public(m, now) for m in result.mappings()]


async def revoke_token(
    conn: AsyncConnection, principal: Principal, token_id: uuid.UUID
) -> dict[str, Any]:
    """Revoke one token (own, or any for an admin). Idempotent; audited."""
    condition = api_tokens.c.id == token_id
    if not principal.has_role("admin"):
        # Someone else's token is "not found", not "forbidden": ids are not disclosed.
        condition = and_(condition, api_tokens.c.user_id == principal.id)
    result = await conn.execute(
        update(api_tokens)
        .where(condition)
        .values(revoked_at=func.coalesce(api_tokens.c.revoked_at, func.now()))
        .returning(api_tokens.c.id)
    )
    if result.first() is None:
        raise NotFound("No such token", {"id": str(token_id)})
    described = await _describe(conn, token_id, datetime.now(UTC))
    await record(
        conn,
        principal,
        "token.revoke",
        target=str(token_id),
        params={"name": described["name"], "user_id": described["user_id"]},
    )
    return described
