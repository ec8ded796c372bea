"""Re-fetch one key from the providers, a run's amendments, suggested matches."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.responses import Response

from psp_dashboard.api.deps import ConnDep, RuntimeDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.auth.deps import AUTH_RESPONSES, AnalystDep, ViewerDep
from psp_dashboard.errors import found
from psp_dashboard.kit.json import ExactJSONResponse
from psp_dashboard.reconciliation import amend, refetch_flow, repository, service, suggestions
from psp_dashboard.reconciliation import amend_schemas as schemas
from psp_dashboard.reconciliation.schemas import DiscrepancyDetailEnvelope

router = APIRouter(tags=["reconciliation"], route_class=ValidatedRoute)

_REFETCH_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    400: {"description": "The row or transaction has no key"},
    404: {"description": "Not found"},
    409: {
        "description": "A run of the day or a sync of a source is going on, the row is "
        "superseded, a source is not configured, or PayShack is read through the browser only"
    },
    502: {"description": "A provider did not answer"},
}
_SUGGESTION_RESPONSES: dict[int | str, dict[str, Any]] = {
    **AUTH_RESPONSES,
    404: {"description": "No such suggestion in a day's current run"},
    409: {"description": "Already confirmed, or the row is not in its day's current run"},
}
DiscrepancyId = Annotated[uuid.UUID, Path(description="Discrepancy id")]
SuggestionId = Annotated[uuid.UUID, Path(description="Suggestion id")]


@router.post(
    "/reconciliation/discrepancies/{discrepancy_id:uuid}/refetch",
    operation_id="reconciliation_refetch",
    summary="Ask both providers for this key again and re-classify it in the current run",
    response_model=schemas.DiscrepancyRefetchEnvelope,
    responses=_REFETCH_RESPONSES,
)
async def refetch_discrepancy(
    principal: AnalystDep, runtime: RuntimeDep, discrepancy_id: DiscrepancyId
) -> Response:
    body = await refetch_flow.refetch_discrepancy(runtime, principal, discrepancy_id)
    return ExactJSONResponse({"data": body})


@router.post(
    "/transactions/{transaction_id:uuid}/refetch",
    operation_id="transactions_refetch",
    summary="Ask both providers for this transaction's key again; re-classify it",
    response_model=schemas.TransactionRefetchEnvelope,
    responses=_REFETCH_RESPONSES,
)
async def refetch_transaction(
    principal: AnalystDep,
    runtime: RuntimeDep,
    transaction_id: Annotated[uuid.UUID, Path(description="Transaction id")],
) -> Response:
    body = await refetch_flow.refetch_transaction(runtime, principal, transaction_id)
    return ExactJSONResponse({"data": body})


@router.get(
    "/reconciliation/runs/{run_id:uuid}/amendments",
    operation_id="reconciliation_run_amendments",
    summary="The run's amendments (keys re-classified after a re-fetch), oldest first",
    response_model=schemas.AmendmentList,
    responses={**AUTH_RESPONSES, 404: {"description": "No run with this id"}},
)
async def run_amendments(
    principal: ViewerDep,
    conn: ConnDep,
    run_id: Annotated[uuid.UUID, Path(description="Run id")],
) -> Response:
    found(
        await repository.get_run(conn, run_id), "Reconciliation run not found", {"id": str(run_id)}
    )
    by_run = await amend.amendments_of(conn, [run_id])
    return ExactJSONResponse({"data": by_run.get(str(run_id), [])})


@router.get(
    "/reconciliation/discrepancies/{discrepancy_id:uuid}/suggestions",
    operation_id="reconciliation_suggestions",
    summary="Likely counterparts of a missing row, ranked, with the reason",
    response_model=schemas.SuggestionListEnvelope,
    responses={**AUTH_RESPONSES, 404: {"description": "No discrepancy with this id"}},
)
async def list_suggestions(
    principal: ViewerDep, runtime: RuntimeDep, discrepancy_id: DiscrepancyId
) -> Response:
    body = await suggestions.suggestions_for(runtime, principal, discrepancy_id)
    return ExactJSONResponse({"data": body})


@router.post(
    "/reconciliation/suggestions/{suggestion_id:uuid}/confirm",
    operation_id="reconciliation_suggestion_confirm",
    summary="Confirm a suggested match: the pair is resolved as matched by hand",
    response_model=DiscrepancyDetailEnvelope,
    responses=_SUGGESTION_RESPONSES,
)
async def confirm_suggestion(
    principal: AnalystDep,
    runtime: RuntimeDep,
    suggestion_id: SuggestionId,
    body: schemas.ConfirmRequest,
) -> Response:
    result_id = await suggestions.confirm(runtime, principal, suggestion_id, body.note)
    async with runtime.engine.connect() as conn:
        row = await service.get_discrepancy(conn, principal, result_id)
    return ExactJSONResponse({"data": row})


@router.post(
    "/reconciliation/suggestions/{suggestion_id:uuid}/dismiss",
    operation_id="reconciliation_suggestion_dismiss",
    summary="Dismiss a suggested match: never suggested again for this pair",
    status_code=204,
    responses=_SUGGESTION_RESPONSES,
)
async def dismiss_suggestion(
    principal: AnalystDep, runtime: RuntimeDep, suggestion_id: SuggestionId
) -> Response:
    await suggestions.dismiss(runtime, principal, suggestion_id)
    return Response(status_code=204)
