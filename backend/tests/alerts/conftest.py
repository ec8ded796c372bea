"""Fixtures of the alerts tests: empty alert tables, a known encryption key, sign-ins."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import pytest
from httpx import AsyncClient
from pydantic import SecretStr
from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from tests.support.auth import sign_in
from tests.support.runtime import runtime_with

ALERT_TABLES = ("alert_deliveries", "alert_states", "alerts", "alert_rules", "alert_channels")
API = "/api/v1"


@pytest.fixture
def alerts_rt(clean_db: Runtime) -> Iterator[Runtime]:
    """The session runtime with empty alert tables and a fixed ALERTS_ENCRYPTION_KEY (no
    key file is written under DATA_DIR)."""
    with runtime_with(
        clean_db, settings={"alerts_encryption_key": SecretStr("test-alerts-key")}
    ) as rt:
        yield rt


@pytest.fixture(autouse=True)
async def _empty_alert_tables(clean_db: Runtime) -> None:
    async with clean_db.engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {', '.join(ALERT_TABLES)} CASCADE"))


class Caller:
    """Requests to /api/v1 as a role (signed in once per role)."""

    def __init__(self, client: AsyncClient, runtime: Runtime) -> None:
        self.client, self.runtime = client, runtime
        self._headers: dict[str, dict[str, str]] = {}

    async def headers(self, role: str) -> dict[str, str]:
        if role not in self._headers:
            self._headers[role] = await sign_in(self.client, self.runtime, role)
        return self._headers[role]

    async def call(self, method: str, path: str, role: str = "admin", **kwargs: Any) -> Any:
        return await self.client.request(
            method, f"{API}{path}", headers=await self.headers(role), **kwargs
        )


@pytest.fixture
async def caller(alerts_rt: Runtime, client: AsyncClient) -> AsyncIterator[Caller]:
    yield Caller(client, alerts_rt)


async def insert_run(
    rt: Runtime, source: str, status: str, at: datetime, error: str | None = None
) -> Any:
    """A finished sync run record, as the pipeline writes one."""
    async with rt.engine.begin() as conn:
        return (
            await conn.execute(
                text(
                    "INSERT INTO sync_runs (source, status, started_at, finished_at, error) "
                    "VALUES (:s, :st, :at, :at, :e) RETURNING id"
                ),
                {"s": source, "st": status, "at": at, "e": error},
            )
        ).scalar_one()
