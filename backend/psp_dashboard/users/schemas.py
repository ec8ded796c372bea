"""Request and response bodies of user management."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from psp_dashboard.auth.principal import Role


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=255)
    role: Role
    # Policy (length) is checked by the service: a schema error would echo the value.
    password: SecretStr


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    is_active: bool | None = None
    password: SecretStr | None = Field(
        default=None, description="A new password; ends all the user's sessions"
    )


class User(BaseModel):
    id: uuid.UUID
    email: str
    role: Role
    is_active: bool
    created_at: str
    updated_at: str
    last_login_at: str | None


class UserOut(BaseModel):
    data: User


class UserListOut(BaseModel):
    data: list[User]
