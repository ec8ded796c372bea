"""Keyset (cursor) paging: the opaque `cursor` of the lists and its validation.

A cursor is the position after the last row a client saw: the list it belongs to, the
sort it was made for, the sort key's values and the row id. It is URL-safe base64 of
compact JSON plus a keyed BLAKE2 checksum. The checksum is not a secret-keyed signature:
a forged cursor can only place the caller somewhere in a list it may read anyway
(filters and masking are applied per request), so what matters is that any edit,
truncation or cursor of another list or sort is refused with a 400 instead of being
half-read.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query

from psp_dashboard.errors import ValidationFailed

MAX_CURSOR_LENGTH = 512
_VERSION = 1
_CHECKSUM_KEY = b"psp-dashboard/keyset-cursor/v1"
_CHECKSUM_BYTES = 12

CursorQuery = Annotated[
    str | None,
    Query(
        max_length=MAX_CURSOR_LENGTH,
        description="`meta.next_cursor` of the previous answer (same filters and sort); "
        "not with `page` > 1",
    ),
]


@dataclass(frozen=True, slots=True)
class Cursor:
    """A position: `values` are the sort key's values as JSON scalars, `row_id` the
    tie-breaking id (both as the list rendered them)."""

    values: tuple[str | None, ...]
    row_id: str


def _checksum(body: bytes) -> bytes:
    return hashlib.blake2b(body, key=_CHECKSUM_KEY, digest_size=_CHECKSUM_BYTES).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def encode(scope: str, cursor: Cursor) -> str:
    """`scope` names the list and its sort (`transactions:created_at:desc`)."""
    body = json.dumps(
        {"v": _VERSION, "s": scope, "k": list(cursor.values), "i": cursor.row_id},
        separators=(",", ":"),
        ensure_ascii=True,
    ).encode("ascii")
    return f"{_b64(body)}.{_b64(_checksum(body))}"


def _invalid(received: str, why: str) -> ValidationFailed:
    return ValidationFailed(
        f"The cursor is not valid for this list ({why}); start again without `cursor`",
        {"field": "cursor", "reason": "invalid", "received": received[:64]},
    )


def decode(scope: str, text: str, arity: int) -> Cursor:
    """The position in `text`, or a 400 when it was not made by `encode(scope, …)` with
    `arity` sort values."""
    head, dot, tail = text.partition(".")
    try:
        body, mac = _unb64(head), _unb64(tail)
    except (binascii.Error, ValueError):
        raise _invalid(text, "not a cursor") from None
    if not dot or not hmac.compare_digest(mac, _checksum(body)):
        raise _invalid(text, "altered or truncated")
    try:
        payload: Any = json.loads(body)
    except ValueError:
        raise _invalid(text, "not a cursor") from None
    if not isinstance(payload, dict) or payload.get("v") != _VERSION:
        raise _invalid(text, "unknown version")
    if payload.get("s") != scope:
        raise _invalid(text, "made for another list or sort")
    values, row_id = payload.get("k"), payload.get("i")
    if (
        not isinstance(values, list)
        or len(values) != arity
        or not all(v is None or isinstance(v, str) for v in values)
        or not isinstance(row_id, str)
    ):
        raise _invalid(text, "malformed")
    return Cursor(tuple(values), row_id)


def check_exclusive(page: int, cursor: str | None) -> None:
    """`cursor` continues a walk; a page number with it would be two positions at once."""
    if cursor is not None and page != 1:
        raise ValidationFailed(
            "`cursor` and `page` cannot be combined; send the cursor alone",
            {"field": "cursor", "reason": "with_page", "received": page},
        )


def bad_value(text: str) -> ValidationFailed:
    """For a cursor whose checksum holds but whose values do not parse (a bug, or a
    cursor of an older format)."""
    return _invalid(text, "malformed")
