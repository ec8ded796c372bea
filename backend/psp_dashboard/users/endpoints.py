"""GET /users, POST /users, PATCH /users/{id}: user management (admin)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter

from psp_dashboard.api.deps import ConnDep, RuntimeDep
from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.auth.deps import AUTH_RESPONSES, AdminDep
from psp_dashboard.auth.service import session_store
from psp_dashboard.users import repository, service
from psp_dashboard.users.schemas import UserIn, UserListOut, UserOut, UserPatch

router = APIRouter(prefix="/users", tags=["users"], route_class=ValidatedRoute)


@router.get(
    "",
    response_model=UserListOut,
    operation_id="list_users",
    summary="Every user with role and status",
    responses=AUTH_RESPONSES,
)
async def list_users(_: AdminDep, conn: ConnDep) -> dict[str, Any]:
    return {"data": [service.public(u) for u in await repository.list_all(conn)]}


@router.post(
    "",
    response_model=UserOut,
    status_code=201,
    operation_id="create_user",
    summary="Create a user",
    responses={**AUTH_RESPONSES, 409: {"description": "The e-mail is taken"}},
)
async def create_user(body: UserIn, principal: AdminDep, conn: ConnDep) -> dict[str, Any]:
    user = await service.create_user(
        conn, principal, body.email, body.role, body.password.get_secret_value()
    )
    return {"data": service.public(user)}


@router.patch(
    "/{user_id}",
    response_model=UserOut,
    operation_id="update_user",
    summary="Change a user's role, enable/disable them, or reset their password",
    responses={
        **AUTH_RESPONSES,
        404: {"description": "No such user"},
        409: {"description": "The change would leave no active admin"},
    },
)
async def update_user(
    user_id: uuid.UUID, body: UserPatch, principal: AdminDep, conn: ConnDep, runtime: RuntimeDep
) -> dict[str, Any]:
    user = await service.update_user(
        conn,
        principal,
        user_id,
        session_store(runtime),
        role=body.role,
        is_active=body.is_active,
        password=None if body.password is None else body.password.get_secret_value(),
    )
    return {"data": service.public(user)}
