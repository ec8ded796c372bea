"""Browser sessions in Redis: opaque random ids, revocable one by one or per user.

The cookie carries a random id; Redis keys hold only its SHA-256, so a dump of Redis
does not hand out live sessions. Each user has a set of their session keys, which is
how disabling a user or resetting a password signs them out everywhere.

Unlike the metrics cache, this store fails closed: when Redis does not answer, nobody
is signed in (503), never everyone.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from redis.exceptions import RedisError

from psp_dashboard.cache import Cache
from psp_dashboard.errors import ServiceUnavailable

SESSION_COOKIE = "psp_session"
CSRF_HEADER = "X-CSRF-Token"
_SESSION_KEY = "auth:session:"
_USER_SESSIONS_KEY = "auth:user-sessions:"


@dataclass(frozen=True, slots=True)
class Session:
    key: str  # the id's hash, never the id
    user_id: uuid.UUID
    csrf_token: str
    created_at: str


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def csrf_matches(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def unavailable() -> ServiceUnavailable:
    return ServiceUnavailable("Sign-in is unavailable: the session store does not answer")


class SessionStore:
    def __init__(self, cache: Cache, ttl_seconds: int) -> None:
        self.redis = cache.redis
        self.prefix = cache.prefix
        self.ttl = ttl_seconds

    def _session_key(self, digest: str) -> str:
        return f"{self.prefix}{_SESSION_KEY}{digest}"

    def _user_key(self, user_id: uuid.UUID) -> str:
        return f"{self.prefix}{_USER_SESSIONS_KEY}{user_id}"

    async def create(self, user_id: uuid.UUID) -> tuple[str, Session]:
        """A new session; returns (the cookie value, the session). Raises 503 without Redis."""
        session_id = secrets.token_urlsafe(32)
        session = Session(
            key=_digest(session_id),
            user_id=user_id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=datetime.now(UTC).isoformat(),
        )
        value = json.dumps(
            {
                "user_id": str(user_id),
                "csrf": session.csrf_token,
                "created_at": session.created_at,
            }
        )
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.set(self._session_key(session.key), value, ex=self.ttl)
                pipe.sadd(self._user_key(user_id), session.key)
                pipe.expire(self._user_key(user_id), self.ttl)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            raise unavailable() from exc
        return session_id, session

    async def get(self, session_id: str) -> Session | None:
        """The live session for a cookie value, None when unknown or expired."""
        if not session_id or len(session_id) > 128:
            return None
        digest = _digest(session_id)
        try:
            raw = await self.redis.get(self._session_key(digest))
        except (RedisError, OSError) as exc:
            raise unavailable() from exc
        if raw is None:
            return None
        data: dict[str, Any] = json.loads(raw)
        return Session(
            key=digest,
            user_id=uuid.UUID(data["user_id"]),
            csrf_token=str(data["csrf"]),
            created_at=str(data.get("created_at", "")),
        )

    async def revoke(self, session: Session) -> None:
        try:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.delete(self._session_key(session.key))
                pipe.srem(self._user_key(session.user_id), session.key)
                await pipe.execute()
        except (RedisError, OSError) as exc:
            raise unavailable() from exc

    async def revoke_user(self, user_id: uuid.UUID) -> int:
        """End every session of a user; returns how many were live."""
        try:
            members = await self.redis.smembers(self._user_key(user_id))
            keys = [self._session_key(m.decode() if isinstance(m, bytes) else m) for m in members]
            removed = int(await self.redis.delete(*keys)) if keys else 0
            await self.redis.delete(self._user_key(user_id))
        except (RedisError, OSError) as exc:
            raise unavailable() from exc
        return removed

    async def count_user(self, user_id: uuid.UUID) -> int:
        """Live sessions of a user (the index may hold expired ones; they are skipped)."""
        try:
            members = await self.redis.smembers(self._user_key(user_id))
            if not members:
                return 0
            keys = [self._session_key(m.decode() if isinstance(m, bytes) else m) for m in members]
            return int(await self.redis.exists(*keys))
        except (RedisError, OSError) as exc:
            raise unavailable() from exc
