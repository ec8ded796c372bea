"""VimaConnector end to end through httpx against a small stand-in of the Vima API.

The stand-in implements the spec's cursor semantics (exclusive `from_operation_*_id`,
ascending order, empty page at the end) so the connector's walk, checkpoints, budget,
lag window and retries are exercised without patching the connector.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from psp_dashboard.sync.connectors.base import Connector, RawPage
from psp_dashboard.sync.connectors.http import RetryPolicy
from psp_dashboard.sync.connectors.vima.client import (
    CREATE_CURSOR,
    UPDATE_CURSOR,
    VimaConnector,
)
from psp_dashboard.sync.errors import UpstreamAuthError, UpstreamProtocolError

KEY = "master-0123456789abcdef0123456789abcdef"
NOW = datetime(2026, 1, 20, 12, 0, tzinfo=UTC)
BASE = "http://vima.test/collector1/api/v1"


@dataclass
class FakeVima:
    ops: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_id: int = 990  # crosses 999 → 1000: string order would break the walk
    faults: list[Response] = field(default_factory=list)
    queries: list[dict[str, str]] = field(default_factory=list)

    def _id(self) -> int:
        self.next_id += 7
        return self.next_id

    def create(self, n: int, when: datetime = NOW - timedelta(days=1)) -> None:
        for _ in range(n):
            op_id = str(self._id())
            self.ops[op_id] = {
                "operation_id": op_id,
                "operation_create_id": str(self._id()),
                "operation_update_id": str(self._id()),
                "operation_created_at": when.isoformat(),
                "operation_modified_at": when.isoformat(),
                "current_status": "in_process",
                "create_params": {"params": {"payment": {"amount": {"value": 10000}}}},
            }

    def update(self, op_id: str, when: datetime = NOW) -> None:
        self.ops[op_id].update(
            operation_update_id=str(self._id()),
            operation_modified_at=when.isoformat(),
            current_status="success",
        )

    async def operation(self, request: Request) -> Response:
        query = dict(request.query_params)
        self.queries.append(query)
        if query.get("apikey") != KEY:
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        if self.faults:
            return self.faults.pop(0)
        assert "descending" in query and "count" in query
        count = int(query["count"])
        rows = list(self.ops.values())
        if "from_operation_update_id" in query:
            after, key = int(query["from_operation_update_id"]), "operation_update_id"
        else:
            after, key = int(query.get("from_operation_create_id", -1)), "operation_create_id"
        if "from" in query:
            rows = [r for r in rows if r["operation_created_at"][:10] >= query["from"]]
        if "to" in query:
            rows = [r for r in rows if r["operation_created_at"][:10] <= query["to"]]
        rows = sorted((r for r in rows if int(r[key]) > after), key=lambda r: int(r[key]))
        return JSONResponse(rows[:count])

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/collector1/api/v1/operation", self.operation)])


@pytest.fixture
def vima() -> FakeVima:
    return FakeVima()


@pytest.fixture
async def http(vima: FakeVima) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=vima.app())) as client:
        yield client


def connector(http: httpx.AsyncClient, **options: Any) -> VimaConnector:
    async def no_wait(_: float) -> None:
        return None

    options.setdefault("page_size", 10)
    return VimaConnector(BASE, KEY, client=http, sleep=no_wait, now=lambda: NOW,
                         retry=RetryPolicy(max_attempts=3), **options)  # fmt: skip


async def run(conn: VimaConnector, state: dict[str, str]) -> tuple[list[RawPage], dict[str, str]]:
    pages = [page async for page in conn.pages(state)]
    final = dict(state)
    for page in pages:
        final.update(page.checkpoint)
    return pages, final


def ids(pages: list[RawPage], stream: str | None = None) -> list[str]:
    return [r["operation_id"] for p in pages if stream in (None, p.stream) for r in p.records]


def test_connector_satisfies_the_protocol(http: httpx.AsyncClient) -> None:
    conn: Connector = connector(http)
    assert conn.source == "vima"
    assert KEY not in repr(conn)


async def test_first_sync_walks_everything_and_stores_integer_max_cursors(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.create(35)
    pages, state = await run(connector(http), {})
    assert sorted(ids(pages, "create")) == sorted(vima.ops)
    assert len(ids(pages, "create")) == 35  # no duplicates within the create walk
    assert state[CREATE_CURSOR] == str(
        max(int(o["operation_create_id"]) for o in vima.ops.values())
    )
    assert state[UPDATE_CURSOR] == str(
        max(int(o["operation_update_id"]) for o in vima.ops.values())
    )
    assert [p.page_no for p in pages] == list(range(1, len(pages) + 1))
    first = vima.queries[0]
    assert (first["descending"], first["count"]) == ("false", "10")
    assert "from_operation_create_id" not in first and "from" not in first


async def test_checkpoints_only_move_forward(vima: FakeVima, http: httpx.AsyncClient) -> None:
    vima.create(25)
    pages, _ = await run(connector(http), {})
    creates = [int(p.checkpoint[CREATE_CURSOR]) for p in pages]
    assert creates == sorted(creates)
    assert all(UPDATE_CURSOR in p.checkpoint for p in pages if p.stream == "update")


async def test_next_run_reads_new_and_changed_operations_only(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.create(12)
    _, state = await run(connector(http), {})
    changed = sorted(vima.ops)[:3]
    for op_id in changed:
        vima.update(op_id)
    before = set(vima.ops)
    vima.create(4)
    new = sorted(set(vima.ops) - before)
    pages, state2 = await run(connector(http), state)
    assert sorted(ids(pages, "create")) == new
    assert sorted(ids(pages, "update")) == sorted(changed + new)
    assert int(state2[CREATE_CURSOR]) > int(state[CREATE_CURSOR])
    quiet_pages, state3 = await run(connector(http), state2)
    assert quiet_pages == [] and state3 == state2


async def test_page_budget_bounds_a_run_and_the_next_run_resumes(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.create(45)
    seen: list[str] = []
    state: dict[str, str] = {}
    runs = 0
    while True:
        pages, state = await run(connector(http, max_pages_per_run=2), state)
        runs += 1
        assert len(pages) <= 2
        seen += ids(pages, "create")
        if not pages:
            break
    assert sorted(set(seen)) == sorted(vima.ops)
    assert runs > 3


async def test_sync_start_sends_from_date_on_first_sync(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.create(3, when=datetime(2026, 1, 1, tzinfo=UTC))
    vima.create(2, when=datetime(2026, 1, 10, tzinfo=UTC))
    pages, state = await run(connector(http, sync_start=date(2026, 1, 5)), {})
    assert len(ids(pages, "create")) == 2
    assert vima.queries[0]["from"] == "2026-01-05"
    await run(connector(http, sync_start=date(2026, 1, 5)), state)
    assert "from" not in vima.queries[-1]  # a stored cursor wins


async def test_lag_window_delivers_recent_rows_but_holds_the_cursor_back(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.create(5, when=NOW - timedelta(hours=1))
    settled = max(int(o["operation_create_id"]) for o in vima.ops.values())
    vima.create(3, when=NOW - timedelta(seconds=30))
    pages, state = await run(connector(http, lag_seconds=300), {})
    assert len(ids(pages, "create")) == 8
    assert state[CREATE_CURSOR] == str(settled)
    again, _ = await run(connector(http, lag_seconds=300), state)
    assert len(ids(again, "create")) == 3  # the recent ones are read again


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(JSONResponse({}, status_code=429, headers={"retry-after": "1"}), id="429"),
        pytest.param(Response("bad gateway", status_code=502), id="502"),
        pytest.param(Response('[{"operation_id": ', media_type="application/json"),
                     id="truncated"),
    ],
)  # fmt: skip
async def test_faults_are_retried_and_the_walk_completes(
    vima: FakeVima, http: httpx.AsyncClient, fault: Response
) -> None:
    vima.create(15)
    vima.faults = [fault, fault]
    pages, _ = await run(connector(http), {})
    assert sorted(ids(pages, "create")) == sorted(vima.ops)


async def test_wrong_key_is_an_auth_error_without_the_key(http: httpx.AsyncClient) -> None:
    conn = VimaConnector(BASE, "master-wrong", client=http)
    with pytest.raises(UpstreamAuthError) as caught:
        await run(conn, {})
    assert "master-wrong" not in str(caught.value)


async def test_the_key_never_reaches_the_logs(
    vima: FakeVima, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    vima.create(3)
    vima.faults = [Response("", status_code=500)]
    with caplog.at_level(logging.DEBUG):
        await run(connector(http), {})
    assert "HTTP Request" in caplog.text
    assert KEY not in caplog.text


@pytest.mark.parametrize("walk", ["incremental", "window"])
async def test_a_cursor_that_does_not_advance_is_an_error(
    vima: FakeVima, http: httpx.AsyncClient, walk: str
) -> None:
    vima.create(3)
    stuck = list(vima.ops.values())[:1]
    vima.faults = [JSONResponse(stuck), JSONResponse(stuck)]
    cursor = stuck[0]["operation_create_id"] + "0"
    conn = connector(http)
    with pytest.raises(UpstreamProtocolError, match="did not advance"):
        if walk == "incremental":
            await run(conn, {CREATE_CURSOR: cursor})
        else:  # a backfill window resumed from its checkpoint: the same guard
            start = datetime(2026, 1, 19, tzinfo=UTC)
            _ = [p async for p in conn.window_pages(start, None, checkpoint={"cursor": cursor})]


async def test_a_page_echoing_only_the_cursor_row_ends_the_walk(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.create(1)
    only = next(iter(vima.ops.values()))
    vima.faults = [JSONResponse([only])]  # an inclusive reading of the cursor
    state = {
        CREATE_CURSOR: only["operation_create_id"],
        UPDATE_CURSOR: only["operation_update_id"],
    }
    pages, _ = await run(connector(http), state)
    assert pages == []


async def test_a_window_reads_its_days_and_resumes_from_its_cursor(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.create(4, NOW - timedelta(days=2))
    vima.create(25, NOW - timedelta(days=1))
    vima.create(3, NOW)
    day = datetime(2026, 1, 19, tzinfo=UTC)
    conn = connector(http)
    first = await anext(conn.window_pages(day, day + timedelta(days=1)))
    assert (first.checkpoint, vima.queries[-1]["from"], vima.queries[-1]["to"]) == (
        {"cursor": first.records[-1]["operation_create_id"]}, "2026-01-19", "2026-01-19",
    )  # fmt: skip
    rest = [p async for p in conn.window_pages(day, day + timedelta(days=1),
                                              checkpoint=first.checkpoint)]  # fmt: skip
    assert len({*ids([first]), *ids(rest)}) == 25  # the day, once, without restarting


async def test_a_body_that_is_not_an_array_is_a_protocol_error(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.faults = [Response(json.dumps({"data": []}), media_type="application/json")]
    with pytest.raises(UpstreamProtocolError, match="JSON array"):
        await run(connector(http), {})


def test_invalid_options_are_rejected() -> None:
    with pytest.raises(ValueError):
        VimaConnector(BASE, KEY, page_size=101)
    with pytest.raises(ValueError):
        VimaConnector(BASE, KEY, max_pages_per_run=0)
