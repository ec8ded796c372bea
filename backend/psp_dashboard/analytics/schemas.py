"""Response models of `/analytics/*` (bodies are dicts rendered Decimal-exact by kit.json)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from psp_dashboard.kit.json import JsonMoney


class Figures(BaseModel):
    count: int = Field(description="Transactions (rows, one per source)")
    amount: JsonMoney = Field(description="Exact sum of `amount`")
    success_count: int = Field(description="Of them with status success")
    success_amount: JsonMoney = Field(description="Exact sum of their amounts")


class BreakdownRow(Figures):
    keys: dict[str, str | int | None] = Field(
        description="The group's value of each requested dimension (null: not set)"
    )


class BreakdownTotals(Figures):
    groups: int = Field(description="Groups in the whole answer, before `limit`")


class Breakdown(BaseModel):
    engine: Literal["clickhouse", "postgresql"]
    dimensions: list[str]
    from_date: str = Field(description="YYYY-MM-DD, inclusive, in `timezone`")
    to_date: str = Field(description="YYYY-MM-DD, inclusive, in `timezone`")
    timezone: str
    rows: list[BreakdownRow]
    totals: BreakdownTotals = Field(description="Over every matching row, not only `rows`")
    as_of: datetime | None = Field(
        description="PostgreSQL: the query time; ClickHouse: the mirror's caught-up time"
    )
    truncated: bool = Field(description="More groups than `limit` (the biggest are shown)")


class MirrorStatus(BaseModel):
    configured: bool
    mode: Literal["server", "embedded"] | None
    readable_here: bool = Field(
        description="This API process can query the mirror (embedded: only beside the worker)"
    )
    rows: int | None = Field(description="Rows in the mirror after the last round (FINAL)")
    rows_fed: int = Field(description="Rows sent since the mirror started, repeats included")
    watermark: str | None = Field(description="Last change sent: `<xid>:<row id>`")
    backfill_done: bool
    pending_rows: int | None = Field(
        description="Changes not yet sent, counted up to 100,001; null before the first round"
    )
    last_fed_at: datetime | None
    caught_up_at: datetime | None = Field(
        description="Start of the last round that sent every change finished before it"
    )
    lag_seconds: int | None = Field(description="Now minus caught_up_at")
    last_error: str | None
    last_error_at: datetime | None


class BreakdownEnvelope(BaseModel):
    data: Breakdown


class MirrorStatusEnvelope(BaseModel):
    data: MirrorStatus
