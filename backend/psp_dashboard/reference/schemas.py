"""Request and response bodies of the PayShack reference API (docs/payshack-reference.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from psp_dashboard.kit.json import JsonMoney
from psp_dashboard.reference.client_map import PROJECT_PATTERN


class Client(BaseModel):
    client_id: str
    name: str
    project: str | None = Field(description="The project its pay-ins are counted under")
    project_source: Literal["admin", "env", "none"] = Field(
        description="admin: set on the Clients page; env: PAYSHACK_CLIENT_PROJECTS; none"
    )
    reseller_id: str | None
    reseller_name: str | None
    balance: JsonMoney | None = Field(description="As of refreshed_at; null if never read")
    currency: str
    refreshed_at: datetime
    active: bool = Field(description="False once PayShack no longer lists the client")


class ClientList(BaseModel):
    items: list[Client]
    refreshed_at: datetime | None = Field(description="Last successful refresh")
    last_attempt_at: datetime | None
    last_error: str | None = Field(description="Why the latest refresh failed; null if it worked")


class BalancePoint(BaseModel):
    at: datetime
    balance: JsonMoney


class BalanceHistory(BaseModel):
    items: list[BalancePoint] = Field(
        description="The balance at the range's start, each change inside it, and the "
        "balance at the last refresh inside it (a step series)"
    )


class Entry(BaseModel):
    id: str
    name: str | None
    refreshed_at: datetime
    active: bool


class EntryList(BaseModel):
    items: list[Entry]


class ProjectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    project: str | None = Field(
        max_length=100,
        pattern=PROJECT_PATTERN,
        description="Project slug; null removes the admin setting (the default applies)",
    )


class RefreshOut(BaseModel):
    status: Literal["success", "failed", "skipped", "not_configured"]
    clients: int
    resellers: int
    service_providers: int
    balance_changes: int
    deactivated: int
    rejected: int
    unreadable_balances: int
    error: str | None
