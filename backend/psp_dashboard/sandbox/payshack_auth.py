"""PayShack access control: JWT-shaped bearer tokens for the API, cookie sessions for
the dashboard.

Tokens are real HS256 JWTs (a client may decode `exp`), but the server also keeps each
one in memory so it can count requests (expiry after K requests, a fault knob) and
revoke everything at once. The clock can be moved forward to test time-based expiry
without waiting.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from psp_dashboard.sandbox.config import PayShackSettings
from psp_dashboard.sandbox.crypto import new_key
from psp_dashboard.sandbox.faults import FaultInjector

SESSION_COOKIE = "ps_session"


@dataclass(slots=True)
class Grant:
    """One access token or dashboard session."""

    expires_at: float
    aes_key: bytes = field(default_factory=new_key)  # encrypted mode: this grant's key
    requests: int = 0


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class PayShackAuth:
    def __init__(
        self,
        settings: PayShackSettings,
        faults: FaultInjector,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self._faults = faults
        self._clock = clock
        self._offset = 0.0
        self._signing = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._tokens: dict[str, Grant] = {}
        self._sessions: dict[str, Grant] = {}

    def now(self) -> float:
        return self._clock() + self._offset

    def travel(self, seconds: float) -> None:
        """Move this server's clock forward (tests of TTL expiry)."""
        self._offset += seconds

    def expire_all(self) -> None:
        with self._lock:
            self._tokens.clear()
            self._sessions.clear()

    # -- API tokens -----------------------------------------------------------------------
    def issue(self, user_id: str, client_id: str) -> tuple[str, str]:
        """(access token, refresh token)."""
        now = self.now()
        access = self._jwt(user_id, client_id, "access", now, self.settings.token_ttl_seconds)
        refresh = self._jwt(user_id, client_id, "refresh", now, self.settings.refresh_ttl_seconds)
        with self._lock:
            self._tokens[access] = Grant(now + self.settings.token_ttl_seconds)
        return access, refresh

    def check_token(self, header: str | None) -> Grant | None:
        """The grant behind an `Authorization: Bearer` header, counting this request;
        None when missing, forged, expired or used up."""
        if not header or not header.lower().startswith("bearer "):
            return None
        token = header[7:].strip()
        if not self._signature_ok(token):
            return None
        return self._use(self._tokens, token)

    def _jwt(self, user_id: str, client_id: str, kind: str, now: float, ttl: int) -> str:
        header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        claims = {
            "sub": user_id,
            "clientId": client_id,
            "role": "Reseller",
            "typ": kind,
            "iat": int(now),
            "exp": int(now + ttl),
            "jti": secrets.token_hex(8),
        }
        payload = _b64url(json.dumps(claims, separators=(",", ":")).encode())
        signature = hmac.new(self._signing, f"{header}.{payload}".encode(), hashlib.sha256)
        return f"{header}.{payload}.{_b64url(signature.digest())}"

    def _signature_ok(self, token: str) -> bool:
        parts = token.split(".")
        if len(parts) != 3:
            return False
        expected = hmac.new(self._signing, f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256)
        try:
            return hmac.compare_digest(_unb64url(parts[2]), expected.digest())
        except ValueError:
            return False

    # -- dashboard sessions ---------------------------------------------------------------
    def open_session(self) -> tuple[str, Grant]:
        sid = secrets.token_urlsafe(24)
        grant = Grant(self.now() + self.settings.session_ttl_seconds)
        with self._lock:
            self._sessions[sid] = grant
        return sid, grant

    def check_session(self, sid: str | None) -> Grant | None:
        if not sid:
            return None
        return self._use(self._sessions, sid)

    def close_session(self, sid: str | None) -> None:
        with self._lock:
            self._sessions.pop(sid or "", None)

    def _use(self, store: dict[str, Grant], handle: str) -> Grant | None:
        limit = self._faults.config.expire_after_requests
        with self._lock:
            grant = store.get(handle)
            if grant is None:
                return None
            if grant.expires_at <= self.now() or (limit and grant.requests >= limit):
                del store[handle]
                return None
            grant.requests += 1
            return grant
