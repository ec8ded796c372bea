"""PayShackApiTransport through httpx against a small stand-in of the PayShack API
(`payshack_fake.py`)."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from starlette.responses import JSONResponse, Response

from psp_dashboard.sync.connectors.base import Connector
from psp_dashboard.sync.connectors.payshack.api import (
    WATERMARK,
    InMemoryTokenStore,
    PayShackApiTransport,
    PayShackEncryptedError,
)
from psp_dashboard.sync.errors import UpstreamAuthError
from tests.connectors.payshack_fake import (
    API,
    CIPHERTEXT,
    CLIENT_ID,
    EMAIL,
    NOW,
    PASSWORD,
    FakePayShack,
    Pauses,
    run,
    transport,
    txn_ids,
    utc_days,
)


def test_transport_satisfies_the_protocol(http: httpx.AsyncClient) -> None:
    conn: Connector = transport(http)
    assert conn.source == "payshack"
    assert PASSWORD not in repr(conn) and EMAIL not in repr(conn)


async def test_first_sync_reads_whole_history_and_sets_watermark_last(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    for days in range(1, 90, 3):  # a quarter of history, 30 rows
        payshack.add(NOW - timedelta(days=days))
    pauses = Pauses()
    pages = await run(transport(http, sleep=pauses), {})
    assert txn_ids(pages) == {r["txnId"] for r in payshack.rows}
    assert all("dateFrom" not in q for q in payshack.queries)
    assert [p.checkpoint for p in pages[:-1]] == [{}] * (len(pages) - 1)
    # The watermark is the newest createdAt delivered, not our clock.
    assert pages[-1].checkpoint == {WATERMARK: (NOW - timedelta(days=1)).isoformat()}
    assert pages[-1].report is not None and pages[-1].report.complete
    assert pauses.calls == [0.3] * (len(pages) - 1)  # pause between pages, not after


async def test_incremental_sync_reads_watermark_minus_overlap(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    old = payshack.add(NOW - timedelta(hours=5))
    in_overlap = payshack.add(NOW - timedelta(hours=2, minutes=30))
    recent = payshack.add(NOW - timedelta(minutes=10))
    watermark = (NOW - timedelta(hours=1)).isoformat()
    pages = await run(transport(http), {WATERMARK: watermark})
    assert txn_ids(pages) == {in_overlap, recent}
    assert old not in txn_ids(pages)
    # window starts 2026-01-20 09:00Z; padded by a day on each side
    assert (payshack.queries[0]["dateFrom"], payshack.queries[0]["dateTo"]) == (
        "2026-01-19", "2026-01-21",
    )  # fmt: skip
    assert pages[-1].checkpoint == {WATERMARK: (NOW - timedelta(minutes=10)).isoformat()}


async def test_interrupted_walk_keeps_the_old_watermark(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    for minutes in range(25):
        payshack.add(NOW - timedelta(minutes=minutes))
    watermark = (NOW - timedelta(hours=1)).isoformat()
    pages = transport(http).pages({WATERMARK: watermark})
    first = await anext(pages)
    await pages.aclose()  # the run dies after one page
    assert first.checkpoint == {}  # the stored watermark stays as it is


async def test_rows_arriving_mid_walk_shift_pages_without_gaps(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    for minutes in range(1, 36):
        payshack.add(NOW - timedelta(minutes=minutes))
    original = {r["txnId"] for r in payshack.rows}

    def new_payments(page: int) -> None:
        if page > 1:
            for _ in range(4):
                payshack.add(NOW)  # newest first: pushes every row 4 places down

    payshack.before_page = new_payments
    pages = await run(transport(http), {WATERMARK: (NOW - timedelta(hours=1)).isoformat()})
    assert original <= txn_ids(pages)


async def test_sync_start_reads_from_midnight_ist(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    before = payshack.add(datetime(2026, 1, 9, 18, 0, tzinfo=UTC))  # 9 Jan 23:30 IST
    after = payshack.add(datetime(2026, 1, 9, 19, 0, tzinfo=UTC))  # 10 Jan 00:30 IST
    pages = await run(transport(http, sync_start=date(2026, 1, 10)), {})
    assert txn_ids(pages) == {after}
    assert before not in txn_ids(pages)


async def test_token_is_reused_across_runs(payshack: FakePayShack, http: httpx.AsyncClient) -> None:
    payshack.add(NOW - timedelta(minutes=5))
    store = InMemoryTokenStore()
    await run(transport(http, token_store=store), {})
    await run(transport(http, token_store=store), {})
    assert payshack.logins == 1


async def test_expired_token_triggers_one_new_login(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    payshack.add(NOW - timedelta(minutes=5))
    store = InMemoryTokenStore()
    await run(transport(http, token_store=store), {})
    payshack.tokens.clear()  # the server forgot every session
    pages = await run(transport(http, token_store=store), {})
    assert len(txn_ids(pages)) == 1
    assert payshack.logins == 2


async def test_persistent_401_after_new_login_is_an_auth_error(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    payshack.faults = [JSONResponse({}, status_code=401)] * 2
    conn = transport(http)
    with pytest.raises(UpstreamAuthError, match="refused after a fresh login"):
        await run(conn, {})


async def test_wrong_password_is_an_auth_error_without_credentials(
    http: httpx.AsyncClient,
) -> None:
    conn = PayShackApiTransport(API, EMAIL, "wrong", client=http)
    with pytest.raises(UpstreamAuthError) as caught:
        await run(conn, {})
    assert "wrong" not in str(caught.value) and EMAIL not in str(caught.value)


async def test_encrypted_payload_suggests_the_browser_transport(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    payshack.encrypted = True
    with pytest.raises(PayShackEncryptedError, match="PAYSHACK_TRANSPORT=browser"):
        await run(transport(http), {})


async def test_ciphertext_body_is_recognised_without_retries(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    payshack.faults = [Response(CIPHERTEXT, media_type="text/plain")]
    with pytest.raises(PayShackEncryptedError):
        await run(transport(http), {})
    assert len(payshack.queries) == 1


async def test_rate_limit_and_server_errors_are_retried(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    payshack.add(NOW - timedelta(minutes=5))
    payshack.faults = [JSONResponse({}, status_code=429), Response("", status_code=503)]
    pages = await run(transport(http), {})
    assert len(txn_ids(pages)) == 1


async def test_backfill_windows_tile_the_range_exactly(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    # Rows around UTC and IST midnights: each must land in exactly one window.
    for stamp in ["2026-01-09T23:59:59", "2026-01-10T00:00:00", "2026-01-10T18:29:59",
                  "2026-01-10T18:30:00", "2026-01-11T23:59:59", "2026-01-12T00:00:00"]:  # fmt: skip
        payshack.add(datetime.fromisoformat(stamp).replace(tzinfo=UTC))
    async with transport(http) as conn:
        per_window = [
            {r["createdAt"] for p in [p async for p in conn.window_pages(*w)] for r in p.records}
            for w in utc_days(date(2026, 1, 10), date(2026, 1, 11))
        ]
    assert per_window == [
        {"2026-01-10T00:00:00Z", "2026-01-10T18:29:59Z", "2026-01-10T18:30:00Z"},
        {"2026-01-11T23:59:59Z"},
    ]


async def test_fetch_clients(http: httpx.AsyncClient) -> None:
    assert await transport(http).fetch_clients() == [{"clientId": CLIENT_ID, "name": "91G"}]


async def test_normalize_uses_the_configured_client_map(http: httpx.AsyncClient) -> None:
    conn = transport(http, client_projects={"91G_TECH_PVT_LTD": "g91"})
    row = {"txnId": "T1", "paidAmount": 1, "txnStatus": "Success",
           "clientName": "91G_TECH_PVT_LTD", "createdAt": "2026-01-15T15:46:46Z"}  # fmt: skip
    assert conn.normalize(row).project == "g91"


async def test_concurrent_windows_share_one_login(
    payshack: FakePayShack, http: httpx.AsyncClient
) -> None:
    for days in range(4):
        payshack.add(NOW - timedelta(days=days, hours=1))
    conn = transport(http)
    windows = utc_days(date(2026, 1, 16), date(2026, 1, 20))

    async def drain(window: tuple[datetime, datetime]) -> set[str]:
        return txn_ids([page async for page in conn.window_pages(*window)])

    found = await asyncio.gather(*(drain(w) for w in windows))
    assert set().union(*found) == {r["txnId"] for r in payshack.rows}
    assert payshack.logins == 1
    payshack.tokens.clear()  # every window now meets a 401 at about the same time
    await asyncio.gather(*(drain(w) for w in windows))
    assert payshack.logins == 2
