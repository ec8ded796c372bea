"""Where the PayShack login lives between runs, so every run does not log in again.

The production store is Redis under `session:payshack` (TTL 1800 s, the token's life);
`InMemoryTokenStore` serves tests and single-process demos. Values are opaque text to
the store: the transport decides what it keeps there (never logged).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol

SESSION_KEY = "session:payshack"
DEFAULT_TOKEN_TTL_SECONDS = 1800


class TokenStore(Protocol):
    async def get(self) -> str | None:
        """The stored value, or None when absent or expired."""
        ...

    async def set(self, value: str, ttl_seconds: int) -> None:
        """Store `value`, replacing any previous one, for `ttl_seconds`."""
        ...

    async def delete(self) -> None:
        """Forget the stored value (it was refused upstream)."""
        ...


class InMemoryTokenStore:
    """A `TokenStore` in process memory, with expiry on a monotonic clock."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._value: str | None = None
        self._expires_at = 0.0

    def __repr__(self) -> str:  # the value is a credential
        return f"InMemoryTokenStore(holds_value={self._value is not None})"

    async def get(self) -> str | None:
        if self._value is not None and self._clock() >= self._expires_at:
            self._value = None
        return self._value

    async def set(self, value: str, ttl_seconds: int) -> None:
        if ttl_seconds <= 0:
            raise ValueError("ttl_seconds must be positive")
        self._value = value
        self._expires_at = self._clock() + ttl_seconds

    async def delete(self) -> None:
        self._value = None
