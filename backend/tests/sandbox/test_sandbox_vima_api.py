"""The Vima endpoint's contract: auth, parameter checks, filters, the response shape."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx

from psp_dashboard.sandbox import SandboxHandle
from psp_dashboard.sandbox.statuses import normalize_vima
from tests.sandbox.conftest import vima_get, vima_walk


def test_wrong_or_missing_key_is_401(shared_sandbox: SandboxHandle, http: httpx.Client) -> None:
    url = shared_sandbox.vima_base_url + "/operation"
    assert http.get(url, params={"apikey": "master-" + "0" * 32}).status_code == 401
    assert http.get(url).status_code == 401
    assert http.get(url, auth=("sandbox", "wrong")).status_code == 401


def test_basic_auth_is_accepted(shared_sandbox: SandboxHandle, http: httpx.Client) -> None:
    c = shared_sandbox.credentials
    resp = http.get(
        shared_sandbox.vima_base_url + "/operation",
        params={"count": 5, "descending": "false"},
        auth=(c.vima_basic_user, c.vima_basic_pass),
    )
    assert resp.status_code == 200
    assert len(resp.json()) == 5


def test_count_above_100_is_400(shared_sandbox: SandboxHandle, http: httpx.Client) -> None:
    assert vima_get(http, shared_sandbox, count=101).status_code == 400
    assert vima_get(http, shared_sandbox, count=100).status_code == 200
    assert vima_get(http, shared_sandbox, status="paid").status_code == 400
    assert vima_get(http, shared_sandbox, from_operation_create_id="12ab").status_code == 400


def test_body_is_a_bare_array_of_operations(
    shared_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    body = vima_get(http, shared_sandbox, count=20, descending="false").json()
    assert isinstance(body, list) and len(body) == 20
    op = next(r for r in body if r.get("operation_id") and "complete_amount" in r)
    for field in ("operation_create_id", "operation_update_id", "operation_created_at"):
        assert isinstance(op[field], str)
    assert isinstance(op["create_params"]["params"]["payment"]["amount"]["value"], int)
    assert isinstance(op["complete_amount"], float)
    assert op["operation_created_at"].endswith("Z")


def test_status_filter_applies_to_current_status(
    shared_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    rows = vima_walk(http, shared_sandbox, "operation_create_id", status="in_process")
    assert rows and {r["current_status"] for r in rows} == {"in_process"}
    # Some of them are already final by payment_status: the filter does not look there.
    assert any(
        normalize_vima(r["current_status"], r.get("payment_status")) == "success" for r in rows
    )


def test_project_and_date_filter_by_utc_day(
    shared_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    day = date(2026, 1, 11)
    rows = vima_walk(
        http, shared_sandbox, "operation_create_id", project="91game", date=day.isoformat()
    )
    w = shared_sandbox.world
    start = datetime(2026, 1, 11, tzinfo=UTC)
    expected = [
        e
        for e in w.entries_between(
            int(start.timestamp() * 1000), int((start + timedelta(days=1)).timestamp() * 1000)
        )
        if w.has_vima(e) and w.vima_project(e) == "91game"
    ]
    assert len(rows) == len(expected) > 0
    assert {r["project"] for r in rows} == {"91game"}
    ranged = vima_walk(
        http,
        shared_sandbox,
        "operation_create_id",
        project="91game",
        **{"from": "2026-01-11", "to": "2026-01-11"},
    )
    assert [r["operation_create_id"] for r in ranged] == [r["operation_create_id"] for r in rows]


def test_key_only_in_c_id_and_pending_without_complete_amount_are_served(
    shared_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    rows = vima_walk(http, shared_sandbox, "operation_create_id", project="91game")
    c_id_only = [
        r
        for r in rows
        if not r.get("client_operation_id")
        and "identifiers" in r["create_params"]["params"]["payment"]
    ]
    assert any("client_operation_id" not in r for r in c_id_only)
    assert any(r.get("client_operation_id") == "" for r in c_id_only)
    no_key = [
        r
        for r in rows
        if not r.get("client_operation_id")
        and "identifiers" not in r["create_params"]["params"]["payment"]
    ]
    assert no_key
    pending = [
        r
        for r in rows
        if r["current_status"] in ("in_process", "user_input_required")
        and "payment_status" not in r
    ]
    assert pending and all("complete_amount" not in r for r in pending)
