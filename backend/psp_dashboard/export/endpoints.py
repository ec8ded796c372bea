"""`GET /export/*`: a day's reconciliation, or the transaction list's filters, as a
streamed CSV or XLSX download (analysts and admins)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.responses import StreamingResponse

from psp_dashboard.api.deps import RuntimeDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.auth.deps import AUTH_RESPONSES, AnalystDep
from psp_dashboard.export import reconciliation, transactions
from psp_dashboard.export.files import download, file_responses
from psp_dashboard.kit.isodate import IsoDate
from psp_dashboard.kit.periods import today_in
from psp_dashboard.kit.streaming import Format
from psp_dashboard.reconciliation.schemas import Resolution
from psp_dashboard.transactions.filters import Order, SortBy, TransactionFiltersDep

router = APIRouter(prefix="/export", tags=["export"], route_class=ValidatedRoute)


@router.get(
    "/reconciliation",
    operation_id="export_reconciliation",
    summary="Download a day's reconciliation as CSV or XLSX (analysts and admins)",
    response_class=StreamingResponse,
    responses={
        **file_responses(
            "The file, streamed (header row first; amounts exact, 2 decimals; times UTC)"
        ),
        404: {"description": "The day has no reconciliation run"},
        **AUTH_RESPONSES,
    },
)
async def export_reconciliation(
    principal: AnalystDep,
    runtime: RuntimeDep,
    day: Annotated[IsoDate, Query(alias="date", description="YYYY-MM-DD")],
    format: Annotated[Format, Query(description="File format")] = "csv",  # contract name
    type: Annotated[
        reconciliation.ExportType | None,
        Query(description="One kind of row; none: every discrepancy and missing row"),
    ] = None,
    resolution: Annotated[Resolution | None, Query(description="State")] = None,
) -> StreamingResponse:
    export = await reconciliation.export_reconciliation(
        runtime, principal, day, fmt=format, kind=type, resolution=resolution
    )
    return download(export)


@router.get(
    "/transactions",
    operation_id="export_transactions",
    summary="Download the filtered transactions as CSV or XLSX (analysts and admins)",
    response_class=StreamingResponse,
    responses={
        **file_responses(
            "The file, streamed (header row first; amounts exact, with their currency's "
            "decimals; times UTC)"
        ),
        400: {
            "description": "Invalid parameters, or more rows than EXPORT_MAX_ROWS "
            '(details: {"field": "filters", "reason": "export_too_large", "rows", '
            '"max_rows"})'
        },
        **AUTH_RESPONSES,
    },
)
async def export_transactions(
    principal: AnalystDep,
    runtime: RuntimeDep,
    filters: TransactionFiltersDep,
    format: Annotated[Format, Query(description="File format")] = "csv",  # contract name
    sort_by: Annotated[SortBy, Query(description="Row order")] = "created_at",
    order: Annotated[Order, Query(description="Sort direction")] = "desc",
) -> StreamingResponse:
    export = await transactions.export_transactions(
        runtime.engine,
        principal,
        filters,
        fmt=format,
        sort_by=sort_by,
        order=order,
        cap=runtime.settings.export_max_rows,
        today=today_in(filters.tz),
        reads=(await runtime.reads()).engine,
    )
    return download(export)
