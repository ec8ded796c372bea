"""The logged-in browser: Chromium's lifetime, the saved login, the login form itself.

`BrowserSession` is the one async context manager that owns Playwright, the Chromium
process and the browser context (crawlee-python's shape): entering starts them, leaving
closes them in reverse order — also on errors and on cancellation, shielded so a second
cancellation cannot leave a Chromium process behind.

The browser storage state (cookies, local storage) is kept between runs under
`session:payshack` (TTL 1800 s) and encrypted at rest with Fernet, the key derived from
the PayShack credentials: whoever can read Redis but not the credentials learns nothing,
and a changed password simply invalidates the saved state (it is then ignored).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from pydantic import SecretStr

from psp_dashboard.cache import PAYSHACK_SESSION_KEY, TTL_SESSION_PAYSHACK, Cache
from psp_dashboard.sync.connectors.payshack.browser_errors import (
    PayShackBrowserLaunchError,
    PayShackLoginFormNotFoundError,
    PayShackLoginRejectedError,
    PayShackPageTimeoutError,
)
from psp_dashboard.sync.connectors.payshack.browser_table import NETWORK_PROBE_JS

logger = logging.getLogger(__name__)

LAUNCH_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
# Controls are found as a person finds them: by label and by the button's name.
EMAIL_LABEL = re.compile(r"e-?mail|user\s*(name|id)", re.IGNORECASE)
PASSWORD_LABEL = re.compile(r"password", re.IGNORECASE)
SIGN_IN = re.compile(r"^\s*(sign\s*in|log\s*in|login)\s*$", re.IGNORECASE)
_CLOSE_TIMEOUT = 15.0

# After the sign-in click: "in" once no password field is shown, "rejected:<alert>" when
# the form is still there with a fresh alert (alerts shown before the click are ignored).
_LOGIN_OUTCOME_JS = r"""() => {
  if (!document.querySelector("input[type=password]")) return "in";
  for (const a of document.querySelectorAll("[role=alert], .error, .alert")) {
    const said = (a.innerText || a.textContent || "").replace(/\s+/g, " ").trim();
    if (said && !a.__psStale && a.getClientRects().length) return "rejected:" + said;
  }
  return false;
}"""
_MARK_ALERTS_JS = """() => { for (const a of document.querySelectorAll(
  "[role=alert], .error, .alert")) a.__psStale = true; }"""
# Before a screenshot and the HTML are saved: no typed value survives.
_STRIP_INPUTS_JS = """() => { for (const el of document.querySelectorAll("input, textarea")) {
  el.value = ""; el.removeAttribute("value"); } }"""


class StateStore(Protocol):
    """Where the browser storage state lives between runs."""

    async def get(self) -> dict[str, Any] | None: ...
    async def set(self, state: dict[str, Any], ttl_seconds: int) -> None: ...
    async def delete(self) -> None: ...


class InMemoryStateStore:
    """For one process (tests, the bench): no TTL bookkeeping needed there."""

    def __init__(self) -> None:
        self._state: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return "InMemoryStateStore(<hidden>)"

    async def get(self) -> dict[str, Any] | None:
        return self._state

    async def set(self, state: dict[str, Any], ttl_seconds: int) -> None:
        self._state = state

    async def delete(self) -> None:
        self._state = None


def state_key(email: SecretStr, password: SecretStr) -> bytes:
    """A Fernet key derived from the credentials (HKDF-SHA256, fixed context)."""
    material = f"{email.get_secret_value()}\0{password.get_secret_value()}".encode()
    derived = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"psp-dashboard", info=b"payshack-session"
    ).derive(material)
    return base64.urlsafe_b64encode(derived)


class RedisStateStore:
    """The storage state under `session:payshack`, Fernet-encrypted; never logged."""

    def __init__(self, cache: Cache, key: bytes, redis_key: str = PAYSHACK_SESSION_KEY) -> None:
        self.cache = cache
        self._fernet = Fernet(key)
        self.redis_key = redis_key

    def __repr__(self) -> str:
        return "RedisStateStore(<hidden>)"

    async def get(self) -> dict[str, Any] | None:
        token = await self.cache.get_json(self.redis_key)
        if not isinstance(token, str):
            return None
        try:
            state = json.loads(self._fernet.decrypt(token.encode(), ttl=TTL_SESSION_PAYSHACK))
        except (InvalidToken, ValueError):
            await self.delete()  # other credentials, tampered or expired: behave as absent
            return None
        return state if isinstance(state, dict) else None

    async def set(self, state: dict[str, Any], ttl_seconds: int) -> None:
        token = self._fernet.encrypt(json.dumps(state).encode()).decode("ascii")
        await self.cache.set_json(self.redis_key, token, min(ttl_seconds, TTL_SESSION_PAYSHACK))

    async def delete(self) -> None:
        await self.cache.delete(self.redis_key)


class BrowserSession:
    """Playwright + Chromium + one browser context, and the login that context holds."""

    def __init__(
        self,
        chromium_path: Path,
        email: SecretStr,
        password: SecretStr,
        store: StateStore,
        *,
        timeout_seconds: float = 30.0,
        headless: bool = True,
    ) -> None:
        self.chromium_path = chromium_path
        self._email, self._password = email, password
        self.store = store
        self.timeout_seconds = timeout_seconds
        self.headless = headless
        self.login_lock = asyncio.Lock()  # concurrent tabs share one login
        self.logins = 0
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._context: BrowserContext | None = None

    def __repr__(self) -> str:
        return f"BrowserSession(chromium_path={str(self.chromium_path)!r})"

    @property
    def secrets(self) -> tuple[str, str]:
        return self._email.get_secret_value(), self._password.get_secret_value()

    @property
    def context(self) -> BrowserContext:
        if self._context is None:
            raise RuntimeError("BrowserSession used outside its `async with` block")
        return self._context

    async def __aenter__(self) -> BrowserSession:
        self._playwright = await async_playwright().start()
        try:
            try:
                self._browser = await self._playwright.chromium.launch(
                    executable_path=self.chromium_path,
                    args=list(LAUNCH_ARGS),
                    headless=self.headless,
                    timeout=self.timeout_seconds * 1000,
                )
            except PlaywrightError as exc:
                raise PayShackBrowserLaunchError(
                    self.chromium_path, str(exc).splitlines()[0]
                ) from None
            self._context = await self._new_context(await self.store.get())
        except BaseException:
            await asyncio.shield(self._close())
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Shielded: a cancelled run still closes Chromium instead of leaking it.
        await asyncio.shield(self._close())

    async def _new_context(self, state: dict[str, Any] | None) -> BrowserContext:
        assert self._browser is not None
        # IST and Indian number formatting whatever the server's locale: a page that
        # formats with the browser's zone then shows what the parsers expect.
        options: dict[str, Any] = {"timezone_id": "Asia/Kolkata", "locale": "en-IN"}
        try:
            context = await self._browser.new_context(storage_state=state, **options)  # type: ignore[arg-type]
        except PlaywrightError:
            logger.info("payshack browser: saved session unusable, starting without it")
            await self.store.delete()
            context = await self._browser.new_context(**options)
        context.set_default_timeout(self.timeout_seconds * 1000)
        await context.add_init_script(NETWORK_PROBE_JS)
        return context

    async def _close(self) -> None:
        context, browser, playwright = self._context, self._browser, self._playwright
        self._context = self._browser = self._playwright = None
        for name, target in (("context", context), ("browser", browser)):
            if target is not None:
                try:
                    await asyncio.wait_for(target.close(), _CLOSE_TIMEOUT)
                except (PlaywrightError, TimeoutError) as exc:
                    logger.warning("payshack browser: closing the %s failed: %s", name, exc)
        if playwright is not None:
            # Stopping the driver also ends any browser it still holds.
            try:
                await asyncio.wait_for(playwright.stop(), _CLOSE_TIMEOUT)
            except (PlaywrightError, TimeoutError) as exc:
                logger.warning("payshack browser: stopping playwright failed: %s", exc)

    async def new_page(self) -> Page:
        return await self.context.new_page()

    async def save_state(self) -> None:
        state: dict[str, Any] = dict(await self.context.storage_state())
        await self.store.set(state, TTL_SESSION_PAYSHACK)

    async def forget_state(self) -> None:
        await self.store.delete()

    async def login(self, page: Page) -> None:
        """Sign in through the form the page shows now; saves the state on success."""
        async with self.login_lock:
            if not await page.locator("input[type=password]").count():
                return  # another tab logged in meanwhile and this page followed
            await self._submit_login(page)
            self.logins += 1
            logger.info("payshack browser: logged in through the dashboard form")
            await self.save_state()

    async def _submit_login(self, page: Page) -> None:
        timeout = self.timeout_seconds * 1000
        email = page.get_by_label(EMAIL_LABEL).first
        password = page.get_by_label(PASSWORD_LABEL).first
        button = page.get_by_role("button", name=SIGN_IN).first
        missing = [
            what
            for what, locator in (
                ("email field", email),
                ("password field", password),
                ("sign-in button", button),
            )
            if not await locator.count()
        ]
        if missing:
            raise PayShackLoginFormNotFoundError(page.url, missing)
        user, secret = self.secrets
        await email.fill(user)
        await password.fill(secret)
        await page.evaluate(_MARK_ALERTS_JS)
        await button.click()
        try:
            outcome = await page.wait_for_function(_LOGIN_OUTCOME_JS, timeout=timeout)
        except PlaywrightTimeoutError:
            raise PayShackPageTimeoutError("the login to finish", self.timeout_seconds) from None
        said = str(await outcome.json_value())
        if said.startswith("rejected:"):
            await self.forget_state()
            raise PayShackLoginRejectedError(said.removeprefix("rejected:"))


def redact_html(content: str, secrets: Sequence[str]) -> str:
    """Saved HTML without typed values, inline JSON blobs (page configs carry keys and
    tokens) or any literal credential."""
    content = re.sub(r"(<input\b[^>]*?)\s+value\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", r"\1", content)
    content = re.sub(
        r"(<script\b[^>]*type=[\"']application/(?:ld\+)?json[\"'][^>]*>).*?(</script>)",
        r"\1[redacted]\2",
        content,
        flags=re.DOTALL | re.IGNORECASE,
    )
    for secret in secrets:
        if secret:
            content = content.replace(secret, "[redacted]")
    return content


async def save_diagnostics(
    page: Page, directory: Path, reason: str, secrets: Sequence[str]
) -> tuple[Path | None, Path | None]:
    """A full-page screenshot and the page's HTML, credentials stripped first."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    slug = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-")[:40] or "failure"
    base = directory / f"payshack-{stamp}-{slug}"
    shot: Path | None = base.with_suffix(".png")
    html: Path | None = base.with_suffix(".html")
    try:
        await asyncio.to_thread(directory.mkdir, parents=True, exist_ok=True)
    except OSError as exc:
        logger.warning("payshack browser: cannot create %s: %s", directory, exc)
        return None, None
    with contextlib.suppress(PlaywrightError):  # a closed page: the HTML is redacted below
        await page.evaluate(_STRIP_INPUTS_JS)
    try:
        await page.screenshot(path=shot, full_page=True, timeout=10_000)
    except PlaywrightError as exc:
        logger.warning("payshack browser: screenshot failed: %s", exc)
        shot = None
    try:
        content = redact_html(await page.content(), secrets)
        assert html is not None
        await asyncio.to_thread(html.write_text, content, encoding="utf-8")
    except (PlaywrightError, OSError) as exc:
        logger.warning("payshack browser: saving the page HTML failed: %s", exc)
        html = None
    return shot, html
