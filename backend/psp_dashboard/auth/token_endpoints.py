"""POST /tokens, GET /tokens, DELETE /tokens/{id}: personal API tokens.

Any signed-in user manages their own tokens (a token acts within the scope chosen at
creation, never above its owner's role); an admin sees and revokes everyone's, and may
issue one for another user.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Response

from psp_dashboard.api.deps import ConnDep, SettingsDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.auth import tokens
from psp_dashboard.auth.deps import AUTH_RESPONSES, ViewerDep
from psp_dashboard.auth.schemas import CreatedTokenOut, TokenIn, TokenListOut, TokenOut

router = APIRouter(prefix="/tokens", tags=["tokens"], route_class=ValidatedRoute)


@router.post(
    "",
    response_model=CreatedTokenOut,
    status_code=201,
    operation_id="create_token",
    summary="Create an API token (the token is in this response only)",
    responses={**AUTH_RESPONSES, 404: {"description": "No such user"}},
)
async def create_token(
    body: TokenIn, principal: ViewerDep, conn: ConnDep, response: Response, settings: SettingsDep
) -> dict[str, Any]:
    token, described = await tokens.create_token(
        conn,
        principal,
        name=body.name,
        expires_at=body.expires_at,
        user_id=body.user_id,
        scope=body.scope,
        max_days=settings.token_max_days,
    )
    response.headers["Cache-Control"] = "no-store"
    return {"data": {**described, "token": token}}


@router.get(
    "",
    response_model=TokenListOut,
    operation_id="list_tokens",
    summary="API tokens: your own; an admin sees every user's",
    responses=AUTH_RESPONSES,
)
async def list_tokens(principal: ViewerDep, conn: ConnDep) -> dict[str, Any]:
    return {"data": await tokens.list_tokens(conn, principal)}


@router.delete(
    "/{token_id}",
    response_model=TokenOut,
    operation_id="revoke_token",
    summary="Revoke an API token (your own; an admin any)",
    responses={**AUTH_RESPONSES, 404: {"description": "No such token"}},
)
async def revoke_token(token_id: uuid.UUID, principal: ViewerDep, conn: ConnDep) -> dict[str, Any]:
    return {"data": await tokens.revoke_token(conn, principal, token_id)}
