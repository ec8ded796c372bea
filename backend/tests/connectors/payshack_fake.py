"""A small stand-in of the PayShack API, following the spec: login → token + clientId,
`reseller-id` header checked, pages newest first with `nextPage: 0` at the end, date
filters read in IST (the reason requests are padded), status and `transactionId`
filters, tokens that expire, an "encrypted" mode, and faults."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from psp_dashboard.kit.timeparse import IST
from psp_dashboard.sync.connectors.base import RawPage
from psp_dashboard.sync.connectors.http import RetryPolicy
from psp_dashboard.sync.connectors.payshack.api import InMemoryTokenStore, PayShackApiTransport

EMAIL, PASSWORD = "ops@example.com", "correct horse"
CLIENT_ID = "5b12c121-06e7-4b53-a8fa-c5d5b56e33ec"
NOW = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)
API = "http://payshack.test"
CIPHERTEXT = "U2FsdGVkX19mYWtlY2lwaGVydGV4dGZvcnRlc3Rz"


@dataclass
class FakePayShack:
    rows: list[dict[str, Any]] = field(default_factory=list)
    tokens: set[str] = field(default_factory=set)
    logins: int = 0
    encrypted: bool = False
    faults: list[Response] = field(default_factory=list)
    queries: list[dict[str, str]] = field(default_factory=list)
    before_page: Callable[[int], None] | None = None  # e.g. new payments arriving mid-walk
    serial: itertools.count[int] = field(default_factory=itertools.count)
    drop_from_page: int | None = None  # pages from this one on come back empty
    ignore_filters: bool = False  # a provider that ignores status and id filters
    hide_totals: bool = False  # an envelope without totalRecords/totalPages
    oldest_first: bool = False  # a listing in the other order

    def add(self, created: datetime, status: str = "Success") -> str:
        txn_id = f"TXN{next(self.serial):05d}"
        self.rows.append({"txnId": txn_id, "orderId": f"ORD{txn_id}", "amount": 100,
                          "paidAmount": 100, "txnStatus": status, "clientName": "91G_TECH_PVT_LTD",
                          "createdAt": created.isoformat().replace("+00:00", "Z")})  # fmt: skip
        return txn_id

    async def login(self, request: Request) -> Response:
        body = await request.json()
        if body != {"email": EMAIL, "password": PASSWORD}:
            return JSONResponse({"success": False, "message": "Invalid"}, status_code=401)
        self.logins += 1
        token = f"token-{self.logins}"
        self.tokens.add(token)
        return JSONResponse({"success": True, "statusCode": 200, "message": "Login Successfully!",
                             "data": {"userId": "u-1", "clientId": CLIENT_ID, "token": token,
                                      "refreshToken": "r"}})  # fmt: skip

    def _auth(self, request: Request) -> Response | None:
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.tokens:
            return JSONResponse({"message": "Unauthorized"}, status_code=401)
        if request.headers.get("reseller-id") != CLIENT_ID:
            return JSONResponse({"message": "Forbidden"}, status_code=403)
        return None

    async def fetch(self, request: Request) -> Response:
        denied = self._auth(request)
        if denied is not None:
            return denied
        query = dict(request.query_params)
        self.queries.append(query)
        if self.faults:
            return self.faults.pop(0)
        page, limit = int(query["page"]), int(query["limit"])
        if self.before_page is not None:
            self.before_page(page)
        rows = sorted(self.rows, key=lambda r: r["createdAt"], reverse=not self.oldest_first)
        if "status" in query and not self.ignore_filters:
            rows = [r for r in rows if r["txnStatus"].casefold() == query["status"].casefold()]
        if "transactionId" in query and not self.ignore_filters:
            rows = [r for r in rows if r["txnId"] == query["transactionId"]]
        if "dateFrom" in query:  # this stand-in reads the dates as IST days

            def ist_day(r: dict[str, Any]) -> str:
                created = datetime.fromisoformat(r["createdAt"])
                return created.astimezone(IST).date().isoformat()

            rows = [r for r in rows if query["dateFrom"] <= ist_day(r) <= query["dateTo"]]
        chunk = rows[(page - 1) * limit : page * limit]
        if self.drop_from_page is not None and page >= self.drop_from_page:
            chunk = []
        more = page * limit < len(rows)
        data: Any = {"transactions": chunk, "totalRecords": len(rows), "perPage": limit,
                     "currentPageNo": page, "nextPage": page + 1 if more else 0}  # fmt: skip
        if self.hide_totals:
            del data["totalRecords"]
        if self.encrypted:
            data = CIPHERTEXT
        return JSONResponse({"success": True, "statusCode": 200, "data": data})

    async def clients(self, request: Request) -> Response:
        denied = self._auth(request)
        return denied or JSONResponse({"data": [{"clientId": CLIENT_ID, "name": "91G"}]})

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/indigate-user-svc/api/v1/auth/login", self.login, methods=["POST"]),
            Route("/indigate-payin-svc/api/v1/payin/transaction/fetch", self.fetch),
            Route("/indigate-core-svc/api/v1/client/fetch-all-client", self.clients),
        ])  # fmt: skip


class Pauses:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def transport(http: httpx.AsyncClient, **options: Any) -> PayShackApiTransport:
    options.setdefault("page_size", 10)
    options.setdefault("late_change_days", 0)  # the sweep has tests of its own
    options.setdefault("sleep", Pauses())
    options.setdefault("token_store", InMemoryTokenStore())
    return PayShackApiTransport(API, EMAIL, PASSWORD, client=http, now=lambda: NOW,
                                retry=RetryPolicy(max_attempts=3), **options)  # fmt: skip


async def run(conn: PayShackApiTransport, state: dict[str, str]) -> list[RawPage]:
    return [page async for page in conn.pages(state)]


def txn_ids(pages: list[RawPage]) -> set[str]:
    return {r["txnId"] for p in pages for r in p.records}


def utc_days(from_date: date, to_date: date) -> list[tuple[datetime, datetime]]:
    """Windows [d 00:00Z, d+1 00:00Z) for every d in [from_date, to_date] (what a
    backfill shard reads)."""
    first = datetime(from_date.year, from_date.month, from_date.day, tzinfo=UTC)
    return [
        (first + timedelta(days=i), first + timedelta(days=i + 1))
        for i in range((to_date - from_date).days + 1)
    ]
