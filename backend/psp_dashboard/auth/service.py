"""Sign-in, sign-out, and turning a request's credentials into a `Principal`.

Credentials, in order: `Authorization: Bearer <api token>` (no CSRF: a browser never
attaches it by itself), else the session cookie (CSRF token required on state-changing
methods). The user row is read on every request, so a role change or a disable takes
effect at once, whatever the session store still holds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import Request

from psp_dashboard.audit.service import record, record_refused_sign_in
from psp_dashboard.auth import tokens
from psp_dashboard.auth.passwords import hash_password_async, needs_rehash, verify_password_async
from psp_dashboard.auth.principal import Principal, client_ip_var
from psp_dashboard.auth.ratelimit import LoginLimits, LoginRateLimiter, login_limits
from psp_dashboard.auth.sessions import (
    CSRF_HEADER,
    SESSION_COOKIE,
    Session,
    SessionStore,
    csrf_matches,
)
from psp_dashboard.errors import Forbidden, Unauthenticated
from psp_dashboard.runtime import Runtime
from psp_dashboard.users import repository as users_repo
from psp_dashboard.users.repository import UserRow, normalize_email

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_BAD_CREDENTIALS = "Invalid email or password"


def session_store(runtime: Runtime) -> SessionStore:
    return SessionStore(runtime.cache, runtime.settings.session_ttl_minutes * 60)


def client_address(request: Request) -> str | None:
    # The socket peer; behind a proxy listed in TRUSTED_PROXIES, the client it names in
    # X-Forwarded-For (main.py applies it; anyone else's header is ignored).
    return request.client.host if request.client else None


@dataclass(frozen=True, slots=True)
class SignedIn:
    session_id: str  # the cookie value: goes to the client, nowhere else
    session: Session
    user: UserRow


async def _refuse(
    runtime: Runtime, email: str, reason: str, limits: LoginLimits, *, by_address: bool = False
) -> None:
    """Count a refused sign-in in the audit trail, in its own transaction (the request's
    will not commit): one entry per e-mail (or address) and window."""
    log.info("sign-in refused", extra={"reason": reason})
    async with runtime.engine.begin() as conn:
        await record_refused_sign_in(
            conn,
            target=None if by_address else email,
            reason=reason,
            window_seconds=limits.window_seconds,
        )


async def login(runtime: Runtime, email: str, password: str, ip: str | None) -> SignedIn:
    email = normalize_email(email)
    client_ip_var.set(ip)
    limits = login_limits(runtime)
    limiter = LoginRateLimiter(runtime.cache, limits)
    # Counted before the password is checked (and the fail-closed gate: without Redis
    # this raises 503 before anything else), so parallel guesses cannot overtake it.
    refusal = await limiter.reserve(email, ip)
    if refusal is not None:
        await _refuse(runtime, email, "rate_limited", limits, by_address=refusal.scope == "ip")
        raise refusal.error()
    async with runtime.engine.connect() as conn:
        user = await users_repo.get_by_email(conn, email)
    valid = await verify_password_async(user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        await limiter.failed(email, ip)
        reason = "disabled" if user is not None and valid else "bad_credentials"
        await _refuse(runtime, email, reason, limits)
        # One message for all three cases: the response must not tell which e-mails exist.
        raise Unauthenticated(_BAD_CREDENTIALS)
    session_id, session = await session_store(runtime).create(user.id)
    await limiter.succeeded(email, ip)
    principal = Principal(id=user.id, email=user.email, role=user.role, via="session")
    async with runtime.engine.begin() as conn:
        if needs_rehash(user.password_hash):
            await users_repo.update_user(
                conn, user.id, {"password_hash": await hash_password_async(password)}
            )
        await users_repo.touch_login(conn, user.id)
        await record(conn, principal, "auth.login", target=user.email)
    log.info("signed in", extra={"user_id": str(user.id), "role": user.role})
    return SignedIn(session_id=session_id, session=session, user=user)


async def logout(runtime: Runtime, request: Request, principal: Principal) -> None:
    session = getattr(request.state, "session", None)
    if isinstance(session, Session):
        await session_store(runtime).revoke(session)
    async with runtime.engine.begin() as conn:
        await record(conn, principal, "auth.logout", params={"via": principal.via})


async def _from_token(runtime: Runtime, authorization: str) -> Principal:
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise Unauthenticated("Unsupported Authorization header (expected Bearer <token>)")
    async with runtime.engine.begin() as conn:
        principal = await tokens.authenticate(conn, credentials.strip())
    if principal is None:
        raise Unauthenticated("Invalid, expired or revoked API token")
    return principal


async def _from_session(runtime: Runtime, request: Request, session_id: str) -> Principal:
    store = session_store(runtime)
    session = await store.get(session_id)
    if session is None:
        raise Unauthenticated("Session expired or signed out")
    async with runtime.engine.connect() as conn:
        user = await users_repo.get_by_id(conn, session.user_id)
    if user is None or not user.is_active:
        await store.revoke(session)
        raise Unauthenticated("Session expired or signed out")
    if request.method not in SAFE_METHODS and not csrf_matches(
        session.csrf_token, request.headers.get(CSRF_HEADER)
    ):
        raise Forbidden("Missing or invalid CSRF token", {"header": CSRF_HEADER})
    request.state.session = session
    return Principal(id=user.id, email=user.email, role=user.role, via="session")


async def authenticate(request: Request) -> Principal:
    """The request's principal (resolved once per request); 401 when there is none."""
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    runtime: Runtime = request.app.state.runtime
    client_ip_var.set(client_address(request))
    authorization = request.headers.get("authorization")
    session_id = request.cookies.get(SESSION_COOKIE)
    if authorization:
        principal = await _from_token(runtime, authorization)
        if principal.read_only and request.method not in SAFE_METHODS:
            raise Forbidden("This API token is read-only", {"scope": "read"})
    elif session_id:
        principal = await _from_session(runtime, request, session_id)
    else:
        raise Unauthenticated("Sign in required")
    request.state.principal = principal
    return principal
