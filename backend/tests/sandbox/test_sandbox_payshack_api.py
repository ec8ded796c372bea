"""PayShack API contract: login envelope, paging envelope, auth failures, filters."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import httpx

from psp_dashboard.sandbox import SandboxHandle
from tests.sandbox.conftest import LOGIN, payshack_login, payshack_page

IST = timedelta(hours=5, minutes=30)


def test_login_answers_the_documented_envelope(
    shared_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    c = shared_sandbox.credentials
    body = http.post(
        shared_sandbox.payshack_base_url + LOGIN,
        json={"email": c.payshack_email, "password": c.payshack_pass},
    ).json()
    assert set(body) == {"timestamp", "statusCode", "status", "message", "success", "data"}
    assert (body["statusCode"], body["status"], body["message"], body["success"]) == (
        200,
        "OK",
        "Login Successfully!",
        True,
    )
    data = body["data"]
    assert set(data) == {"userId", "clientId", "role", "email", "token", "refreshToken"}
    assert data["clientId"] != data["userId"] and data["role"] == "Reseller"
    assert data["token"].count(".") == 2  # a JWT
    wrong = http.post(
        shared_sandbox.payshack_base_url + LOGIN,
        json={"email": c.payshack_email, "password": "nope"},
    )
    assert wrong.status_code == 401 and wrong.json()["success"] is False


def test_fetch_pages_newest_first_with_the_paging_envelope(
    shared_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    headers = payshack_login(http, shared_sandbox)
    first = payshack_page(http, shared_sandbox, headers, page=1, limit=100).json()
    assert first["success"] is True and first["statusCode"] == 200
    data = first["data"]
    total = len(shared_sandbox.world.ps_order)
    assert (data["totalRecords"], data["perPage"], data["totalPages"]) == (
        total,
        100,
        -(-total // 100),
    )
    assert (data["currentPageNo"], data["prevPage"], data["nextPage"]) == (1, 0, 2)
    created = [t["createdAt"] for t in data["transactions"]]
    parsed = [c for c in created if c.endswith("Z") and len(c) == 24]
    assert parsed == sorted(parsed, reverse=True)
    last = payshack_page(http, shared_sandbox, headers, page=data["totalPages"], limit=100)
    tail = last.json()["data"]
    assert tail["nextPage"] == 0 and tail["prevPage"] == data["totalPages"] - 1
    assert len(tail["transactions"]) == total - 100 * (data["totalPages"] - 1)
    assert payshack_page(http, shared_sandbox, headers, limit=101).status_code == 400


def test_reseller_id_must_be_the_client_id(
    shared_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    headers = payshack_login(http, shared_sandbox)
    missing = {"Authorization": headers["Authorization"]}
    assert payshack_page(http, shared_sandbox, missing).status_code == 403
    wrong = {**headers, "reseller-id": shared_sandbox.sandbox.directory.user_id}
    assert payshack_page(http, shared_sandbox, wrong).status_code == 403


def test_bad_or_refresh_token_is_401(shared_sandbox: SandboxHandle, http: httpx.Client) -> None:
    headers = payshack_login(http, shared_sandbox)
    forged = headers["Authorization"][:-4] + "AAAA"
    assert (
        payshack_page(http, shared_sandbox, {**headers, "Authorization": forged}).status_code == 401
    )
    assert (
        payshack_page(http, shared_sandbox, {"reseller-id": headers["reseller-id"]}).status_code
        == 401
    )
    c = shared_sandbox.credentials
    login = http.post(
        shared_sandbox.payshack_base_url + LOGIN,
        json={"email": c.payshack_email, "password": c.payshack_pass},
    ).json()
    refresh = {**headers, "Authorization": "Bearer " + login["data"]["refreshToken"]}
    assert payshack_page(http, shared_sandbox, refresh).status_code == 401


def test_token_expires_after_k_requests_and_after_its_ttl(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    fresh_sandbox.faults.payshack.update(expire_after_requests=3)
    headers = payshack_login(http, fresh_sandbox)
    codes = [payshack_page(http, fresh_sandbox, headers).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 401]
    fresh_sandbox.faults.payshack.update(expire_after_requests=0)
    headers = payshack_login(http, fresh_sandbox)  # a new login works again
    assert payshack_page(http, fresh_sandbox, headers).status_code == 200
    fresh_sandbox.sandbox.auth.travel(29 * 60)
    assert payshack_page(http, fresh_sandbox, headers).status_code == 200
    fresh_sandbox.sandbox.auth.travel(2 * 60)  # past the 30-minute lifetime
    assert payshack_page(http, fresh_sandbox, headers).status_code == 401


def test_date_filter_takes_ist_days_inclusive(
    shared_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    headers = payshack_login(http, shared_sandbox)
    day = date(2026, 1, 11)
    body = payshack_page(
        http, shared_sandbox, headers, limit=1, dateFrom=day.isoformat(), dateTo=day.isoformat()
    ).json()
    w = shared_sandbox.world
    start = datetime(2026, 1, 11, tzinfo=UTC) - IST
    lo, hi = (int(t.timestamp() * 1000) for t in (start, start + timedelta(days=1)))
    expected = sum(1 for e in w.ps_order if lo <= w.ps_time_ms(e) < hi)
    assert body["data"]["totalRecords"] == expected > 0
    two_days = payshack_page(
        http, shared_sandbox, headers, limit=1, dateFrom="2026-01-11", dateTo="2026-01-12"
    ).json()
    assert two_days["data"]["totalRecords"] > expected


def test_order_transaction_and_status_filters(
    shared_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    headers = payshack_login(http, shared_sandbox)
    rows = payshack_page(http, shared_sandbox, headers, page=3, limit=100).json()["data"]
    sample = next(t for t in rows["transactions"] if t.get("txnId"))
    by_txn = payshack_page(http, shared_sandbox, headers, transactionId=sample["txnId"]).json()
    assert [t["txnId"] for t in by_txn["data"]["transactions"]] == [sample["txnId"]]
    by_order = payshack_page(http, shared_sandbox, headers, orderId=sample["orderId"]).json()
    assert sample["txnId"] in [t.get("txnId") for t in by_order["data"]["transactions"]]
    assert {t["orderId"] for t in by_order["data"]["transactions"]} == {sample["orderId"]}
    failed = payshack_page(http, shared_sandbox, headers, status="failed", limit=100).json()
    assert {t["txnStatus"] for t in failed["data"]["transactions"]} == {"Failed", "FAILED"}
    assert failed["data"]["totalRecords"] < rows["totalRecords"]


def test_clients_endpoint_lists_the_reseller_clients(
    shared_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    headers = payshack_login(http, shared_sandbox)
    resp = http.get(
        shared_sandbox.payshack_base_url + "/indigate-core-svc/api/v1/client/fetch-all-client",
        headers=headers,
    )
    names = {c["name"] for c in resp.json()["data"]}
    assert {"91G_TECH_PVT_LTD", "MNCL_M5_Pvt_Ltd"} <= names
    assert all({"clientId", "name", "balance"} <= set(c) for c in resp.json()["data"])


def test_page_walk_covers_every_row_while_new_rows_arrive(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    """Newest-first pages shift as pay-ins arrive; a forward walk that dedupes by _id
    sees every row that existed when it started (plus some new ones), never a gap."""
    w = fresh_sandbox.world
    before = {15_000_000 + e for e in w.ps_order}
    headers = payshack_login(http, fresh_sandbox)
    seen: dict[int, dict[str, object]] = {}
    repeats = 0
    page = 1
    while page:
        body = payshack_page(http, fresh_sandbox, headers, page=page, limit=50).json()["data"]
        for t in body["transactions"]:
            repeats += t["_id"] in seen
            seen[t["_id"]] = t
        w.advance(new=17, settle=3)  # pay-ins arrive between two page reads
        page = body["nextPage"]
    assert before <= set(seen)
    assert repeats > 0  # the shift happened, and the walk absorbed it


def test_dashboard_reskin_is_set_through_the_admin_endpoint(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    base = fresh_sandbox.payshack_base_url
    body = {"column_order": ["Order ID", "UTR", "Amount"], "header_renames": {"UTR": "Ref"}}
    assert http.put(base + "/_sandbox/dashboard", json=body).status_code == 200
    c = fresh_sandbox.credentials
    login = http.post(
        base + "/login", data={"email": c.payshack_email, "password": c.payshack_pass}
    )
    assert login.status_code == 303 and login.headers["location"] == "/dashboard"
    page = http.get(base + fresh_sandbox.sandbox.payin_path, cookies=login.cookies).text
    headers = re.findall(r'<th scope="col">([^<]*)</th>', page)
    assert headers == ["Order ID", "Ref", "Amount"]
    assert httpx.get(base + fresh_sandbox.sandbox.payin_path).status_code == 303  # no session
