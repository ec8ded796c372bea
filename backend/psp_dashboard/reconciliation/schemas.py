"""Reconciliation request and response models (OpenAPI and validation; response bodies
are rendered by `kit.json`, so money stays an exact JSON number)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from psp_dashboard.kit.isodate import IsoDate
from psp_dashboard.kit.json import JsonMoney, JsonPercent

ApiType = Literal["amount", "status", "time", "duplicate", "missing_vima", "missing_payshack"]
Resolution = Literal["open", "acknowledged", "resolved"]
ChangeKind = Literal["new", "cleared", "changed_type"]
JsonMinutes = Annotated[
    Decimal, WithJsonSchema({"type": "number", "description": "Minutes, exact decimal"})
]


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


class CountAmount(BaseModel):
    count: int
    amount: JsonMoney


class AgeBuckets(BaseModel):
    lt_1d: CountAmount = Field(description="First seen less than 24 h ago")
    d1_3: CountAmount = Field(description="First seen 24 h to 72 h ago")
    gt_3d: CountAmount = Field(description="First seen 72 h ago or earlier")


class MoneyAtRisk(BaseModel):
    total: JsonMoney = Field(description="Sum of by_type (docs/reconciliation.md)")
    by_type: dict[str, JsonMoney] = Field(
        description="amount, missing_vima, missing_payshack, status (always all four)"
    )
    oldest_open_at: dt.datetime | None = Field(description="First sighting of the oldest one")
    open_count: int = Field(default=0, description="Unresolved rows of every type")
    awaiting: CountAmount = Field(
        description="Unresolved amount/status/missing rows with a pending side (not at risk)"
    )
    age_buckets: AgeBuckets = Field(
        description="Unresolved rows by age: count of every type, amount at risk"
    )
    definition: str = Field(description="What the total counts, in one sentence")


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
    reconciled: bool = Field(description="false: the day has never been reconciled")
    timezone: str = Field(description="RECON_TIMEZONE: the zone the day is a day of")
    next_run_at: dt.datetime = Field(
        description="The next automatic run (RECON_SCHEDULE in RECON_TIMEZONE; it "
        "reconciles the day before)"
    )
    day_auto_run_at: dt.datetime | None = Field(
        description="When the automatic run reconciles this day; null once that time "
        "has passed (a day missed then is only reconciled by hand)"
    )


class SummaryEnvelope(BaseModel):
    data: Summary


class Owner(BaseModel):
    id: uuid.UUID
    email: str


class Counterpart(BaseModel):
    transaction_id: uuid.UUID
    source: Literal["vima", "payshack"]
    created_at: dt.datetime
    offset_text: str = Field(description="e.g. the counterpart is 2 h 50 min later, outside …")


class MatchedByHand(BaseModel):
    transaction_id: uuid.UUID = Field(description="The confirmed counterpart")
    side: Literal["vima", "payshack"]
    note: str | None
    by: str | None
    at: dt.datetime | None


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
    owner: Owner | None = Field(default=None, description="Who works on it")
    counterpart: Counterpart | None = Field(
        default=None,
        description="A missing row's key on the other side outside the window (counterparts.py)",
    )


class Side(BaseModel):
    transaction_id: uuid.UUID = Field(description="Our id: GET /transactions/{id}")
    external_id: str = Field(description="The provider's id (source_id)")
    created_at: dt.datetime
    amount: JsonMoney
    currency: str
    fee: JsonMoney | None
    status: Literal["success", "failed", "pending", "refunded"] = Field(description="Normalized")
    original_status: str | None = Field(description="As the provider wrote it")
    utr: str | None
    payer_vpa: str | None = Field(description="PayShack only; masked for viewers")
    payer_name: str | None = Field(description="Masked for viewers")
    payer_phone: str | None = Field(description="Masked for viewers")


class DuplicateSide(Side):
    side: Literal["vima", "payshack"]


class Comment(BaseModel):
    id: uuid.UUID
    author: str = Field(description="E-mail of the user who wrote it")
    body: str = Field(description="Masked for viewers like a note")
    created_at: dt.datetime


class HistoryEntry(BaseModel):
    action: Literal["resolve", "assign", "comment"]
    by: str = Field(description="E-mail of the user")
    at: dt.datetime
    note: str | None = Field(description="resolve: its note; comment: its body")
    resolution: Resolution | None = Field(description="resolve: the state set")
    owner: Owner | None = Field(description="assign: the new owner (null: unassigned)")


class DiscrepancyDetail(Discrepancy):
    amount_diff: JsonMoney | None = Field(
        description="vima − payshack: amount rows, and in this panel any pair of rows "
        "(status and time rows too)"
    )
    vima: Side | None = Field(description="Vima's row (a duplicate's earliest)")
    payshack: Side | None = Field(description="PayShack's row (a duplicate's earliest)")
    duplicates: list[DuplicateSide] = Field(
        description="A duplicate's other rows, each side's in time order"
    )
    time_gap_minutes: JsonMinutes | None = Field(
        description="PayShack's time − Vima's, minutes with 2 decimals (pairs only)"
    )
    comments: list[Comment] = Field(description="Oldest first")
    history: list[HistoryEntry] = Field(
        description="Resolutions, assignments and comments, oldest first, across re-runs"
    )
    matched_by_hand: MatchedByHand | None = Field(
        default=None, description="The suggested match an analyst confirmed"
    )


class DiscrepancyDetailEnvelope(BaseModel):
    data: DiscrepancyDetail


class AssignRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    owner_id: uuid.UUID | None = Field(description="An active user; null unassigns")


class CommentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(min_length=1, max_length=2000)


class BulkResolveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ids: list[uuid.UUID] = Field(min_length=1, max_length=500)
    resolution: Resolution = Field(description="`open` reopens them")
    note: str | None = Field(default=None, max_length=2000)


class BulkResolved(BaseModel):
    updated: int


class BulkResolvedEnvelope(BaseModel):
    data: BulkResolved


AgeBucket = Literal["lt_1d", "d1_3", "gt_3d"]


class PageMeta(BaseModel):
    page: int
    limit: int
    total: int
    total_pages: int


class CursorPageMeta(BaseModel):
    """Page meta of a keyset-pageable list (`kit/keyset.py`)."""

    page: int | None = Field(
        default=None, description="The page number; absent when the request gave `cursor`"
    )
    limit: int
    total: int
    total_pages: int
    next_cursor: str | None = Field(
        default=None,
        description="Send as `cursor` (same filters) for the rows after this page; null "
        "on the last page",
    )


class DiscrepancyPage(BaseModel):
    data: list[Discrepancy]
    meta: CursorPageMeta


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
    amendment_count: int = Field(
        default=0, description="Keys re-classified in this run since (GET …/amendments)"
    )


class RunPage(BaseModel):
    data: list[Run]
    meta: PageMeta


class RunDetailEnvelope(BaseModel):
    data: Run
