"""FastAPI dependencies shared by every domain's endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.cache import Cache
from psp_dashboard.config import Settings
from psp_dashboard.runtime import Runtime


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_settings_dep(runtime: RuntimeDep) -> Settings:
    return runtime.settings


def get_cache(runtime: RuntimeDep) -> Cache:
    return runtime.cache


async def get_conn(runtime: RuntimeDep) -> AsyncIterator[AsyncConnection]:
    """One transaction per request; services never commit, this does."""
    async with runtime.engine.begin() as conn:
        yield conn


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
CacheDep = Annotated[Cache, Depends(get_cache)]
# scope="function": the transaction commits when the endpoint returns, before the
# response is sent. With the default ("request") FastAPI commits after sending, so a
# client could be told 200 for a write whose commit then fails, or read its own write
# back before it is visible.
ConnDep = Annotated[AsyncConnection, Depends(get_conn, scope="function")]
