"""The in-memory token store and how long a login is cached."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from psp_dashboard.sync.connectors.payshack.api import _jwt_ttl
from psp_dashboard.sync.connectors.payshack.tokens import InMemoryTokenStore

NOW = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_value_expires_after_its_ttl() -> None:
    clock = Clock()
    store = InMemoryTokenStore(clock)
    await store.set("v", 1800)
    clock.now += 1799
    assert await store.get() == "v"
    clock.now += 1
    assert await store.get() is None


async def test_delete_and_repr_hide_the_value() -> None:
    store = InMemoryTokenStore()
    await store.set("secret-token", 60)
    assert "secret-token" not in repr(store)
    await store.delete()
    assert await store.get() is None
    with pytest.raises(ValueError):
        await store.set("v", 0)


def jwt(claims: dict[str, object]) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJIUzI1NiJ9.{payload}.signature"


@pytest.mark.parametrize(
    ("token", "ttl"),
    [
        (jwt({"exp": NOW.timestamp() + 1800}), 1740),  # exp minus a minute's margin
        (jwt({"exp": NOW.timestamp() + 7200}), 1800),  # never longer than the default
        (jwt({"exp": NOW.timestamp() - 10}), 1),  # already expired: cache minimally
        (jwt({"sub": "x"}), 1800),  # no exp claim
        ("not-a-jwt", 1800),
        ("a.%%%.c", 1800),
    ],
)
def test_cache_ttl_follows_the_token_expiry(token: str, ttl: int) -> None:
    assert _jwt_ttl(token, NOW, 1800) == ttl
