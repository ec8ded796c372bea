"""Reconciliation request and response models (OpenAPI and validation; response bodies
are rendered by `kit.json`, so money stays an exact JSON number)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from psp_dashboard.kit.isodate import IsoDate
from psp_dashboard.kit.json import JsonMoney, JsonPercent

ApiType = Literal["amount", "status", "time", "duplicate", "missing_vima", "missing_payshack"]
Resolution = Literal["open", "acknowledged", "resolved"]
ChangeKind = Literal["new", "cleared", "changed_type"]


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: IsoDate = Field(description="The day to reconcile (YYYY-MM-DD, RECON_TIMEZONE)")


class ResolveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    resolution: Resolution = Field(description="`open` reopens the discrepancy")
    note: str | None = Field(default=None, max_length=2000)


class Share(BaseModel):
    count: int
    percentage: JsonPercent = Field(description="Of total_transactions, one decimal")


class DiscrepancyShare(Share):
    by_type: dict[str, int] = Field(description="amount, status, time, duplicate")


class MissingShare(Share):
    missing_vima: int
    missing_payshack: int


class Watermarks(BaseModel):
    vima: dt.datetime | None = Field(description="All Vima rows created before this are stored")
    payshack: dt.datetime | None = Field(description="Same for PayShack")
    required: dt.datetime = Field(description="End of the day plus the grace window")


class Changes(BaseModel):
    new: int = Field(description="Discrepant now, not in the previous run")
    cleared: int = Field(description="Discrepant in the previous run, not now")
    changed_type: int = Field(description="Discrepant in both, of another type")


class MoneyAtRisk(BaseModel):
    total: JsonMoney
    by_type: dict[str, JsonMoney]
    oldest_open_at: dt.datetime | None = Field(description="First sighting of the oldest one")
    open_count: int = 0


class Summary(BaseModel):
    date: dt.date
    run_id: uuid.UUID | None
    run_at: dt.datetime | None
    total_transactions: int
    matched: Share
    discrepancies: DiscrepancyShare
    missing: MissingShare
    coverage: Literal["complete", "partial"] | None = Field(
        description="partial: a source had not synced past the day's end plus grace"
    )
    watermarks: Watermarks | None
    changes: Changes | None = Field(description="Against the previous run of the day")
    money_at_risk: MoneyAtRisk


class SummaryEnvelope(BaseModel):
    data: Summary


class Discrepancy(BaseModel):
    id: uuid.UUID
    recon_date: dt.date
    run_id: uuid.UUID
    client_operation_id: str | None
    match_status: Literal["discrepancy", "missing_vima", "missing_payshack"]
    discrepancy_type: Literal["amount", "status", "time", "duplicate", "missing"] | None
    type: ApiType = Field(description="The filter value: missing rows told apart by side")
    vima_txn_id: uuid.UUID | None
    payshack_txn_id: uuid.UUID | None
    vima_amount: JsonMoney | None
    payshack_amount: JsonMoney | None
    amount_diff: JsonMoney | None = Field(description="vima − payshack, amount rows only")
    vima_status: str | None = Field(description="Normalized")
    payshack_status: str | None = Field(description="Normalized")
    details: dict[str, Any] | None = Field(
        description="Every difference found, original statuses, all rows of a duplicate"
    )
    provisional: bool = Field(description="Missing while a source's sync lagged")
    resolution: Resolution
    resolved_by: str | None
    resolved_at: dt.datetime | None
    note: str | None
    first_seen_at: dt.datetime | None
    change: Literal["new", "changed_type", "unchanged"] | None
    created_at: dt.datetime


class PageMeta(BaseModel):
    page: int
    limit: int
    total: int
    total_pages: int


class DiscrepancyPage(BaseModel):
    data: list[Discrepancy]
    meta: PageMeta


class DiscrepancyEnvelope(BaseModel):
    data: Discrepancy


class RunPayload(BaseModel):
    run_id: uuid.UUID
    status: Literal["started", "completed", "failed"]
    message: str
    date: dt.date
    summary: Summary | None = Field(description="The day's summary after a completed run")


class RunEnvelope(BaseModel):
    data: RunPayload


class Run(BaseModel):
    run_id: uuid.UUID
    date: dt.date
    status: Literal["running", "completed", "failed"]
    started_at: dt.datetime
    completed_at: dt.datetime | None
    triggered_by: str | None
    is_current: bool
    coverage: Literal["complete", "partial"] | None
    watermarks: dict[str, Any] | None
    settings: dict[str, Any] | None
    total_transactions: int | None
    matched: int | None
    discrepancies: int | None
    missing: int | None
    missing_vima: int | None
    missing_payshack: int | None
    by_type: dict[str, int] | None
    changes: Changes | None
    previous_run_id: uuid.UUID | None
    error: str | None


class RunPage(BaseModel):
    data: list[Run]
    meta: PageMeta


class RunDetailEnvelope(BaseModel):
    data: Run
