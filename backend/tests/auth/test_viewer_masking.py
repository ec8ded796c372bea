"""A viewer never receives an unmasked payer e-mail, phone, name or VPA.

Seeds records with known payer data, then calls every GET route of the app as a
viewer (and as an admin, to see which routes do show the data) and scans the bodies,
JSON, CSV and XLSX alike. The scan walks the route table, so it covers each new
endpoint the day it appears.
"""

from __future__ import annotations

import io
import json
import uuid
from typing import Any

import openpyxl  # type: ignore[import-untyped]
from fastapi import FastAPI

from psp_dashboard.runtime import Runtime
from tests.auth.conftest import Reply, RouteInfo, api_routes, asgi_call
from tests.auth.payer_data import (
    EMAIL,
    ORDER_ID,
    RAW_VALUES,
    seed_payer_transactions,
    seed_quarantined_record,
)
from tests.support.auth import sign_in

QUERY_VALUES = {
    "from_date": "2026-01-01",
    "to_date": "2026-01-31",
    "date": "2026-01-15",
    "page": "1",
    "limit": "100",
}


def body_text(reply: Reply) -> str:
    content_type = reply.headers.get("content-type", "")
    if "spreadsheetml" in content_type or reply.body[:2] == b"PK":
        book = openpyxl.load_workbook(io.BytesIO(reply.body), read_only=True)
        cells = [
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        return "\n".join(cells)
    text = reply.body.decode("utf-8", errors="replace")
    if "json" in content_type:
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def _calls(route: RouteInfo, ids: list[uuid.UUID]) -> list[tuple[str, str]]:
    """(url, query) pairs to try for one GET route."""
    query = {k: v for k, v in QUERY_VALUES.items() if k in route.query_params}
    queries = [query]
    if "format" in route.query_params:
        queries = [{**query, "format": "csv"}, {**query, "format": "xlsx"}]
    urls = [route.url()]
    if len(route.path_params) == 1:
        name = route.path_params[0][0]
        urls = [route.url({name: str(i)}) for i in ids] + urls
    encoded = ["&".join(f"{k}={v}" for k, v in q.items()) for q in queries]
    return [(url, q) for url in urls for q in encoded]


async def _scan(app: FastAPI, runtime: Runtime, client: Any, ids: list[uuid.UUID]) -> list[str]:
    """Routes whose admin response shows raw payer data; fails on any viewer leak."""
    viewer = await sign_in(client, runtime, "viewer")
    admin = await sign_in(client, runtime, "admin")
    leaks: list[str] = []
    exposing: list[str] = []
    for route in api_routes(app):
        if route.method != "GET":
            continue
        for url, query in _calls(route, ids):
            as_viewer = await asgi_call(app, "GET", url, headers=viewer, query=query)
            seen = body_text(as_viewer)
            leaked = [value for value in RAW_VALUES if value in seen]
            if leaked:
                leaks.append(f"GET {url}?{query} → {as_viewer.status}: {leaked}")
            as_admin = await asgi_call(app, "GET", url, headers=admin, query=query)
            if any(value in body_text(as_admin) for value in RAW_VALUES):
                exposing.append(f"{route.path}")
    assert not leaks, "viewer received payer data:\n" + "\n".join(leaks)
    return exposing


async def test_viewer_never_sees_payer_data_of_transactions(
    app: FastAPI, clean_db: Runtime, client: Any
) -> None:
    ids = await seed_payer_transactions(clean_db)
    exposing = await _scan(app, clean_db, client, ids)
    # The scan really met the data: an admin is shown it on these routes.
    assert {
        "/api/v1/transactions",
        "/api/v1/transactions/{transaction_id}",
        "/api/v1/export/transactions",
    } <= set(exposing), exposing


async def test_viewer_never_sees_payer_data_of_quarantined_records(
    app: FastAPI, clean_db: Runtime, client: Any
) -> None:
    await seed_quarantined_record(clean_db)
    await _scan(app, clean_db, client, [])


async def test_viewer_search_finds_masked_rows_but_not_by_payer_data(
    app: FastAPI, clean_db: Runtime, client: Any
) -> None:
    """A viewer finds a payment by its identifiers and sees it masked; a search by the
    payer's e-mail finds nothing (it would confirm what the answer masks), where an
    analyst's finds the payment."""
    await seed_payer_transactions(clean_db)
    viewer = await sign_in(client, clean_db, "viewer")
    analyst = await sign_in(client, clean_db, "analyst")

    async def search(headers: dict[str, str], term: str) -> list[Any]:
        reply = await asgi_call(
            app, "GET", "/api/v1/transactions", headers=headers, query=f"search={term}"
        )
        assert reply.status == 200, reply.body
        return list(reply.json()["data"])

    found = await search(viewer, ORDER_ID)
    assert len(found) == 2
    shown = json.dumps(found, ensure_ascii=False)
    assert not [value for value in RAW_VALUES if value in shown]
    assert await search(viewer, EMAIL) == []
    assert [row["user_email"] for row in await search(analyst, EMAIL)] == [EMAIL]
