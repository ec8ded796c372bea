"""One retrying JSON-over-HTTP helper shared by every connector.

Retries, with exponential backoff and full jitter (a random delay between 0 and
`min(cap, base * 2**attempt)`, so many workers hitting one provider do not retry in
lockstep), on:
- timeouts and connection errors (any `httpx.TransportError`, which includes a body cut
  short of its Content-Length);
- 408, 429 and 5xx answers, waiting `Retry-After` (seconds or an HTTP date, capped)
  instead of the backoff when the provider sends it;
- a 2xx answer whose body is not valid JSON (a truncated body is a transient fault).

Other 4xx answers are not retried: they will not get better by asking again. A caller
that handles a status itself (PayShack's 401 → log in again) lists it in `passthrough`.

Nothing here logs or raises a query string: Vima's key is a query parameter.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import random
import re
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from psp_dashboard.sync.errors import UpstreamAuthError, UpstreamError

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
RETRYABLE_STATUSES = frozenset({408, 429})

_SECRET_QUERY = re.compile(
    r"(?i)([?&](?:apikey|api_key|access_token|token|password|secret|key)=)[^&#\s\"']*"
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try. Tests pass tiny delays; production keeps the defaults."""

    max_attempts: int = 5
    backoff_base: float = 0.5  # seconds; the first retry waits up to this long
    backoff_cap: float = 30.0  # no single backoff wait exceeds this
    retry_after_cap: float = 120.0  # a provider asking for longer is not obeyed blindly
    timeout: float = 30.0  # per request (connect, read, write, pool)

    def backoff(self, attempt: int, rng: Callable[[], float] = random.random) -> float:
        """Full-jitter delay before retry number `attempt` (1-based)."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2.0 ** (attempt - 1))
        return rng() * ceiling


@dataclass(frozen=True, slots=True)
class JsonResponse:
    status: int
    body: Any  # parsed JSON for 2xx answers; None for passthrough statuses
    headers: httpx.Headers


def redact_url(text: str) -> str:
    """Replace the values of credential-like query parameters with `***`."""
    return _SECRET_QUERY.sub(r"\1***", text)


class _RedactSecretsFilter(logging.Filter):
    """httpx logs every request URL at INFO; this strips credentials from those lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact_url(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_url(str(arg)) if isinstance(arg, str | httpx.URL) else arg
                for arg in record.args
            )
        return True


def install_log_redaction() -> None:
    """Attach the redacting filter to httpx's logger once (idempotent)."""
    httpx_logger = logging.getLogger("httpx")
    if not any(isinstance(f, _RedactSecretsFilter) for f in httpx_logger.filters):
        httpx_logger.addFilter(_RedactSecretsFilter())


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


class RetryingClient:
    """Wraps an `httpx.AsyncClient` it does not own (the caller opens and closes it)."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        policy: RetryPolicy | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.client = client
        self.policy = policy or RetryPolicy()
        self._sleep = sleep
        self._rng = rng
        install_log_redaction()

    async def request_json(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        json_body: Any = None,
        passthrough: Collection[int] = (),
        non_json: Callable[[str], Exception | None] | None = None,
    ) -> JsonResponse:
        """Send until a 2xx with a JSON body (or a passthrough status) comes back.

        Raises `UpstreamError` when attempts run out or a non-retryable status arrives
        (`UpstreamAuthError` for 401/403). `non_json` may classify a 2xx body that is not
        JSON: the exception it returns is raised at once instead of retrying (e.g. a
        provider that answers ciphertext will not answer JSON on the next try).
        """
        target = httpx.URL(url)
        host, path = target.host, target.path
        policy = self.policy
        last_status: int | None = None
        last_reason = ""
        for attempt in range(1, policy.max_attempts + 1):
            retry_after: float | None = None
            try:
                response = await self.client.request(
                    method,
                    url,
                    params=dict(params) if params else None,
                    headers=dict(headers) if headers else None,
                    json=json_body,
                    timeout=policy.timeout,
                )
            except httpx.TransportError as exc:
                # The exception text may carry the request URL; only its type is kept.
                last_status, last_reason = None, type(exc).__name__
            else:
                status = response.status_code
                last_status = status
                if status in passthrough:
                    return JsonResponse(status, None, response.headers)
                if 200 <= status < 300:
                    try:
                        return JsonResponse(status, response.json(), response.headers)
                    except (json.JSONDecodeError, UnicodeDecodeError):
                        last_reason = "invalid JSON body"
                        verdict = non_json(response.text) if non_json else None
                        if verdict is not None:
                            raise verdict from None
                elif status in RETRYABLE_STATUSES or status >= 500:
                    last_reason = f"HTTP {status}"
                    retry_after = retry_after_seconds(response.headers.get("retry-after"))
                else:
                    error = UpstreamAuthError if status in (401, 403) else UpstreamError
                    raise error(host, path, status=status, attempts=attempt, detail="not retryable")
            if attempt == policy.max_attempts:
                break
            if retry_after is not None:
                delay = min(retry_after, policy.retry_after_cap)
            else:
                delay = policy.backoff(attempt, self._rng)
            logger.warning(
                "%s %s%s: %s; retry %d/%d in %.2fs",
                method,
                host,
                path,
                last_reason,
                attempt,
                policy.max_attempts - 1,
                delay,
            )
            await self._sleep(delay)
        raise UpstreamError(
            host, path, status=last_status, attempts=policy.max_attempts, detail=last_reason
        )


def new_async_client(timeout: float = 30.0) -> httpx.AsyncClient:
    """The client connectors create when none is injected: no redirects to other hosts,
    bounded pool, our own timeout (retries are ours, not the transport's)."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(timeout),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=10, max_keepalive_connections=5),
        headers={"accept": "application/json", "user-agent": "psp-dashboard-sync/1"},
    )
