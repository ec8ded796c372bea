"""Models of re-fetch, amendments and suggested matches (OpenAPI and validation)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from psp_dashboard.kit.json import JsonMoney
from psp_dashboard.reconciliation.schemas import DiscrepancyDetail
from psp_dashboard.transactions.schemas import TransactionDetail

Classification = str  # an API type, or `matched`


class Amendment(BaseModel):
    id: uuid.UUID
    run_id: uuid.UUID
    recon_date: dt.date
    client_operation_id: str
    before: list[Classification] = Field(description="The key's rows before: API types, `matched`")
    after: list[Classification] = Field(description="The same after re-classification")
    by: str = Field(description="E-mail of who asked")
    at: dt.datetime
    reason: str = Field(description="`refetch`: the key was asked of the providers again")


class AmendmentList(BaseModel):
    data: list[Amendment]


class Fetched(BaseModel):
    vima: int = Field(description="Rows Vima answered for the key")
    payshack: int = Field(description="Rows PayShack answered for the key")


class DiscrepancyRefetch(BaseModel):
    discrepancy: DiscrepancyDetail | None = Field(
        description="The key's row after re-classification; null: the key is matched now"
    )
    amendment: Amendment | None = Field(description="Null when the day has no run")
    fetched: Fetched
    changed: bool = Field(description="Stored rows or the classification changed")


class DiscrepancyRefetchEnvelope(BaseModel):
    data: DiscrepancyRefetch


class TransactionRefetch(BaseModel):
    transaction: TransactionDetail
    changed: bool
    amendments: list[Amendment] = Field(description="One per day whose run reports the key")


class TransactionRefetchEnvelope(BaseModel):
    data: TransactionRefetch


class SuggestedTransaction(BaseModel):
    id: uuid.UUID
    source: Literal["vima", "payshack"]
    client_operation_id: str | None
    order_id: str | None
    project: str | None
    amount: JsonMoney
    status: str
    created_at: dt.datetime
    utr: str | None


class Suggestion(BaseModel):
    id: uuid.UUID = Field(description="Stable across re-runs: confirm or dismiss by it")
    side: Literal["vima", "payshack"]
    status: Literal["open", "confirmed"]
    transaction: SuggestedTransaction
    reason: Literal[
        "same_utr", "normalized_key", "other_project", "same_amount_time", "outside_window"
    ]
    reason_text: str
    rank: int = Field(description="1 = the most likely")


class SuggestionList(BaseModel):
    items: list[Suggestion]


class SuggestionListEnvelope(BaseModel):
    data: SuggestionList


class ConfirmRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(min_length=1, max_length=2000, description="Why the pair is one payment")
