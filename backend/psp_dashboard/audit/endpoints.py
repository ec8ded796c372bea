"""GET /audit: the audit trail (admin), newest first, filtered and paged; one entry in
full; the filtered trail as a file."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field
from starlette.responses import StreamingResponse

from psp_dashboard.api.deps import ConnDep, RuntimeDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.audit import export
from psp_dashboard.audit.service import AuditFilter, get_entry, list_entries
from psp_dashboard.auth.deps import AUTH_RESPONSES, AdminDep
from psp_dashboard.errors import NotFound, ValidationFailed
from psp_dashboard.export.files import download, file_responses
from psp_dashboard.kit.isodate import IsoDate
from psp_dashboard.kit.periods import check_date
from psp_dashboard.kit.streaming import Format

router = APIRouter(prefix="/audit", tags=["audit"], route_class=ValidatedRoute)
MAX_PAGE = 100_000


class AuditEntry(BaseModel):
    id: str
    created_at: str
    actor: str | None = Field(description="The actor's e-mail; null for a refused sign-in")
    actor_id: str | None
    action: str
    action_label: str = Field(
        description="What was done, for people (`Changed a user's role`); unknown actions "
        "get their code in words"
    )
    target: str | None
    target_label: str | None = Field(
        description="The target by its own name: the transaction key and day of a "
        "discrepancy, a token's name, a user's e-mail, a source and its days"
    )
    details: dict[str, Any] = Field(
        description="The action's parameters in full (secrets redacted)"
    )
    outcome: str
    ip: str | None
    request_id: str | None


class PageMeta(BaseModel):
    page: int
    limit: int
    total: int
    total_pages: int


class AuditListOut(BaseModel):
    data: list[AuditEntry]
    meta: PageMeta


class AuditEntryOut(BaseModel):
    data: AuditEntry


def audit_filter(
    actor: Annotated[
        str | None,
        Query(max_length=255, description="Actor e-mail or id (a refused sign-in: its e-mail)"),
    ] = None,
    action: Annotated[
        str | None,
        Query(max_length=64, description="Exact action, or a prefix ending in * (`auth.*`)"),
    ] = None,
    from_date: Annotated[IsoDate | None, Query(description="First day (UTC), inclusive")] = None,
    to_date: Annotated[IsoDate | None, Query(description="Last day (UTC), inclusive")] = None,
) -> AuditFilter:
    # 9999-12-31 has no next day to end at.
    check_date("from_date", from_date)
    check_date("to_date", to_date)
    if from_date and to_date and from_date > to_date:
        raise ValidationFailed(
            "from_date is after to_date",
            {"field": "from_date", "expected": "<= to_date", "received": from_date.isoformat()},
        )
    return AuditFilter(actor=actor, action=action, from_date=from_date, to_date=to_date)


AuditFilterDep = Annotated[AuditFilter, Depends(audit_filter)]


@router.get(
    "",
    response_model=AuditListOut,
    operation_id="list_audit",
    summary="Who did what, when: sign-ins, exports, syncs, runs, resolutions, user changes",
    responses=AUTH_RESPONSES,
)
async def list_audit(
    _: AdminDep,
    conn: ConnDep,
    flt: AuditFilterDep,
    # 20-digit pages would overflow a BIGINT offset.
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    result = await list_entries(conn, flt, page=page, limit=limit)
    return {
        "data": result.items,
        "meta": {
            "page": result.page,
            "limit": result.limit,
            "total": result.total,
            "total_pages": result.total_pages,
        },
    }


@router.get(
    "/export",
    operation_id="export_audit",
    summary="Download the filtered audit trail as CSV or XLSX, labels included (admins)",
    response_class=StreamingResponse,
    responses={
        **file_responses("The file, streamed, newest first (header row first; times UTC)"),
        400: {
            "description": "Invalid parameters, or more entries than EXPORT_MAX_ROWS "
            '(details: {"reason": "export_too_large", "rows", "max_rows"})'
        },
        **AUTH_RESPONSES,
    },
)
async def export_audit(
    principal: AdminDep,
    runtime: RuntimeDep,
    flt: AuditFilterDep,
    format: Annotated[Format, Query(description="File format")] = "csv",  # as /export/*
) -> StreamingResponse:
    exported = await export.export_audit(
        runtime.engine,
        principal,
        flt,
        fmt=format,
        cap=runtime.settings.export_max_rows,
        today=datetime.now(UTC).date(),
    )
    return download(exported)


@router.get(
    "/{entry_id}",
    response_model=AuditEntryOut,
    operation_id="get_audit_entry",
    summary="One audit entry, with its labels and its details in full",
    responses={404: {"description": "No such entry"}, **AUTH_RESPONSES},
)
async def get_audit_entry(
    _: AdminDep,
    conn: ConnDep,
    entry_id: Annotated[int, Path(ge=1, le=2**63 - 1, description="The entry's id")],
) -> dict[str, Any]:
    entry = await get_entry(conn, entry_id)
    if entry is None:
        raise NotFound("No such audit entry", {"id": str(entry_id)})
    return {"data": entry}
