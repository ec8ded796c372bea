"""What can go wrong while the browser reads PayShack's dashboard, one type per cause.

Every message says what happened in words an operator can act on. Failures that happen
on a page also name the screenshot and the credential-free HTML saved for them
(`PAYSHACK_DIAGNOSTICS_DIR`); see `attach_diagnostics`. No message ever contains the
email, the password or the stored browser state.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from psp_dashboard.sync.errors import SyncError


class PayShackBrowserError(SyncError):
    """A failure of the browser transport (the run stops; the watermark stays put)."""

    def __init__(self, message: str) -> None:
        self.message = message
        self.screenshot: Path | None = None
        self.html: Path | None = None
        super().__init__(message)

    def attach_diagnostics(self, screenshot: Path | None, html: Path | None) -> None:
        """Name the saved files in the message (and keep them as attributes)."""
        self.screenshot, self.html = screenshot, html
        pairs = (("screenshot", screenshot), ("html", html))
        files = [f"{what}: {path}" for what, path in pairs if path is not None]
        if files:
            self.args = (f"{self.message} (diagnostics saved — {', '.join(files)})",)


class PayShackBrowserLaunchError(PayShackBrowserError):
    """Chromium could not be started (wrong PLAYWRIGHT_CHROMIUM_PATH, missing package)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(
            f"PayShack browser transport could not start Chromium at {path} "
            f"(PLAYWRIGHT_CHROMIUM_PATH): {reason}"
        )


class PayShackLoginFormNotFoundError(PayShackBrowserError):
    """The dashboard asked for a login but no email/password/sign-in form was found."""

    def __init__(self, url: str, missing: Sequence[str]) -> None:
        self.missing = tuple(missing)
        super().__init__(
            f"PayShack login form not found at {url}: no {', '.join(missing)} "
            "(looked for fields by their labels and the button by its name)"
        )


class PayShackLoginRejectedError(PayShackBrowserError):
    """The dashboard refused the configured credentials."""

    def __init__(self, said: str) -> None:
        shown = f" (the page said: {said!r})" if said else ""
        super().__init__(
            f"PayShack rejected the dashboard login{shown}; "
            "check PAYSHACK_EMAIL and PAYSHACK_PASSWORD"
        )


class PayShackColumnMissingError(PayShackBrowserError):
    """The Pay-In table lacks a required column (renamed or removed by the provider)."""

    def __init__(self, missing: Sequence[str], headers: Sequence[str]) -> None:
        self.missing = tuple(missing)
        self.headers = tuple(headers)
        names = ", ".join(repr(m) for m in missing)
        plural = "column" if len(missing) == 1 else "columns"
        found = ", ".join(repr(h) for h in headers) if headers else "no table headers at all"
        super().__init__(
            f"PayShack Pay-In table is missing the required {plural} {names} (found: {found})"
        )


class PayShackSessionExpiredError(PayShackBrowserError):
    """The dashboard session kept expiring: logging in again did not get the walk on."""

    def __init__(self, page_no: int, attempts: int) -> None:
        super().__init__(
            f"PayShack dashboard session expired {attempts} times in a row on page {page_no} "
            "without any progress in between; giving up"
        )


class PayShackPageTimeoutError(PayShackBrowserError):
    """The page did not reach the awaited state within the configured timeout."""

    def __init__(self, what: str, seconds: float) -> None:
        super().__init__(f"PayShack dashboard: {what} did not happen within {seconds:g} s")


class PayShackPageError(PayShackBrowserError):
    """The page kept showing an error message (its own data call failed) after retries."""

    def __init__(self, page_no: int, said: str, attempts: int) -> None:
        super().__init__(
            f"PayShack Pay-In page {page_no} showed an error after {attempts} attempts: {said!r}"
        )
