"""GET /audit: the audit trail (admin), newest first, filtered and paged."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from psp_dashboard.api.deps import ConnDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.audit.service import AuditFilter, list_entries
from psp_dashboard.auth.deps import AUTH_RESPONSES, AdminDep
from psp_dashboard.errors import ValidationFailed
from psp_dashboard.kit.isodate import IsoDate
from psp_dashboard.kit.periods import check_date

router = APIRouter(prefix="/audit", tags=["audit"], route_class=ValidatedRoute)
MAX_PAGE = 100_000


class AuditEntry(BaseModel):
    id: str
    created_at: str
    actor: str | None = Field(description="The actor's e-mail; null for a refused sign-in")
    actor_id: str | None
    action: str
    target: str | None
    details: dict[str, Any] = Field(description="The action's parameters (secrets redacted)")
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
    page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> dict[str, Any]:
    # 9999-12-31 has no next day to end at; 20-digit pages overflow a BIGINT offset.
    check_date("from_date", from_date)
    check_date("to_date", to_date)
    if from_date and to_date and from_date > to_date:
        raise ValidationFailed(
            "from_date is after to_date",
            {"field": "from_date", "expected": "<= to_date", "received": from_date.isoformat()},
        )
    result = await list_entries(
        conn,
        AuditFilter(actor=actor, action=action, from_date=from_date, to_date=to_date),
        page=page,
        limit=limit,
    )
    return {
        "data": result.items,
        "meta": {
            "page": result.page,
            "limit": result.limit,
            "total": result.total,
            "total_pages": result.total_pages,
        },
    }
