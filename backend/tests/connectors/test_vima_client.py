"""VimaConnector end to end through httpx against a small stand-in of the Vima API.

The stand-in implements the spec's cursor semantics (exclusive `from_operation_*_id`,
ascending order, empty page at the end, `apikey` or Basic auth) so the connector's walks,
checkpoints, budget, lag window and retries are exercised without patching the connector.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from psp_dashboard.sync.connectors.base import Connector, RawPage
from psp_dashboard.sync.connectors.http import RetryPolicy
from psp_dashboard.sync.connectors.vima.auth import VimaBasicAuth
from psp_dashboard.sync.connectors.vima.client import (
    CREATE_CURSOR,
    UPDATE_CURSOR,
    VimaConnector,
)
from psp_dashboard.sync.errors import UpstreamAuthError, UpstreamProtocolError

KEY = "master-0123456789abcdef0123456789abcdef"
USER, PASSWORD = "collector-user", "pass:word-9f8e"  # a colon inside the password is legal
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
        basic = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
        if query.get("apikey") != KEY and request.headers.get("authorization") != basic:
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


def connector(
    http: httpx.AsyncClient, credentials: str | VimaBasicAuth = KEY, **options: Any
) -> VimaConnector:
    async def no_wait(_: float) -> None:
        return None

    options.setdefault("page_size", 10)
    return VimaConnector(BASE, credentials, client=http, sleep=no_wait, now=lambda: NOW,
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


def high(vima: FakeVima, field: str) -> str:
    return str(max(int(o[field]) for o in vima.ops.values()))


async def test_first_sync_is_one_update_walk_and_stores_both_integer_max_cursors(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.create(35)
    pages, state = await run(connector(http), {})
    assert {p.stream for p in pages} == {"update"}
    assert sorted(ids(pages)) == sorted(vima.ops)
    assert len(ids(pages)) == 35  # each operation delivered once
    assert state[CREATE_CURSOR] == high(vima, "operation_create_id")
    assert state[UPDATE_CURSOR] == high(vima, "operation_update_id")
    assert [p.page_no for p in pages] == list(range(1, len(pages) + 1))
    first = vima.queries[0]
    assert (first["descending"], first["count"]) == ("false", "10")
    assert first["from_operation_update_id"] == "0" and "from" not in first
    assert not any("from_operation_create_id" in q for q in vima.queries)
    # 4 pages of data, one re-read row per full page (ties), one answer ending the walk
    assert len(vima.queries) == 5


async def test_checkpoints_only_move_forward_and_the_create_cursor_waits_for_the_end(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.create(25)
    pages, _ = await run(connector(http), {})
    updates = [int(p.checkpoint[UPDATE_CURSOR]) for p in pages]
    assert updates == sorted(updates)
    assert all(CREATE_CURSOR not in p.checkpoint for p in pages[:-1])
    assert pages[-1].checkpoint[CREATE_CURSOR] == high(vima, "operation_create_id")


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


async def test_changes_during_the_first_sync_are_read_by_it_or_the_next_run(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.create(30)
    oldest = sorted(vima.ops)[0]
    conn = connector(http)
    walk = conn.pages({})
    state: dict[str, str] = {}
    got: list[str] = []
    first = await anext(walk)
    got += ids([first])
    state.update(first.checkpoint)
    vima.update(oldest)  # already read: moves to the stream's end
    vima.create(2)  # created mid-walk
    async for page in walk:
        got += ids([page])
        state.update(page.checkpoint)
    assert sorted(set(got)) == sorted(vima.ops)
    assert got.count(oldest) == 2  # read before and after its change
    assert int(state[UPDATE_CURSOR]) >= int(vima.ops[oldest]["operation_update_id"])
    vima.create(1)  # created after the first sync finished
    late = max(vima.ops, key=int)
    pages, _ = await run(connector(http), state)
    assert late in ids(pages, "create") and late in ids(pages, "update")


async def test_page_budget_stops_the_first_sync_and_the_next_run_resumes_its_walk(
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
        assert {p.stream for p in pages} <= {"update"} or CREATE_CURSOR in state
        seen += ids(pages)
        if not pages:
            break
    assert sorted(set(seen)) == sorted(vima.ops)
    # the resumed walk never starts over: re-read rows are at most a tie step per run
    assert len(seen) <= len(vima.ops) + runs
    assert runs > 3
    assert state[CREATE_CURSOR] == high(vima, "operation_create_id")
    assert not any("from_operation_create_id" in q for q in vima.queries[:-2])


async def test_sync_start_is_honoured_by_both_walks_on_every_run(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.create(3, when=datetime(2026, 1, 1, tzinfo=UTC))
    early = set(vima.ops)
    vima.create(2, when=datetime(2026, 1, 10, tzinfo=UTC))
    start = date(2026, 1, 5)
    pages, state = await run(connector(http, sync_start=start), {})
    assert len(ids(pages)) == 2 and not early & set(ids(pages))
    assert vima.queries[0]["from"] == "2026-01-05"
    for op_id in early:
        vima.update(op_id)  # an early operation changes later: still not ours
    vima.create(1, when=NOW)
    asked = len(vima.queries)
    pages, _ = await run(connector(http, sync_start=start), state)
    assert not early & set(ids(pages)) and len(set(ids(pages))) == 1
    later = vima.queries[asked:]
    assert all("from" not in q for q in later if "from_operation_create_id" in q)
    assert all(q["from"] == "2026-01-05" for q in later if "from_operation_update_id" in q)


async def test_rows_a_server_sends_despite_from_are_dropped(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.create(3, when=datetime(2026, 1, 1, tzinfo=UTC))
    vima.create(2, when=datetime(2026, 1, 10, tzinfo=UTC))
    everything = list(vima.ops.values())
    vima.faults = [JSONResponse(everything)]  # a server ignoring `from`
    pages, state = await run(connector(http, sync_start=date(2026, 1, 5)), {})
    assert {r["operation_created_at"][:10] for p in pages for r in p.records} == {"2026-01-10"}
    assert state[UPDATE_CURSOR] == high(vima, "operation_update_id")


async def test_update_id_ties_across_a_page_boundary_are_not_skipped(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.create(8)
    batch = sorted(vima.ops, key=int)[:3]
    shared = str(vima._id())  # one settlement batch: three operations, one update id
    for op_id in batch:
        vima.ops[op_id].update(operation_update_id=shared, current_status="success")
    vima.create(3)
    # update order: 5 untouched, the batch at 6-8 (across the first page boundary), 3 new
    pages, state = await run(connector(http, page_size=6), {})
    assert sorted(set(ids(pages))) == sorted(vima.ops)
    assert len(ids(pages)) == len(vima.ops)  # re-read rows are not delivered twice
    assert state[UPDATE_CURSOR] == high(vima, "operation_update_id")


async def test_sparse_huge_ids_are_walked_as_integers(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.next_id = 999_999_999_999_999_990  # near a power of ten, then jumps
    vima.create(6)
    for op in list(vima.ops.values())[3:]:
        op["operation_update_id"] = str(int(op["operation_update_id"]) * 10 + 123)
    pages, state = await run(connector(http, page_size=2), {})
    assert sorted(ids(pages)) == sorted(vima.ops)
    assert state[UPDATE_CURSOR] == high(vima, "operation_update_id")


async def test_lag_window_delivers_recent_rows_but_holds_the_cursor_back(
    vima: FakeVima, http: httpx.AsyncClient
) -> None:
    vima.create(5, when=NOW - timedelta(hours=1))
    settled = max(int(o["operation_create_id"]) for o in vima.ops.values())
    vima.create(3, when=NOW - timedelta(seconds=30))
    pages, state = await run(connector(http, lag_seconds=300), {})
    assert len(ids(pages)) == 8
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
    assert sorted(ids(pages)) == sorted(vima.ops)


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


async def test_basic_auth_sends_the_header_and_no_apikey(
    vima: FakeVima, http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    vima.create(12)
    auth = VimaBasicAuth(SecretStr(USER), SecretStr(PASSWORD))
    with caplog.at_level(logging.DEBUG):
        pages, _ = await run(connector(http, credentials=auth), {})
    assert sorted(ids(pages)) == sorted(vima.ops)
    assert vima.queries and not any("apikey" in q for q in vima.queries)
    shown = repr(connector(http, credentials=auth)) + repr(auth) + caplog.text
    assert PASSWORD not in shown and USER not in shown


async def test_wrong_basic_password_is_an_auth_error_without_the_password(
    http: httpx.AsyncClient,
) -> None:
    auth = VimaBasicAuth(SecretStr(USER), SecretStr("not-" + PASSWORD))
    conn = VimaConnector(BASE, auth, client=http)
    with pytest.raises(UpstreamAuthError) as caught:
        await run(conn, {})
    assert PASSWORD not in str(caught.value)


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
            await run(conn, {CREATE_CURSOR: cursor, UPDATE_CURSOR: cursor})
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
