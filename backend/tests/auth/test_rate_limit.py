"""Failed sign-ins are limited per account and per client address, then recover."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from httpx import AsyncClient

from psp_dashboard.auth.ratelimit import LIMITS_KEY, LoginLimits
from psp_dashboard.runtime import Runtime
from tests.support.auth import TEST_PASSWORD, ensure_test_user, role_email

LOGIN = "/api/v1/auth/login"
WINDOW = 2


@pytest.fixture
def short_window(runtime: Runtime) -> Iterator[None]:
    before = runtime.extras.get(LIMITS_KEY)
    runtime.extras[LIMITS_KEY] = LoginLimits(
        window_seconds=WINDOW, max_failures_per_account=3, max_failures_per_ip=6
    )
    yield
    runtime.extras[LIMITS_KEY] = before or LoginLimits()


async def _login(http: AsyncClient, email: str, password: str) -> int:
    return (await http.post(LOGIN, json={"email": email, "password": password})).status_code


async def test_account_limit_returns_429_envelope_then_recovers(
    clean_db: Runtime, http: AsyncClient, short_window: None
) -> None:
    await ensure_test_user(clean_db, "viewer")
    email = role_email("viewer")
    for _ in range(3):
        assert await _login(http, email, "wrong-password-123") == 401
    limited = await http.post(LOGIN, json={"email": email, "password": TEST_PASSWORD})
    # Even the right password waits: the limit is on the account, not the guess.
    assert limited.status_code == 429
    body = limited.json()
    assert body["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    retry_after = int(limited.headers["retry-after"])
    assert 1 <= retry_after <= WINDOW
    assert body["error"]["details"]["retry_after_seconds"] == retry_after
    await asyncio.sleep(WINDOW + 0.2)
    assert await _login(http, email, TEST_PASSWORD) == 200


async def test_address_limit_covers_many_accounts(
    clean_db: Runtime, http: AsyncClient, short_window: None
) -> None:
    await ensure_test_user(clean_db, "analyst")
    for i in range(6):
        assert await _login(http, f"spray{i}@tests.local", "wrong-password-123") == 401
    assert await _login(http, role_email("analyst"), TEST_PASSWORD) == 429
    await asyncio.sleep(WINDOW + 0.2)
    assert await _login(http, role_email("analyst"), TEST_PASSWORD) == 200


async def test_success_clears_the_account_count(
    clean_db: Runtime, http: AsyncClient, short_window: None
) -> None:
    await ensure_test_user(clean_db, "viewer")
    email = role_email("viewer")
    for _ in range(2):
        assert await _login(http, email, "wrong-password-123") == 401
    assert await _login(http, email, TEST_PASSWORD) == 200
    for _ in range(2):
        assert await _login(http, email, "wrong-password-123") == 401
    assert await _login(http, email, TEST_PASSWORD) == 200
