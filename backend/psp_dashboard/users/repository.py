"""SQL on `users`. Rows come back as `UserRow`; the hash never leaves through `public()`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.auth.principal import Role, as_role
from psp_dashboard.models.user import users


@dataclass(frozen=True, slots=True)
class UserRow:
    id: uuid.UUID
    email: str
    role: Role
    is_active: bool
    created_at: datetime
    updated_at: datetime
    last_login_at: datetime | None
    password_hash: str = field(repr=False)


def _row(mapping: RowMapping) -> UserRow:
    return UserRow(
        id=mapping["id"],
        email=mapping["email"],
        role=as_role(mapping["role"]),
        is_active=mapping["is_active"],
        created_at=mapping["created_at"],
        updated_at=mapping["updated_at"],
        last_login_at=mapping["last_login_at"],
        password_hash=mapping["password_hash"],
    )


# A user's e-mail, once trimmed and lower-cased.
EMAIL_ADDRESS = r"[a-zA-Z0-9._%+'\-]+@[a-zA-Z0-9\-]+(\.[a-zA-Z0-9\-]+)+"


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def get_by_email(conn: AsyncConnection, email: str) -> UserRow | None:
    result = await conn.execute(select(users).where(users.c.email == normalize_email(email)))
    mapping = result.mappings().first()
    return None if mapping is None else _row(mapping)


async def get_by_id(conn: AsyncConnection, user_id: uuid.UUID) -> UserRow | None:
    result = await conn.execute(select(users).where(users.c.id == user_id))
    mapping = result.mappings().first()
    return None if mapping is None else _row(mapping)


async def list_all(conn: AsyncConnection) -> list[UserRow]:
    result = await conn.execute(select(users).order_by(users.c.email))
    return [_row(m) for m in result.mappings()]


async def insert_user(
    conn: AsyncConnection, email: str, password_hash: str, role: Role, *, is_active: bool = True
) -> UserRow:
    result = await conn.execute(
        insert(users)
        .values(
            email=normalize_email(email),
            password_hash=password_hash,
            role=role,
            is_active=is_active,
        )
        .returning(users)
    )
    return _row(result.mappings().one())


async def update_user(
    conn: AsyncConnection, user_id: uuid.UUID, values: dict[str, Any]
) -> UserRow | None:
    result = await conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(**values, updated_at=func.now())
        .returning(users)
    )
    mapping = result.mappings().first()
    return None if mapping is None else _row(mapping)


async def touch_login(conn: AsyncConnection, user_id: uuid.UUID) -> None:
    await conn.execute(update(users).where(users.c.id == user_id).values(last_login_at=func.now()))


async def count_active_admins(conn: AsyncConnection) -> int:
    result = await conn.execute(
        select(func.count())
        .select_from(users)
        .where(users.c.role == "admin", users.c.is_active.is_(True))
    )
    return int(result.scalar_one())
