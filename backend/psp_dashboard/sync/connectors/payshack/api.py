"""PayShack through the JSON API its dashboard calls (`PAYSHACK_TRANSPORT=api`).

The sync model (windows, data-derived watermark, completeness, early end) is shared with
the browser transport and lives in `window.py`; the late-change sweep in `late.py`. This
module speaks the API: login and token, one page of a filtered listing with what its
envelope states (`totalRecords`, `totalPages`, `perPage`, `nextPage`), and the look-up
of one pay-in by `transactionId`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import re
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from pydantic import SecretStr

from psp_dashboard.sync.connectors.completeness import ListingPage
from psp_dashboard.sync.connectors.http import RetryingClient, RetryPolicy, Sleep, new_async_client
from psp_dashboard.sync.connectors.payshack.late import OpenPayIns
from psp_dashboard.sync.connectors.payshack.listing import WATERMARK, ListingQuery
from psp_dashboard.sync.connectors.payshack.normalize import (
    DEFAULT_CLIENT_PROJECTS,
    normalize_payshack,
)
from psp_dashboard.sync.connectors.payshack.tokens import (
    DEFAULT_TOKEN_TTL_SECONDS,
    InMemoryTokenStore,
    TokenStore,
)
from psp_dashboard.sync.connectors.payshack.window import WindowedPayShack
from psp_dashboard.sync.errors import (
    PayShackEncryptedError,
    UpstreamAuthError,
    UpstreamProtocolError,
)
from psp_dashboard.sync.records import NormalizedTransaction, Stream

__all__ = [
    "DEFAULT_CLIENT_PROJECTS",
    "WATERMARK",
    "InMemoryTokenStore",
    "PayShackApiTransport",
    "PayShackEncryptedError",
    "TokenStore",
]

logger = logging.getLogger(__name__)

LOGIN_PATH = "/indigate-user-svc/api/v1/auth/login"
PAYIN_PATH = "/indigate-payin-svc/api/v1/payin/transaction/fetch"
CLIENTS_PATH = "/indigate-core-svc/api/v1/client/fetch-all-client"
RESELLERS_PATH = "/indigate-core-svc/api/v1/reseller/fetch-all-reseller"
SPS_PATH = "/indigate-core-svc/api/v1/service-provider/fetch-all-sp"
MAX_PAGE_SIZE = 100
_TOKEN_EXPIRY_MARGIN = 60  # seconds: drop a cached token a minute before it expires
# CryptoJS AES output is base64 of "Salted__…", i.e. it starts with "U2FsdGVkX1".
_CIPHERTEXT = re.compile(r"\s*[A-Za-z0-9+/=_-]{16,}\s*")


@dataclass(frozen=True, slots=True)
class _Session:
    token: str
    client_id: str  # sent as `reseller-id`


def _looks_encrypted(value: Any) -> bool:
    return isinstance(value, str) and bool(_CIPHERTEXT.fullmatch(value))


def _jwt_ttl(token: str, now: datetime, default: int) -> int:
    """Seconds the token is worth caching: its `exp` claim if readable, else `default`.
    The claim is read without verification: it only bounds our cache, never trust."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        remaining = int(claims["exp"] - now.timestamp()) - _TOKEN_EXPIRY_MARGIN
    except (IndexError, ValueError, KeyError, TypeError, binascii.Error):
        return default
    return max(1, min(default, remaining))


def _count(value: Any) -> int | None:
    """A count the envelope states, if it is one (not a bool, not negative)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


class PayShackApiTransport(WindowedPayShack):
    source: Stream = "payshack"
    status_filter = True
    listing_path = PAYIN_PATH  # the pay-out stream reads another listing (payouts.py)

    def __init__(
        self,
        api_url: str,
        email: SecretStr | str,
        password: SecretStr | str,
        *,
        token_store: TokenStore | None = None,
        client_projects: Mapping[str, str] = DEFAULT_CLIENT_PROJECTS,
        page_size: int = MAX_PAGE_SIZE,
        pause_seconds: float = 0.3,
        overlap: timedelta = timedelta(hours=2),
        sync_start: date | None = None,
        clock_tolerance: timedelta = timedelta(hours=1),
        late_change_days: int = 3,
        late_change_max_pages: int = 1000,
        open_payins: OpenPayIns | None = None,
        token_ttl_seconds: int = DEFAULT_TOKEN_TTL_SECONDS,
        retry: RetryPolicy | None = None,
        client: httpx.AsyncClient | None = None,
        sleep: Sleep = asyncio.sleep,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be 1..{MAX_PAGE_SIZE}")
        self.api_url = api_url.rstrip("/")
        self._email = email if isinstance(email, SecretStr) else SecretStr(email)
        self._password = password if isinstance(password, SecretStr) else SecretStr(password)
        self.token_store: TokenStore = token_store or InMemoryTokenStore()
        self.client_projects = client_projects
        self.page_size = page_size
        self.pause_seconds = pause_seconds
        self.overlap = overlap
        self.sync_start = sync_start
        self.clock_tolerance = clock_tolerance
        self.late_change_days = late_change_days
        self.late_change_max_pages = late_change_max_pages
        self.open_payins = open_payins
        self.token_ttl_seconds = token_ttl_seconds
        self.retry = retry or RetryPolicy()
        self._client = client
        self._owned: httpx.AsyncClient | None = None
        self._sleep = sleep
        self._now = now or (lambda: datetime.now(UTC))
        self._login_lock = asyncio.Lock()

    def __repr__(self) -> str:  # never shows credentials
        return f"PayShackApiTransport(api_url={self.api_url!r})"

    async def __aenter__(self) -> PayShackApiTransport:
        """Hold one HTTP client for several calls (e.g. concurrent backfill windows)."""
        if self._client is None and self._owned is None:
            self._owned = new_async_client(self.retry.timeout)
        return self

    @property
    def holding(self) -> bool:
        return self._client is not None or self._owned is not None

    async def aclose(self) -> None:
        if self._owned is not None:
            await self._owned.aclose()
            self._owned = None

    def normalize(self, raw: dict[str, Any]) -> NormalizedTransaction:
        return normalize_payshack(raw, self.client_projects)

    @asynccontextmanager
    async def _http(self) -> AsyncIterator[RetryingClient]:
        shared = self._client or self._owned
        if shared is not None:
            yield RetryingClient(shared, self.retry, sleep=self._sleep)
            return
        async with new_async_client(self.retry.timeout) as client:
            yield RetryingClient(client, self.retry, sleep=self._sleep)

    # --- authentication -------------------------------------------------------------

    async def _cached_session(self) -> _Session | None:
        stored = await self.token_store.get()
        if stored is None:
            return None
        try:
            data = json.loads(stored)
            return _Session(str(data["token"]), str(data["clientId"]))
        except (ValueError, KeyError, TypeError):
            await self.token_store.delete()  # unreadable: behave as if absent
            return None

    async def _session(self, http: RetryingClient, refused: _Session | None = None) -> _Session:
        """A usable session: the cached one unless it is the one just refused (401).
        The lock makes concurrent windows share one login instead of racing."""
        async with self._login_lock:
            cached = await self._cached_session()
            if cached is not None and cached != refused:
                return cached
            session = await self._login(http)
            ttl = _jwt_ttl(session.token, self._now(), self.token_ttl_seconds)
            value = json.dumps({"token": session.token, "clientId": session.client_id})
            await self.token_store.set(value, ttl)
            return session

    async def _login(self, http: RetryingClient) -> _Session:
        url = self.api_url + LOGIN_PATH
        host = httpx.URL(url).host
        response = await http.request_json(
            "POST",
            url,
            json_body={
                "email": self._email.get_secret_value(),
                "password": self._password.get_secret_value(),
            },
            passthrough=(400, 401, 403),
            non_json=lambda text: (
                PayShackEncryptedError(LOGIN_PATH) if _looks_encrypted(text) else None
            ),
        )
        body = response.body
        if response.status in (400, 401, 403) or not (
            isinstance(body, dict) and body.get("success", True)
        ):
            raise UpstreamAuthError(
                host, LOGIN_PATH, status=response.status, detail="PayShack login refused"
            )
        data = body.get("data")
        if _looks_encrypted(data):
            raise PayShackEncryptedError(LOGIN_PATH)
        token = data.get("token") if isinstance(data, dict) else None
        client_id = data.get("clientId") if isinstance(data, dict) else None
        if (
            not isinstance(token, str)
            or not token
            or not isinstance(client_id, str)
            or not client_id
        ):
            raise UpstreamProtocolError(f"PayShack {LOGIN_PATH} answered without token/clientId")
        logger.info("payshack: logged in")
        return _Session(token, client_id)

    async def _authed_get(
        self, http: RetryingClient, path: str, params: Mapping[str, str | int]
    ) -> Any:
        """GET with the session headers; on 401 log in again and retry once."""
        url = self.api_url + path
        session = await self._session(http)
        for attempt in (1, 2):
            response = await http.request_json(
                "GET",
                url,
                params=params,
                headers={
                    "authorization": f"Bearer {session.token}",
                    "reseller-id": session.client_id,
                },
                passthrough=(401,),
                non_json=lambda text: (
                    PayShackEncryptedError(path) if _looks_encrypted(text) else None
                ),
            )
            if response.status != 401:
                return response.body
            if attempt == 2:
                break
            # No delete here: `refused` makes _session replace exactly this token, and a
            # fresh one another window stored meanwhile is reused instead of discarded.
            logger.info("payshack: token refused, logging in again")
            session = await self._session(http, refused=session)
        raise UpstreamAuthError(
            httpx.URL(url).host, path, status=401, attempts=2, detail="refused after a fresh login"
        )

    # --- reading ----------------------------------------------------------------------

    async def fetch_page(
        self, http: RetryingClient, page: int, query: ListingQuery, limit: int | None = None
    ) -> ListingPage:
        """One page of pay-ins with what the envelope states about the listing."""
        params: dict[str, str | int] = {"page": page, "limit": limit or self.page_size}
        if query.date_from is not None and query.date_to is not None:
            params["dateFrom"] = query.date_from.isoformat()
            params["dateTo"] = query.date_to.isoformat()
        if query.status:
            params["status"] = query.status
        if query.txn_id:
            params["transactionId"] = query.txn_id
        if query.order_id:
            params["orderId"] = query.order_id
        path = self.listing_path
        body = await self._authed_get(http, path, params)
        data = body.get("data") if isinstance(body, dict) else body
        rows = data.get("transactions") if isinstance(data, dict) else None
        if _looks_encrypted(body) or _looks_encrypted(data) or _looks_encrypted(rows):
            raise PayShackEncryptedError(path)
        if (
            not isinstance(data, dict)
            or not isinstance(rows, list)
            or not all(isinstance(r, dict) for r in rows)
        ):
            raise UpstreamProtocolError(f"PayShack {path} answered without transaction rows")
        total, pages = _count(data.get("totalRecords")), _count(data.get("totalPages"))
        next_page = data.get("nextPage")
        if next_page is None:  # older shape: derive it from totalPages
            next_page = page + 1 if pages is not None and page < pages else 0
        if not isinstance(next_page, int) or (next_page != 0 and next_page <= page):
            raise UpstreamProtocolError(
                f"PayShack {path} answered nextPage={next_page!r} on page {page}"
            )
        per_page = _count(data.get("perPage")) or int(params["limit"])
        last = next_page == 0 or not rows or (pages is not None and page >= pages)
        return ListingPage(rows, page, total, pages, per_page, last)

    async def listing(self, query: ListingQuery) -> AsyncGenerator[ListingPage, None]:
        """Every page of one filtered listing, newest first, to its last page."""
        async with self._http() as http:
            page = max(1, query.first_page)
            while True:
                listed = await self.fetch_page(http, page, query)
                yield listed
                if listed.last:
                    return
                page += 1
                if self.pause_seconds > 0:
                    await self._sleep(self.pause_seconds)  # politeness, not synchronisation

    async def lookup(self, txn_id: str) -> list[dict[str, Any]]:
        """The pay-in with this `transactionId` as the provider holds it now ([] if none).
        Rows with other ids (a provider that ignores the filter) are not returned."""
        async with self._http() as http:
            listed = await self.fetch_page(http, 1, ListingQuery(txn_id=txn_id), limit=10)
        return [r for r in listed.rows if str(r.get("txnId") or "").strip() == txn_id]

    async def fetch_clients(self) -> list[dict[str, Any]]:
        """PayShack's clients (`clientId`, `name`, balance…): reference data."""
        return await self.fetch_reference(CLIENTS_PATH, "client")

    async def fetch_resellers(self) -> list[dict[str, Any]]:
        return await self.fetch_reference(RESELLERS_PATH, "reseller")

    async def fetch_service_providers(self) -> list[dict[str, Any]]:
        return await self.fetch_reference(SPS_PATH, "service provider")

    async def fetch_reference(self, path: str, what: str) -> list[dict[str, Any]]:
        """One reference list (clients, resellers, service providers), as sent."""
        async with self._http() as http:
            body = await self._authed_get(http, path, {})
        data = body.get("data") if isinstance(body, dict) else body
        if _looks_encrypted(data):
            raise PayShackEncryptedError(path)
        if isinstance(data, dict):  # {"data": {"clients": [...]}} or similar
            data = next((v for v in data.values() if isinstance(v, list)), None)
        if not isinstance(data, list) or not all(isinstance(c, dict) for c in data):
            raise UpstreamProtocolError(f"PayShack {path} answered no {what} list")
        return data
