"""Sign-in attempts limited per (account, address), per address, and per account.

Counted before the password is checked, in one atomic step (a Lua script): a request
either reserves an attempt under every limit or is refused with 429 and Retry-After
without being verified, so N parallel guesses verify at most the limit. A right
password gives its reservation back; a wrong one keeps it.

- (account, address): LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP (5) per window. Someone
  guessing a user's password locks out only their own address, never the user.
- address: LOGIN_MAX_FAILURES_PER_IP (20) per window, over all accounts (spraying).
- account: LOGIN_MAX_FAILURES_PER_ACCOUNT (20) per window from all addresses; past it,
  each further failure doubles the account's delay (1 s, 2 s, 4 s, … at most the
  window), as OWASP suggests instead of a fixed lockout. Addresses the account signed
  in from within the last 30 days are exempt from this one, so a distributed attack
  cannot keep the user out either.

Windows are fixed, from an attempt that found the counter empty. The limits come from
`runtime.login_limits` when set (tests use small ones), else from the settings.
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

_KEY = "auth:login:"


@dataclass(frozen=True, slots=True)
class LoginLimits:
    window_seconds: int = 900
    max_failures_per_account_and_ip: int = 5
    max_failures_per_ip: int = 20
    max_failures_per_account: int = 20
    known_address_days: int = 30

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginLimits:
        return cls(
            window_seconds=settings.login_rate_window_seconds,
            max_failures_per_account_and_ip=settings.login_max_failures_per_account_and_ip,
            max_failures_per_ip=settings.login_max_failures_per_ip,
            max_failures_per_account=settings.login_max_failures_per_account,
        )


def login_limits(runtime: Runtime) -> LoginLimits:
    return runtime.login_limits or LoginLimits.from_settings(runtime.settings)


# KEYS: pair, address, account, account delay, account's known addresses.
# ARGV: window, pair limit, address limit, address digest.
# Returns {scope, seconds}: scope "ok" (reserved) or the limit that refused.
_RESERVE = """
local window = tonumber(ARGV[1])
local function wait(key, limit)
  local n = tonumber(redis.call('GET', key) or '0')
  if n < limit then return 0 end
  local ttl = redis.call('TTL', key)
  if ttl < 1 then return window end
  return ttl
end
local seconds = wait(KEYS[1], tonumber(ARGV[2]))
if seconds > 0 then return {'account_and_ip', seconds} end
seconds = wait(KEYS[2], tonumber(ARGV[3]))
if seconds > 0 then return {'ip', seconds} end
if redis.call('SISMEMBER', KEYS[5], ARGV[4]) == 0 then
  local delay = redis.call('PTTL', KEYS[4])
  if delay > 0 then return {'account', math.ceil(delay / 1000)} end
end
for i = 1, 3 do
  redis.call('INCR', KEYS[i])
  if redis.call('TTL', KEYS[i]) < 0 then redis.call('EXPIRE', KEYS[i], window) end
end
return {'ok', 0}
"""

# Same KEYS; ARGV: address digest, how long an address stays known (seconds).
# A counter that expired meanwhile is left alone (a DECR would recreate it without TTL).
_GIVE_BACK = """
redis.call('DEL', KEYS[1])
for i = 2, 3 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
redis.call('SADD', KEYS[5], ARGV[1])
redis.call('EXPIRE', KEYS[5], tonumber(ARGV[2]))
return 1
"""


def _digest(value: str) -> str:
    # Hashed: the key space should not list the e-mails and addresses people tried.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Refusal:
    scope: str  # account_and_ip | ip | account
    retry_after: int

    def error(self) -> RateLimited:
        return RateLimited(
            "Too many failed sign-in attempts; try again later",
            retry_after=self.retry_after,
            details={"retry_after_seconds": self.retry_after},
        )


class LoginRateLimiter:
    def __init__(self, cache: Cache, limits: LoginLimits) -> None:
        self.redis = cache.redis
        self.prefix = cache.prefix
        self.limits = limits

    def _keys(self, email: str, ip: str | None) -> list[str]:
        account = _digest(email)
        address = _digest(ip or "unknown")
        base = f"{self.prefix}{_KEY}"
        return [
            f"{base}pair:{account}:{address}",
            f"{base}ip:{address}",
            f"{base}account:{account}",
            f"{base}delay:{account}",
            f"{base}known:{account}",
        ]

    async def reserve(self, email: str, ip: str | None) -> Refusal | None:
        """Count this attempt under every limit, or say which limit refuses it (then
        nothing is counted). Raises 503 without Redis: sign-in fails closed."""
        limits = self.limits
        try:
            scope, seconds = await self.redis.eval(
                _RESERVE,
                5,
                *self._keys(email, ip),
                limits.window_seconds,
                limits.max_failures_per_account_and_ip,
                limits.max_failures_per_ip,
                _digest(ip or "unknown"),
            )
        except (RedisError, OSError) as exc:
            raise unavailable() from exc
        scope = scope.decode() if isinstance(scope, bytes) else str(scope)
        return None if scope == "ok" else Refusal(scope, max(1, int(seconds)))

    async def failed(self, email: str, ip: str | None) -> None:
        """The reservation stands; past the account's ceiling its delay doubles."""
        _, _, account, delay, _ = self._keys(email, ip)
        try:
            failures = int(await self.redis.get(account) or 0)
            excess = failures - self.limits.max_failures_per_account
            if excess > 0:
                seconds = min(2 ** min(excess - 1, 30), self.limits.window_seconds)
                await self.redis.set(delay, 1, px=seconds * 1000)
        except (RedisError, OSError) as exc:
            raise unavailable() from exc

    async def succeeded(self, email: str, ip: str | None) -> None:
        """A right password: the pair starts afresh, the address and account get their
        reserved attempt back, and the address becomes one the account is known from."""
        keys = self._keys(email, ip)
        try:
            await self.redis.eval(
                _GIVE_BACK,
                5,
                *keys,
                _digest(ip or "unknown"),
                self.limits.known_address_days * 86400,
            )
        except (RedisError, OSError) as exc:
            raise unavailable() from exc
