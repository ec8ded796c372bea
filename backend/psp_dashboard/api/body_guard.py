"""Request bodies are read here before any endpoint sees them.

- Larger than MAX_BODY_BYTES: 413 in the envelope, without reading further (an anonymous
  50 MB sign-in used to be read and parsed in full).
- JSON whose strings (keys or values) hold a NUL or an unpaired UTF-16 surrogate: 400.
  Both are valid JSON escapes (`\\u0000`, `\\ud800`), yet PostgreSQL cannot store a NUL
  and no UTF-8 encoder accepts a lone surrogate, so they used to surface as 500s from
  deep inside a query. The offending field is named, its value never echoed (it may be
  a password).

The app then receives the very bytes that were read.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from psp_dashboard.api.respond import send_error
from psp_dashboard.api.settings import settings_of


class BodyTooLarge(Exception):
    pass


def first_bad_string(value: Any, path: str = "") -> str | None:
    """The dotted path of the first string holding a NUL or a lone surrogate, else None."""
    if isinstance(value, str):
        return path or "body" if not _is_storable(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            if not _is_storable(key):
                return path or "body"
            found = first_bad_string(item, child)
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = first_bad_string(item, f"{path}[{index}]" if path else f"[{index}]")
            if found is not None:
                return found
    return None


def _is_storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or []:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _has_body(scope: Scope) -> bool:
    headers = dict(scope.get("headers") or [])
    length = _declared_length(scope)
    return (length is not None and length > 0) or b"transfer-encoding" in headers


def _is_json(scope: Scope) -> bool:
    content_type: bytes = dict(scope.get("headers") or []).get(b"content-type", b"")
    media = content_type.lower().split(b";", 1)[0].strip()
    return media == b"application/json" or media.endswith(b"+json")


async def _read_body(receive: Receive, limit: int) -> list[Message]:
    messages: list[Message] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages
        size += len(message.get("body", b""))
        if size > limit:
            raise BodyTooLarge
        if not message.get("more_body", False):
            return messages


class RequestBodyGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _has_body(scope):
            await self.app(scope, receive, send)
            return
        limit = settings_of(scope).max_body_bytes
        declared = _declared_length(scope)
        try:
            if declared is not None and declared > limit:
                raise BodyTooLarge
            messages = await _read_body(receive, limit)
        except BodyTooLarge:
            await send_error(
                send,
                413,
                "VALIDATION_ERROR",
                f"The request body is larger than {limit} bytes",
                {"field": "body", "reason": "too_large", "max_bytes": limit},
            )
            return
        problem = _json_problem(messages) if _is_json(scope) else None
        if problem is not None:
            field, message, expected = problem
            await send_error(
                send, 400, "VALIDATION_ERROR", message, {"field": field, "expected": expected}
            )
            return
        await self.app(scope, _replay(messages, receive), send)


def _json_problem(messages: list[Message]) -> tuple[str, str, str] | None:
    """(field, message, expected) when the JSON body cannot be served, else None."""
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
    if not body:
        return None
    try:
        parsed = json.loads(body)
    except RecursionError:
        return "body", "Invalid body: JSON nested too deeply", "JSON nested at most ~900 deep"
    except ValueError:
        return None  # not JSON: the endpoint's own parser answers 400
    bad = first_bad_string(parsed)
    if bad is None:
        return None
    message = f"Invalid {bad}: text must not contain NUL characters or unpaired surrogates"
    return bad, message, "text without U+0000 or lone surrogates"


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay
