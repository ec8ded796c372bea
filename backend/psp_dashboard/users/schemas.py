"""Request and response bodies of user management."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field, JsonValue, SecretStr, StrictBool

from psp_dashboard.auth.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from psp_dashboard.auth.principal import Role
from psp_dashboard.users.repository import EMAIL_ADDRESS

# The rules `users.service` applies, stated in the OpenAPI document. The password's are
# checked by the service only: a schema error would echo the value back.
# ASCII only, so that the document's regex (ECMA) and the server's agree on every
# character; surrounding blanks are trimmed before the check.
EMAIL_PATTERN = rf"^[ \t]*{EMAIL_ADDRESS}[ \t]*$"
PASSWORD_SCHEMA: dict[str, JsonValue] = {
    "minLength": MIN_PASSWORD_LENGTH,
    "maxLength": MAX_PASSWORD_LENGTH,
}


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=255, pattern=EMAIL_PATTERN)
    role: Role
    password: SecretStr = Field(json_schema_extra=PASSWORD_SCHEMA)


class UserPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role | None = None
    # Strict: 0 and "false" are not booleans in JSON, however lax parsing reads them.
    is_active: StrictBool | None = None
    password: SecretStr | None = Field(
        default=None,
        description="A new password; ends all the user's sessions and revokes their tokens",
        json_schema_extra=PASSWORD_SCHEMA,
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
