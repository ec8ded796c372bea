"""Request and response bodies of sign-in and API tokens."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from psp_dashboard.auth.principal import Role
from psp_dashboard.auth.tokens import Scope


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
    expires_at: datetime | None = Field(
        default=None,
        description="When it stops working: in the future, at most TOKEN_MAX_DAYS (default "
        "90) days away; omitted, the longest allowed",
    )
    user_id: uuid.UUID | None = Field(
        default=None, description="Owner; only an admin may name someone else"
    )
    scope: Scope = Field(
        default="viewer",
        description="`read`: the owner's role, GET only; or a role no higher than the "
        "owner's (nor than the caller's), which the token acts with",
    )

    @field_validator("expires_at")
    @classmethod
    def _representable_in_utc(cls, value: datetime | None) -> datetime | None:
        # 9999-12-31T23:59:59-14:00 parses, but is past the last instant Python (and
        # PostgreSQL) can hold once converted to UTC.
        if value is None or value.tzinfo is None:
            return value
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise ValueError("date-time out of range") from None


class Token(BaseModel):
    id: uuid.UUID
    name: str
    prefix: str
    user_id: uuid.UUID
    user_email: str
    created_at: str
    expires_at: str
    last_used_at: str | None
    revoked_at: str | None
    status: Literal["active", "expired", "revoked"]
    scope: Scope


class CreatedToken(Token):
    token: str = Field(description="The token itself: shown this once, never again")


class TokenOut(BaseModel):
    data: Token


class CreatedTokenOut(BaseModel):
    data: CreatedToken


class TokenListOut(BaseModel):
    data: list[Token]
