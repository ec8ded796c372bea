"""Request and response bodies of sign-in and API tokens."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from psp_dashboard.auth.principal import Role


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=1, max_length=320)
    # SecretStr: a logged or printed model never shows it. No length rule here: a
    # validation error would echo the value back in its details.
    password: SecretStr


class Me(BaseModel):
    id: uuid.UUID
    email: str
    role: Role
    csrf_token: str | None = Field(
        description="Send as X-CSRF-Token on state-changing calls made with the session "
        "cookie; null when signed in with an API token"
    )


class MeOut(BaseModel):
    data: Me


class SignedOut(BaseModel):
    signed_out: bool


class SignedOutOut(BaseModel):
    data: SignedOut


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    expires_at: datetime | None = None
    user_id: uuid.UUID | None = Field(
        default=None, description="Owner; only an admin may name someone else"
    )


class Token(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    user_id: uuid.UUID
    user_email: str
    created_at: str
    expires_at: str | None
    last_used_at: str | None
    revoked_at: str | None
    status: Literal["active", "expired", "revoked"]


class CreatedToken(Token):
    token: str = Field(description="The token itself: shown this once, never again")


class TokenOut(BaseModel):
    data: Token


class CreatedTokenOut(BaseModel):
    data: CreatedToken


class TokenListOut(BaseModel):
    data: list[Token]
