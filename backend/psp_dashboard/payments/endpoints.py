"""`/payments/*`: a linked Vima/PayShack pair shown as one payment (docs/payments.md).

The transaction list shows rows; with `/payments/links` for the ids of a page the table
can fold each linked pair into one payment line, and `/payments/{id}` gives both sides.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from psp_dashboard.api.deps import ReadConnDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.auth.deps import AUTH_RESPONSES, ViewerDep
from psp_dashboard.errors import found
from psp_dashboard.kit.json import ExactJSONResponse
from psp_dashboard.payments import repository, schemas
from psp_dashboard.transactions import repository as transactions
from psp_dashboard.transactions.service import shape
from psp_dashboard.upi import service as upi
from psp_dashboard.upi.deps import DeemedBeforeDep

router = APIRouter(prefix="/payments", tags=["payments"], route_class=ValidatedRoute)

MAX_IDS = 500  # two pages of the largest transaction page


@router.get(
    "/links",
    operation_id="payments_links",
    summary="For transaction ids (e.g. a page of the list), the other side of each linked payment",
    response_model=schemas.LinksEnvelope,
    responses=AUTH_RESPONSES,
)
async def links(
    _: ViewerDep,
    conn: ReadConnDep,
    ids: Annotated[
        list[uuid.UUID],
        Query(alias="id", min_length=1, max_length=MAX_IDS, description="Transaction ids"),
    ],
) -> Response:
    pairs = await repository.partners(conn, list(dict.fromkeys(ids)))
    body = [{"id": own, "partner_id": other} for own, other in pairs.items()]
    return ExactJSONResponse({"data": body})


@router.get(
    "/{transaction_id}",
    operation_id="payments_get",
    summary="The payment a transaction is part of: its record and PayShack counterpart",
    response_model=schemas.PaymentEnvelope,
    responses={**AUTH_RESPONSES, 404: {"description": "No transaction with this id"}},
)
async def get_payment(
    principal: ViewerDep,
    conn: ReadConnDep,
    transaction_id: Annotated[uuid.UUID, Path(description="Either side's transaction id")],
    deemed_before: DeemedBeforeDep,
) -> Response:
    row = found(
        await transactions.get(conn, transaction_id),
        "Transaction not found",
        {"id": str(transaction_id)},
    )
    partner_id = await repository.partner_of(conn, transaction_id)
    partner = await transactions.get(conn, partner_id) if partner_id is not None else None
    if partner is not None and row["source"] == "payshack":
        row, partner = partner, row
    await upi.annotate(conn, [r for r in (row, partner) if r is not None], deemed_before)
    payment = {
        "linked": partner is not None,
        "record": shape(row, principal),
        "counterpart": shape(partner, principal) if partner is not None else None,
    }
    return ExactJSONResponse({"data": payment})
