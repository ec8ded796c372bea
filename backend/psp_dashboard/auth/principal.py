"""Who is acting: the signed-in user (session or API token) or the system itself.

Kept apart from the dependencies so that the audit trail and the user service can name
a principal without importing the request machinery.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal, cast

Role = Literal["viewer", "analyst", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "analyst", "admin")
ROLE_RANK: dict[str, int] = {"viewer": 0, "analyst": 1, "admin": 2}

# The calling client's address, set by the auth dependency; the audit trail records it.
client_ip_var: ContextVar[str | None] = ContextVar("client_ip", default=None)


def lower_role(first: Role, second: Role) -> Role:
    return first if ROLE_RANK[first] <= ROLE_RANK[second] else second


def as_role(value: str) -> Role:
    if value not in ROLE_RANK:
        raise ValueError(f"unknown role {value!r} (expected one of {', '.join(ROLES)})")
    return cast(Role, value)


@dataclass(frozen=True, slots=True)
class Principal:
    id: uuid.UUID
    email: str
    role: Role
    via: Literal["session", "token", "system"] = "session"
    # An API token of scope `read`: GET and HEAD only, whatever the role allows.
    read_only: bool = False

    @property
    def masks_payer_data(self) -> bool:
        return self.role == "viewer"

    def has_role(self, role: Role) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]


SYSTEM = Principal(id=uuid.UUID(int=0), email="system", role="admin", via="system")
