"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from psp_dashboard.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 12
# argon2 hashes whatever it is given; a cap keeps a login request from costing more.
MAX_PASSWORD_LENGTH = 256

# argon2id at OWASP's recommended floor (19 MiB, 2 passes, 1 lane): about 50 ms a check
# on a small server. The library default (64 MiB × 4 lanes) took 0.4 s on 2 CPUs, which
# made every sign-in a DoS lever. Hashes made with other parameters are upgraded at the
# next successful sign-in (`needs_rehash`).
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# Verified against when the e-mail is unknown, so that the response takes as long as
# for a known user with a wrong password (no account enumeration by timing).
_DUMMY_HASH = _hasher.hash("not-a-real-password-only-for-timing")


def check_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"Password must have at least {MIN_PASSWORD_LENGTH} characters",
            {"field": "password", "expected": f">= {MIN_PASSWORD_LENGTH} characters"},
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"Password must have at most {MAX_PASSWORD_LENGTH} characters",
            {"field": "password", "expected": f"<= {MAX_PASSWORD_LENGTH} characters"},
        )


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; with no hash, burns the same time and says False."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


async def hash_password_async(password: str) -> str:
    """`hash_password` off the event loop (argon2 is CPU-bound by design)."""
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password_hash: str | None, password: str) -> bool:
    return await asyncio.to_thread(verify_password, password_hash, password)
