"""Fixtures of the UPI tests: the read API as a signed-in caller, on a clock they set."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from httpx import ASGITransport, AsyncClient

from psp_dashboard.main import create_app
from psp_dashboard.metrics.clock import current_time
from psp_dashboard.runtime import Runtime
from tests.api.conftest import Api


@pytest.fixture
async def api(clean_db: Runtime, client: AsyncClient) -> AsyncIterator[Api]:
    yield Api(client, clean_db)


@pytest.fixture
async def frozen(clean_db: Runtime) -> AsyncIterator[tuple[Api, list[datetime]]]:
    """An API whose clock reads the instants pushed to the returned list (last wins)."""
    clock: list[datetime] = []
    app = create_app(clean_db.settings, runtime=clean_db)
    app.dependency_overrides[current_time] = lambda: clock[-1]
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http:
        yield Api(http, clean_db), clock
