"""Response models of the payment routes."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from psp_dashboard.transactions.schemas import TransactionDetail


class Payment(BaseModel):
    linked: bool = Field(description="Both providers' rows of this payment are known")
    record: TransactionDetail = Field(
        description="The payment's record: the Vima row when linked, else the row asked for"
    )
    counterpart: TransactionDetail | None = Field(
        description="The PayShack row that is the same payment; null when not linked"
    )


class PaymentEnvelope(BaseModel):
    data: Payment


class Link(BaseModel):
    id: uuid.UUID = Field(description="A transaction id that was asked for")
    partner_id: uuid.UUID = Field(description="The other side of its payment")


class LinksEnvelope(BaseModel):
    data: list[Link] = Field(description="Only the ids that are in a link")
