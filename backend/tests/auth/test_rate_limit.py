"""Failed sign-ins are limited per account and per client address, then recover."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text

from psp_dashboard.auth.ratelimit import LoginLimits, LoginRateLimiter
from psp_dashboard.runtime import Runtime
from tests.support.auth import TEST_PASSWORD, ensure_test_user, role_email
from tests.support.runtime import runtime_with

LOGIN = "/api/v1/auth/login"
WINDOW = 2


@pytest.fixture
def short_window(runtime: Runtime) -> Iterator[None]:
    limits = LoginLimits(
        window_seconds=WINDOW,
        max_failures_per_account_and_ip=3,
        max_failures_per_ip=6,
        max_failures_per_account=1000,
    )
    with runtime_with(runtime, login_limits=limits):
        yield


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


# ---------------------------------------------------------------- finding 3


@pytest.fixture
def limits(runtime: Runtime) -> Iterator[LoginLimits]:
    chosen = LoginLimits(
        window_seconds=600,
        max_failures_per_account_and_ip=5,
        max_failures_per_ip=1000,
        max_failures_per_account=8,
    )
    with runtime_with(runtime, login_limits=chosen):
        yield chosen


def _from(app: FastAPI, address: str) -> AsyncClient:
    transport = ASGITransport(app=app, client=(address, 40000))
    return AsyncClient(transport=transport, base_url="http://test")


async def test_parallel_wrong_passwords_verify_at_most_the_limit(
    clean_db: Runtime, app: FastAPI, limits: LoginLimits
) -> None:
    """40 concurrent wrong passwords for one account all got 401 with a limit of 5 (the
    limit was read before the password was checked and counted after); with 200, some
    got 503 (Redis' connection pool refused the burst)."""
    await ensure_test_user(clean_db, "viewer")
    email = role_email("viewer")
    async with _from(app, "198.51.100.7") as http:
        statuses = await asyncio.gather(
            *(_login(http, email, f"wrong-password-{i:03d}") for i in range(200))
        )
    # A 401 is a verified password; a 429 was refused before verification; nothing else.
    assert statuses.count(401) == limits.max_failures_per_account_and_ip
    assert statuses.count(429) == 200 - limits.max_failures_per_account_and_ip
    async with clean_db.engine.connect() as conn:
        attempts = (
            await conn.execute(
                text(
                    "SELECT sum((params->>'attempts')::int) FROM audit_log "
                    "WHERE action = 'auth.login' AND outcome = 'failure'"
                )
            )
        ).scalar_one()
    assert attempts == 200


async def test_a_third_party_cannot_lock_the_user_out(
    clean_db: Runtime, app: FastAPI, limits: LoginLimits
) -> None:
    """After 5 failures by anyone, the right password got 429 for 15 minutes."""
    await ensure_test_user(clean_db, "analyst")
    email = role_email("analyst")
    async with _from(app, "203.0.113.66") as attacker:
        for _ in range(5):
            assert await _login(attacker, email, "guess-guess-guess") == 401
        assert await _login(attacker, email, TEST_PASSWORD) == 429
    async with _from(app, "192.0.2.10") as user:
        assert await _login(user, email, TEST_PASSWORD) == 200


async def test_a_distributed_attack_delays_strangers_not_known_addresses(
    clean_db: Runtime, app: FastAPI, limits: LoginLimits
) -> None:
    await ensure_test_user(clean_db, "admin")
    email = role_email("admin")
    async with _from(app, "192.0.2.10") as user:  # the user's usual address
        assert await _login(user, email, TEST_PASSWORD) == 200
    # Past the account's ceiling (8), from addresses that each stay under their own 5.
    for i in range(limits.max_failures_per_account + 1):
        async with _from(app, f"203.0.113.{i + 1}") as bot:
            assert await _login(bot, email, "guess-guess-guess") == 401
    async with _from(app, "198.51.100.200") as stranger:
        refused = await stranger.post(LOGIN, json={"email": email, "password": TEST_PASSWORD})
    assert refused.status_code == 429 and int(refused.headers["retry-after"]) >= 1
    async with _from(app, "192.0.2.10") as user:
        assert await _login(user, email, TEST_PASSWORD) == 200


async def test_each_failure_past_the_ceiling_doubles_the_accounts_delay(
    clean_db: Runtime, limits: LoginLimits
) -> None:
    limiter = LoginRateLimiter(clean_db.cache, limits)
    email = "target@tests.local"
    delays = []
    for i in range(limits.max_failures_per_account + 4):
        address = f"203.0.113.{i + 1}"
        # The delay running out is what lets the next stranger in: no waiting here.
        await clean_db.cache.redis.delete(limiter._keys(email, address)[3])
        assert await limiter.reserve(email, address) is None
        await limiter.failed(email, address)
        delays.append(await clean_db.cache.redis.pttl(limiter._keys(email, address)[3]))
    ceiling = limits.max_failures_per_account
    assert all(d < 0 for d in delays[:ceiling])  # no delay up to the ceiling
    seconds = [round(d / 1000) for d in delays[ceiling:]]
    assert seconds == [1, 2, 4, 8]
