"""Transaction response models (OpenAPI and tests; bodies are rendered by `kit.json`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from psp_dashboard.kit.json import JsonMoney


class UpiFlags(BaseModel):
    """UPI-aware status (docs/upi.md)."""

    deemed: bool = Field(
        description="A UPI pay-in still pending UPI_DEEMED_AFTER_MINUTES after creation"
    )
    reversed: bool = Field(description="Refunded now, seen successful by an earlier sync")
    reversal_age_seconds: int | None = Field(
        description="From the last success seen to the refund seen; null unless reversed"
    )


class TimelineItem(BaseModel):
    status: Literal["success", "failed", "pending", "refunded"]
    original_status: str | None = Field(description="The provider's own status")
    seen_at: datetime = Field(description="When ingestion first stored this status")
    sync_run_id: uuid.UUID | None = Field(
        description="The sync run that saw it; null for rows stored before the history"
    )


class TimelineReversal(BaseModel):
    paid_seen_at: datetime
    reversed_seen_at: datetime
    age_seconds: int


class Timeline(BaseModel):
    items: list[TimelineItem] = Field(description="Oldest first")
    reversal: TimelineReversal | None = Field(description="Present when the row is reversed")


class TimelineEnvelope(BaseModel):
    data: Timeline


class Transaction(BaseModel):
    id: uuid.UUID
    source: Literal["vima", "payshack"]
    source_id: str
    reference_id: str | None
    client_operation_id: str | None
    order_id: str | None
    project: str | None
    merchant_id: str | None
    amount: JsonMoney
    currency: str
    fee: JsonMoney | None
    status: Literal["success", "failed", "pending", "refunded"]
    direction: Literal["payin", "payout"] = Field(
        description="payin: money in; payout: a PayShack pay-out (money out)"
    )
    original_status: str | None
    user_id: str | None
    user_email: str | None = Field(description="Masked for viewers")
    user_phone: str | None = Field(description="Masked for viewers")
    user_name: str | None = Field(description="Masked for viewers")
    country: str | None
    utr: str | None
    payment_method: str | None
    payment_product: str | None
    created_at: datetime
    updated_at: datetime | None
    completed_at: datetime | None
    upi: UpiFlags = Field(description="Addition: deemed / reversed (docs/upi.md)")


class TransactionDetail(Transaction):
    raw_data: dict[str, Any] | list[Any] | None = Field(
        description="The provider's record as received (payer fields masked for viewers)"
    )


class PageMeta(BaseModel):
    page: int | None = Field(
        default=None, description="The page number; absent when the request gave `cursor`"
    )
    limit: int
    total: int = Field(description="Exact number of matching transactions")
    total_pages: int
    next_cursor: str | None = Field(
        default=None,
        description="Send as `cursor` (same filters and sort) for the rows after this "
        "page; null on the last page",
    )


class TransactionPage(BaseModel):
    data: list[Transaction]
    meta: PageMeta


class TransactionEnvelope(BaseModel):
    data: TransactionDetail
