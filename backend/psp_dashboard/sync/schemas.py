from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

SourceName = Literal["vima", "payshack"]


class SourceStatus(BaseModel):
    source: SourceName
    status: Literal["idle", "running", "failed"]
    last_sync_at: datetime | None
    last_successful_sync: datetime | None
    records_synced: int
    next_sync_at: datetime | None
    error_message: str | None
    last_cursor: str | None
    # Beyond the contract: how fresh the data is and where it comes from.
    watermark: datetime | None = None
    lag_seconds: int | None = None
    configured: bool = True
    sandbox: bool = False
    interval_minutes: int | None = None


class SyncStatus(BaseModel):
    sources: list[SourceStatus]


class SyncStatusEnvelope(BaseModel):
    data: SyncStatus


class TriggerRequest(BaseModel):
    source: SourceName | None = None


class TriggerResult(BaseModel):
    source: Literal["vima", "payshack", "all"]
    status: Literal["triggered"]
    message: str


class TriggerEnvelope(BaseModel):
    data: TriggerResult


class SyncRun(BaseModel):
    id: uuid.UUID
    source: SourceName
    kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    fetched: int
    inserted: int
    updated: int
    unchanged: int
    quarantined: int
    unknown_statuses: int
    pages: int
    duration_ms: int | None
    error: str | None
    params: dict[str, Any]


class PageMeta(BaseModel):
    page: int
    limit: int
    total: int
    total_pages: int


class SyncRunsEnvelope(BaseModel):
    data: list[SyncRun]
    meta: PageMeta


class BackfillRequest(BaseModel):
    source: SourceName
    from_date: date
    to_date: date

    @model_validator(mode="after")
    def _ordered(self) -> BackfillRequest:
        if self.to_date < self.from_date:
            raise ValueError("to_date must not be before from_date")
        if (self.to_date - self.from_date).days > 3660:
            raise ValueError("a backfill covers at most 3660 days")
        return self


class Backfill(BaseModel):
    id: uuid.UUID
    source: SourceName
    from_date: date
    to_date: date
    status: str
    days_total: int
    days_done: int
    requested_by: str | None
    created_at: datetime
    updated_at: datetime
    error: str | None


class BackfillEnvelope(BaseModel):
    data: Backfill


class BackfillsEnvelope(BaseModel):
    data: list[Backfill]
    meta: PageMeta


class QuarantinedRecord(BaseModel):
    id: int
    source: SourceName
    source_record_id: str | None
    reason: str
    raw: Any
    first_seen_at: datetime
    last_seen_at: datetime
    seen_count: int = Field(description="how many times the source sent this exact record")


class QuarantineEnvelope(BaseModel):
    data: list[QuarantinedRecord]
    meta: PageMeta
