"""Where each source's data comes from: configured provider, or the bundled sandbox.

The demo starts sandboxes only for sources whose base URL is not configured; this
module turns the settings (plus any sandbox URLs) into connectors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypedDict

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from psp_dashboard.cache import PAYSHACK_SESSION_KEY, TTL_SESSION_PAYSHACK, Cache
from psp_dashboard.config import Settings
from psp_dashboard.sync.connectors.base import Connector
from psp_dashboard.sync.connectors.http import RetryPolicy
from psp_dashboard.sync.connectors.payshack.api import PayShackApiTransport
from psp_dashboard.sync.connectors.payshack.browser import PayShackBrowserTransport
from psp_dashboard.sync.connectors.payshack.browser_session import RedisStateStore, state_key
from psp_dashboard.sync.connectors.payshack.payouts import PayShackPayoutTransport
from psp_dashboard.sync.connectors.vima.auth import VimaBasicAuth
from psp_dashboard.sync.connectors.vima.client import VimaConnector
from psp_dashboard.sync.open_payins import StoredOpenPayIns
from psp_dashboard.sync.records import Stream

# What the sync runs, each on its own schedule, state and lock: the two sources, and
# PayShack's pay-outs as a stream of their own (rows with source "payshack").
SOURCES: tuple[Stream, ...] = ("vima", "payshack", "payshack_payouts")


@dataclass(frozen=True)
class SourceEndpoints:
    """Resolved endpoints and credentials; `sandbox` marks the bundled imitations."""

    vima_base_url: str | None = None
    vima_api_key: SecretStr | None = None
    vima_auth: str = "api_key"  # or "basic": VIMA_USERNAME / VIMA_PASSWORD
    vima_username: SecretStr | None = None
    vima_password: SecretStr | None = None
    payshack_base_url: str | None = None
    payshack_api_url: str | None = None
    payshack_email: SecretStr | None = None
    payshack_password: SecretStr | None = None
    sandbox: frozenset[str] = field(default_factory=frozenset)

    def vima_credentials(self) -> SecretStr | VimaBasicAuth | None:
        """What VIMA_AUTH selects: the API key, or the Basic auth pair (None if unset)."""
        if self.vima_auth != "basic":
            return self.vima_api_key
        if self.vima_username is None or self.vima_password is None:
            return None
        return VimaBasicAuth(self.vima_username, self.vima_password)

    def configured(self, source: str) -> bool:
        if source == "vima":
            return self.vima_base_url is not None and self.vima_credentials() is not None
        return (
            (self.payshack_api_url or self.payshack_base_url) is not None
            and self.payshack_email is not None
            and self.payshack_password is not None
        )


def endpoints_from_settings(settings: Settings) -> SourceEndpoints:
    payshack_base = str(settings.payshack_base_url) if settings.payshack_base_url else None
    payshack_api = str(settings.payshack_api_url) if settings.payshack_api_url else payshack_base
    return SourceEndpoints(
        vima_base_url=str(settings.vima_base_url) if settings.vima_base_url else None,
        vima_api_key=settings.vima_api_key,
        vima_auth=settings.vima_auth,
        vima_username=settings.vima_username,
        vima_password=settings.vima_password,
        payshack_base_url=payshack_base,
        payshack_api_url=payshack_api,
        payshack_email=settings.payshack_email,
        payshack_password=settings.payshack_password,
    )


class RedisTokenStore:
    """The PayShack API token under `session:payshack` (TTL 1800 s); never logged."""

    def __init__(self, cache: Cache, key: str = PAYSHACK_SESSION_KEY + ":api") -> None:
        self.cache = cache
        self.key = key

    def __repr__(self) -> str:
        return "RedisTokenStore(<hidden>)"

    async def get(self) -> str | None:
        value = await self.cache.get_json(self.key)
        return value if isinstance(value, str) else None

    async def set(self, value: str, ttl_seconds: int) -> None:
        await self.cache.set_json(self.key, value, min(ttl_seconds, TTL_SESSION_PAYSHACK))

    async def delete(self) -> None:
        await self.cache.delete(self.key)


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=settings.sync_max_retries + 1,
        backoff_base=settings.sync_backoff_base_seconds,
        timeout=settings.sync_http_timeout_seconds,
    )


class SourceNotConfigured(RuntimeError):
    pass


def vima_connector(settings: Settings, endpoints: SourceEndpoints) -> VimaConnector:
    credentials = endpoints.vima_credentials()
    if endpoints.vima_base_url is None or credentials is None:
        raise SourceNotConfigured(
            "Vima is not configured: set VIMA_BASE_URL and VIMA_API_KEY (or VIMA_AUTH=basic "
            "with VIMA_USERNAME and VIMA_PASSWORD)"
        )
    return VimaConnector(
        endpoints.vima_base_url,
        credentials,
        max_pages_per_run=settings.vima_max_pages_per_run,
        lag_seconds=settings.vima_lag_seconds,
        sync_start=settings.vima_sync_start,
        retry=retry_policy(settings),
    )


class PayShackWindowOptions(TypedDict):
    """What both PayShack transports take from the settings for their windows."""

    client_projects: Mapping[str, str]
    pause_seconds: float
    overlap: timedelta
    sync_start: date | None
    clock_tolerance: timedelta
    late_change_days: int
    late_change_max_pages: int


def payshack_window_options(settings: Settings) -> PayShackWindowOptions:
    return PayShackWindowOptions(
        client_projects=settings.payshack_client_projects,
        pause_seconds=settings.payshack_page_pause_ms / 1000,
        overlap=timedelta(minutes=settings.payshack_overlap_minutes),
        sync_start=settings.payshack_sync_start,
        clock_tolerance=timedelta(minutes=settings.provider_clock_tolerance_minutes),
        late_change_days=settings.payshack_late_change_days,
        late_change_max_pages=settings.payshack_late_change_max_pages,
    )


def payshack_api_connector(
    settings: Settings,
    endpoints: SourceEndpoints,
    cache: Cache,
    engine: AsyncEngine | None = None,
) -> PayShackApiTransport:
    """The api transport; with `engine`, its late-change sweep knows our open pay-ins."""
    if not endpoints.configured("payshack"):
        raise SourceNotConfigured(
            "PayShack is not configured: set PAYSHACK_BASE_URL (or PAYSHACK_API_URL), "
            "PAYSHACK_EMAIL and PAYSHACK_PASSWORD"
        )
    assert endpoints.payshack_email is not None and endpoints.payshack_password is not None
    return PayShackApiTransport(
        endpoints.payshack_api_url or endpoints.payshack_base_url or "",
        endpoints.payshack_email,
        endpoints.payshack_password,
        token_store=RedisTokenStore(cache),
        **payshack_window_options(settings),
        open_payins=None if engine is None else StoredOpenPayIns(engine),
        retry=retry_policy(settings),
    )


def payshack_payout_connector(
    settings: Settings, endpoints: SourceEndpoints, cache: Cache
) -> PayShackPayoutTransport:
    """The pay-out stream: always the API transport (no pay-out page scraper exists), so
    with PAYSHACK_TRANSPORT=browser it runs where the credentials log in to the API."""
    if not endpoints.configured("payshack"):
        raise SourceNotConfigured(
            "PayShack is not configured: set PAYSHACK_BASE_URL (or PAYSHACK_API_URL), "
            "PAYSHACK_EMAIL and PAYSHACK_PASSWORD"
        )
    assert endpoints.payshack_email is not None and endpoints.payshack_password is not None
    return PayShackPayoutTransport(
        endpoints.payshack_api_url or endpoints.payshack_base_url or "",
        endpoints.payshack_email,
        endpoints.payshack_password,
        token_store=RedisTokenStore(cache),
        **payshack_window_options(settings),
        retry=retry_policy(settings),
    )


def payshack_browser_connector(
    settings: Settings, endpoints: SourceEndpoints, cache: Cache
) -> PayShackBrowserTransport:
    """The browser transport from settings; its login state lives in Redis, encrypted."""
    base_url, email, password = (
        endpoints.payshack_base_url,
        endpoints.payshack_email,
        endpoints.payshack_password,
    )
    if not (base_url and email and password):
        raise SourceNotConfigured(
            "PayShack browser transport is not configured: set PAYSHACK_BASE_URL (the "
            "dashboard), PAYSHACK_EMAIL and PAYSHACK_PASSWORD"
        )
    return PayShackBrowserTransport(
        base_url,
        email,
        password,
        payin_path=settings.payshack_payin_path,
        chromium_path=settings.playwright_chromium_path,
        state_store=RedisStateStore(cache, state_key(email, password)),
        diagnostics_dir=settings.payshack_diagnostics_dir,
        **payshack_window_options(settings),
        timeout_seconds=settings.sync_http_timeout_seconds,
        page_retries=settings.sync_max_retries,
    )


def payshack_connector(
    settings: Settings,
    endpoints: SourceEndpoints,
    cache: Cache,
    *,
    transport: str | None = None,
    engine: AsyncEngine | None = None,
) -> PayShackApiTransport | PayShackBrowserTransport:
    """PayShack through the configured transport (or `transport`)."""
    if (transport or settings.payshack_transport) == "browser":
        return payshack_browser_connector(settings, endpoints, cache)
    return payshack_api_connector(settings, endpoints, cache, engine)


def build_connector(
    source: str,
    settings: Settings,
    endpoints: SourceEndpoints,
    cache: Cache,
    *,
    transport: str | None = None,
    engine: AsyncEngine | None = None,
) -> Connector:
    if source == "vima":
        return vima_connector(settings, endpoints)
    if source == "payshack":
        return payshack_connector(settings, endpoints, cache, transport=transport, engine=engine)
    if source == "payshack_payouts":
        return payshack_payout_connector(settings, endpoints, cache)
    raise SourceNotConfigured(
        f"unknown source {source!r} (expected vima, payshack or payshack_payouts)"
    )
