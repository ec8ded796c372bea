"""Errors raised while talking to a provider.

Messages name the host and path only, never a query string: Vima's key travels as the
`apikey` query parameter, and a message ends up in logs and in the sync status API.
"""

from __future__ import annotations


class SyncError(Exception):
    """Base class for failures of a sync run (the run stops; the cursor stays put)."""


class UpstreamError(SyncError):
    """A provider could not be reached or kept failing after every retry."""

    def __init__(
        self,
        host: str,
        path: str,
        *,
        status: int | None = None,
        attempts: int = 1,
        detail: str = "",
    ) -> None:
        self.host = host
        self.path = path
        self.status = status
        self.attempts = attempts
        self.detail = detail
        last = f"last status {status}" if status is not None else "no response"
        tries = "attempt" if attempts == 1 else "attempts"
        message = f"{host}{path} failed after {attempts} {tries} ({last})"
        super().__init__(f"{message}: {detail}" if detail else message)


class UpstreamAuthError(UpstreamError):
    """The provider rejected our credentials (login refused, or 401 after a fresh login)."""


class UpstreamProtocolError(SyncError):
    """The provider answered, but not in the shape the connector is built for."""


class PayShackEncryptedError(UpstreamProtocolError):
    """PayShack's API answered with encrypted payloads instead of plain JSON rows."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(
            f"PayShack API {path} answers encrypted data (not plain JSON rows), which the "
            "api transport cannot read; set PAYSHACK_TRANSPORT=browser to read the "
            "dashboard through the browser instead"
        )
