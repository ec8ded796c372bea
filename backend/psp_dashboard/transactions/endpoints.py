"""`GET /transactions` and `GET /transactions/{id}`."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query
from starlette.responses import Response

from psp_dashboard.api.deps import ReadConnDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.auth.deps import AUTH_RESPONSES, ViewerDep
from psp_dashboard.kit.json import ExactJSONResponse
from psp_dashboard.kit.keyset import CursorQuery
from psp_dashboard.kit.paging import LimitQuery, PageQuery
from psp_dashboard.transactions import schemas, service
from psp_dashboard.transactions.filters import Order, SortBy, TransactionFiltersDep
from psp_dashboard.upi import service as upi
from psp_dashboard.upi.deps import DeemedBeforeDep

router = APIRouter(prefix="/transactions", tags=["transactions"], route_class=ValidatedRoute)


@router.get(
    "",
    operation_id="transactions_list",
    summary="Transactions, filtered, sorted and paged (by page number or keyset cursor)",
    response_model=schemas.TransactionPage,
    responses=AUTH_RESPONSES,
)
async def list_transactions(
    principal: ViewerDep,
    conn: ReadConnDep,
    filters: TransactionFiltersDep,
    page: PageQuery = 1,
    limit: LimitQuery = 50,
    sort_by: Annotated[SortBy, Query(description="Sort key")] = "created_at",
    order: Annotated[Order, Query(description="Sort direction")] = "desc",
    cursor: CursorQuery = None,
) -> Response:
    body = await service.list_transactions(
        conn,
        principal,
        filters,
        page=page,
        limit=limit,
        sort_by=sort_by,
        order=order,
        cursor=cursor,
    )
    return ExactJSONResponse(body)


@router.get(
    "/{transaction_id}",
    operation_id="transactions_get",
    summary="One transaction with the provider's raw record",
    response_model=schemas.TransactionEnvelope,
    responses={**AUTH_RESPONSES, 404: {"description": "No transaction with this id"}},
)
async def get_transaction(
    principal: ViewerDep,
    conn: ReadConnDep,
    transaction_id: Annotated[uuid.UUID, Path(description="Transaction id (UUID)")],
    deemed_before: DeemedBeforeDep,
) -> Response:
    row = await service.get_transaction(conn, principal, transaction_id, deemed_before)
    return ExactJSONResponse({"data": row})


@router.get(
    "/{transaction_id}/timeline",
    operation_id="transactions_timeline",
    summary="Every status the transaction was seen with across syncs, oldest first",
    response_model=schemas.TimelineEnvelope,
    responses={**AUTH_RESPONSES, 404: {"description": "No transaction with this id"}},
)
async def get_timeline(
    _: ViewerDep,
    conn: ReadConnDep,
    transaction_id: Annotated[uuid.UUID, Path(description="Transaction id (UUID)")],
) -> Response:
    return ExactJSONResponse({"data": await upi.timeline(conn, transaction_id)})
