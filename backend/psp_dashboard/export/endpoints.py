"""`GET /export/transactions`: the list's filters, as a streamed CSV or XLSX download."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.responses import StreamingResponse

from psp_dashboard.api.deps import RuntimeDep
from psp_dashboard.auth.deps import AUTH_RESPONSES, AnalystDep
from psp_dashboard.export import service
from psp_dashboard.kit.tabular import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from psp_dashboard.metrics import daily
from psp_dashboard.metrics.periods import today_in
from psp_dashboard.transactions.filters import Order, SortBy, TransactionFiltersDep

router = APIRouter(prefix="/export", tags=["export"])

_FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file, streamed (header row first; amounts exact to 4 decimals)",
        "content": {
            CSV_MEDIA_TYPE: {"schema": {"type": "string"}},
            XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    },
    400: {
        "description": "Invalid parameters, or more rows than EXPORT_MAX_ROWS "
        '(details: {"field": "filters", "reason": "export_too_large", "rows", "max_rows"})'
    },
    **AUTH_RESPONSES,
}


@router.get(
    "/transactions",
    operation_id="export_transactions",
    summary="Download the filtered transactions as CSV or XLSX (analysts and admins)",
    response_class=StreamingResponse,
    responses=_FILE_RESPONSES,
)
async def export_transactions(
    principal: AnalystDep,
    runtime: RuntimeDep,
    filters: TransactionFiltersDep,
    format: Annotated[  # the contract's parameter name, shadowing the builtin
        service.Format, Query(description="File format")
    ] = "csv",
    sort_by: Annotated[SortBy, Query(description="Row order")] = "created_at",
    order: Annotated[Order, Query(description="Sort direction")] = "desc",
) -> StreamingResponse:
    export = await service.export_transactions(
        runtime.engine,
        principal,
        filters,
        fmt=format,
        sort_by=sort_by,
        order=order,
        cap=runtime.settings.export_max_rows,
        today=today_in(filters.tz),
        use_daily=await daily.available(runtime.engine, runtime.extras),
    )
    return StreamingResponse(
        export.body,
        media_type=export.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "X-Export-Rows": str(export.rows),
            "Cache-Control": "no-store",
        },
    )
