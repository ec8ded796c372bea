from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from psp_dashboard.kit.isodate import IsoDate

# A sync stream: the two sources, and PayShack's pay-outs (rows with source "payshack").
SourceName = Literal["vima", "payshack", "payshack_payouts"]


class SourceStatus(BaseModel):
    source: SourceName
    status: Literal["idle", "running", "failed", "incomplete"] = Field(
        description="incomplete: the last run could not show it read everything the "
        "provider says exists (see last_run)"
    )
    last_sync_at: datetime | None
    last_successful_sync: datetime | None
    records_synced: int
    next_sync_at: datetime | None
    error_message: str | None
    last_cursor: str | None
    # Beyond the contract: how fresh the data is and where it comes from.
    watermark: datetime | None = None
    newest_record_at: datetime | None = Field(
        default=None, description="the newest created_at this source has delivered"
    )
    last_run: LastRun | None = None
    lag_seconds: int | None = None
    configured: bool = True
    sandbox: bool = False
    interval_minutes: int | None = None


RunStatus = Literal["running", "success", "incomplete", "failed", "stopped", "interrupted"]


class LastRun(BaseModel):
    """The latest finished incremental run: did it read what the provider said exists?"""

    status: RunStatus
    rows_expected: int | None = Field(description="rows the provider said its windows hold")
    rows_read: int | None = Field(description="rows the run accounted for")


class DataReads(BaseModel):
    """Where the dashboard's figures and lists are read from right now (replica.py)."""

    source: Literal["primary", "replica"]
    replica_configured: bool
    as_of: datetime = Field(description="the data read reflects the primary as of this time")
    lag_seconds: float | None = Field(
        description="the read replica's measured lag; null: none configured or unreachable"
    )


class SyncStatus(BaseModel):
    sources: list[SourceStatus]
    reads: DataReads | None = None


class SyncStatusEnvelope(BaseModel):
    data: SyncStatus


class TriggerRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: SourceName | None = None


class TriggerResult(BaseModel):
    source: Literal["vima", "payshack", "payshack_payouts", "all"]
    status: Literal["triggered"]
    message: str


class TriggerEnvelope(BaseModel):
    data: TriggerResult


class WorkerHolding(BaseModel):
    job: str
    tick: datetime = Field(description="the scheduled fire it claimed (ticks.py)")


class WorkerInfo(BaseModel):
    """A live `psp worker` (or `psp run`) process: announced within its lease."""

    id: str = Field(description="host:pid:random, new at each start of a process")
    host: str
    started_at: datetime
    jobs: list[str] = Field(description="the jobs scheduled in it")
    running: list[str] = Field(description="jobs running in it now (scheduled or manual)")
    holding: list[WorkerHolding] = Field(description="claimed ticks it is running now")


class WorkersEnvelope(BaseModel):
    data: list[WorkerInfo]


# incremental: the scheduled or manual sync; reread: PayShack's daily re-read of recent
# days; backfill: a date range; refetch: one reconciliation key asked of a provider again.
SyncRunKind = Literal["incremental", "reread", "backfill", "refetch"]


class WindowCompleteness(BaseModel):
    """One window a run walked: what the provider stated and what the walk accounted for."""

    window: str
    unit: Literal["rows", "pages"]
    expected: int | None
    read: int
    rows_read: int
    ending: str
    attempts: int
    complete: bool


class SyncRun(BaseModel):
    id: uuid.UUID
    source: SourceName
    kind: SyncRunKind
    status: RunStatus
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
    rows_expected: int | None = Field(
        default=None, description="rows the provider said the run's windows hold"
    )
    rows_read: int | None = Field(
        default=None, description="rows the run accounted for (read, or shown to be outside)"
    )
    completeness: list[WindowCompleteness] = Field(default_factory=list)
    # A backfill's run: the backfill and the days it covers (null for other kinds).
    backfill_id: uuid.UUID | None = None
    from_date: date | None = Field(default=None, description="first day of a backfill run")
    to_date: date | None = Field(default=None, description="last day of a backfill run")


class PageMeta(BaseModel):
    page: int
    limit: int
    total: int
    total_pages: int


class SyncRunsEnvelope(BaseModel):
    data: list[SyncRun]
    meta: PageMeta


class BackfillRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: SourceName
    # Order, range and length: `backfill.check_range` (400 naming the field). IsoDate:
    # a Unix time or a timestamp is a 400, not some day (`kit/isodate.py`).
    from_date: IsoDate
    to_date: IsoDate


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
    # Running totals, the sums of the shards' numbers (they grow as batches commit).
    fetched: int = Field(default=0, description="records read from the provider so far")
    stored: int = Field(
        default=0, description="rows new or changed in transactions so far (unchanged ones aside)"
    )
    quarantined: int = Field(default=0, description="records set aside as invalid so far")


class BackfillShard(BaseModel):
    """One UTC day of a backfill."""

    date: date
    state: Literal["pending", "running", "done", "incomplete", "failed"] = Field(
        description="incomplete: read, but the provider's count could not be matched "
        "(read again on resume); failed: see error"
    )
    fetched: int
    stored: int
    quarantined: int
    error: str | None = None


class BackfillDetail(Backfill):
    shards: list[BackfillShard] = Field(description="each day, in date order")


class BackfillEnvelope(BaseModel):
    data: BackfillDetail


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


class QuarantineReason(BaseModel):
    reason: str
    count: int = Field(description="quarantined records with this reason (of `source`, if given)")


class QuarantineMeta(PageMeta):
    reasons: list[QuarantineReason] = Field(
        default_factory=list,
        description="every reason of the records of `source` (all sources when none), most "
        "frequent first, whatever `reason` filters: the choices of the reason filter",
    )


class QuarantineEnvelope(BaseModel):
    data: list[QuarantinedRecord]
    meta: QuarantineMeta
