"""FastAPI dependencies shared by every domain's endpoints."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.api.read_source import STATE_KEY as READ_SOURCE_STATE_KEY
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


async def get_read_conn(runtime: RuntimeDep, request: Request) -> AsyncIterator[AsyncConnection]:
    """A connection for read-only work: the standby while it is fresh enough, else the
    primary (replica.py). Which one answered goes out as X-Data-Source / X-Data-As-Of."""
    source = await runtime.reads()
    setattr(request.state, READ_SOURCE_STATE_KEY, source)
    async with source.engine.connect() as conn:
        yield conn


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
# Read-only endpoints (metrics, lists, search, detail, exports): never for a write, nor
# for what must show the caller's own write at once.
ReadConnDep = Annotated[AsyncConnection, Depends(get_read_conn, scope="function")]
