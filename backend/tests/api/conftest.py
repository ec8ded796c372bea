"""Fixtures of the read-API tests: a signed-in caller per role, shared random datasets."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from tests.conftest import DATA_TABLES
from tests.support.auth import sign_in

API = "/api/v1"


class Api:
    """GETs as a role; signs in lazily (after any fixture that emptied the users table)."""

    def __init__(self, client: AsyncClient, runtime: Runtime) -> None:
        self.client = client
        self.runtime = runtime
        self._headers: dict[str, dict[str, str]] = {}

    async def headers(self, role: str) -> dict[str, str]:
        if role not in self._headers:
            self._headers[role] = await sign_in(self.client, self.runtime, role)
        return self._headers[role]

    async def get(self, path: str, role: str = "analyst", **params: Any) -> Response:
        query = {k: v for k, v in params.items() if v is not None}
        return await self.client.get(f"{API}{path}", params=query, headers=await self.headers(role))

    async def data(self, path: str, role: str = "analyst", **params: Any) -> Any:
        """The payload, numbers parsed as Decimal so amounts compare exactly."""
        response = await self.get(path, role, **params)
        assert response.status_code == 200, response.text
        return json.loads(response.text, parse_float=Decimal)["data"]


async def reset(runtime: Runtime) -> None:
    async with runtime.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(DATA_TABLES)} CASCADE"))
    await runtime.cache.delete_pattern("*")


@pytest.fixture
async def api(clean_db: Runtime, client: AsyncClient) -> AsyncIterator[Api]:
    yield Api(client, clean_db)
