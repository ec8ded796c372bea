"""Fixtures for connector tests: the PayShack API stand-in over an in-process transport."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.connectors.payshack_fake import FakePayShack


@pytest.fixture
def payshack() -> FakePayShack:
    return FakePayShack()


@pytest.fixture
async def http(payshack: FakePayShack) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=payshack.app())) as client:
        yield client
