"""The table-cell path of the browser transport: cells → scraped rows → normalizer.

`tests/kit` covers `parse_rupees` and `parse_ist_display` themselves; here the same
shapes go through the cell helpers, the header matching and the in-page reader running
in a real Chromium over static HTML (`page.set_content`, no server needed).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright
from pydantic import SecretStr

from psp_dashboard.sync.connectors.payshack.browser_errors import (
    PayShackColumnMissingError,
    PayShackLoginFormNotFoundError,
)
from psp_dashboard.sync.connectors.payshack.browser_session import (
    LAUNCH_ARGS,
    BrowserSession,
    InMemoryStateStore,
    redact_html,
)
from psp_dashboard.sync.connectors.payshack.browser_table import (
    COLUMNS,
    HEADER_KEYS,
    PAGE_STATE_JS,
    UTC_ZONE,
    WAIT_STATE_JS,
    Stated,
    TableSnapshot,
    column_indices,
    money_cell,
    scraped_row,
    time_cell,
)
from psp_dashboard.sync.connectors.payshack.normalize import SCRAPED_ROW_KEYS, normalize_payshack


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("₹1,23,456.50", "123456.50"),
        ("1,23,456.50", "123456.50"),
        ("₹0.01", "0.01"),
        ("\u00a0₹ 12,34,56,789.00 ", "123456789.00"),
        ("₹100", "100.00"),
        ("-₹50.00", "-50.00"),
        ("₹1,234.5678", "1234.5678"),  # finer than paise: kept, not rounded
        ("—", None),
        ("-", None),
        ("", None),
        ("abc", "abc"),  # junk passes through: the normalizer quarantines it
        ("₹ 5OO", "₹ 5OO"),
        ("INR 1,234.50", "1234.50"),
        ("12O.00", "12O.00"),
    ],
)
def test_money_cell(cell: str, expected: str | None) -> None:
    assert money_cell(cell) == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("15 Jan 2026, 09:16:46 PM", "2026-01-15T15:46:46Z"),
        ("15/01/2026 21:16:46", "2026-01-15T15:46:46Z"),
        ("01 Feb 2026, 12:00:00 AM", "2026-01-31T18:30:00Z"),  # IST midnight, month back
        ("01/01/2026 05:29:59", "2025-12-31T23:59:59Z"),  # year boundary
        ("01/01/2026 05:30:00", "2026-01-01T00:00:00Z"),  # UTC midnight exactly
        ("01 Mar 2026, 12:30:00 PM", "2026-03-01T07:00:00Z"),  # noon, after February
        ("29/02/2028 23:59:59", "2028-02-29T18:29:59Z"),  # leap day
        ("  15  Jan 2026,  09:16:46 pm ", "2026-01-15T15:46:46Z"),
        ("—", None),
        ("not-a-date", "not-a-date"),
        ("15/01/2026 25:61", "15/01/2026 25:61"),
        ("2026-03-04 05:25:14", "2026-03-03T23:55:14Z"),
        ("04 Mar 2026, 05:25:14 AM", "2026-03-03T23:55:14Z"),
    ],
)
def test_time_cell(cell: str, expected: str | None) -> None:
    assert time_cell(cell) == expected


def test_a_header_that_names_utc_is_read_in_utc() -> None:
    columns = column_indices(["Txn ID", "Order No.", "Amount (₹)", "Txn Status", "Client Name",
                              "Created (UTC)"])  # fmt: skip
    assert columns["createdAt"].zone == UTC_ZONE
    row = scraped_row(["T", "O", "₹1.00", "Success", "C", "2026-03-04 05:25:14"], columns)
    assert row["createdAt"] == "2026-03-04T05:25:14Z"


def positions(headers: list[str]) -> dict[str, int]:
    return {key: column.index for key, column in column_indices(headers).items()}


def test_columns_are_found_by_header_text_in_any_order() -> None:
    headers = ["Modified At", "Payer", "Status", "UTR", "Client", "Paid Amount", "Amount",
               "Created At", "Order ID", "Transaction Id ▲", "Actions"]  # fmt: skip
    assert positions(headers) == {"modifiedAt": 0, "payerName": 1, "txnStatus": 2, "utr": 3,
                                  "clientName": 4, "paidAmount": 5, "amount": 6,
                                  "createdAt": 7, "orderId": 8, "txnId": 9}  # fmt: skip


@pytest.mark.parametrize(
    "headers",
    [
        ["TXN ID", "ORDER NO.", "AMOUNT (₹)", "PAID AMT (₹)", "TXN STATUS", "CLIENT NAME",
         "UTR NO.", "CREATED ON (IST)", "LAST UPDATED (IST)"],
        ["transaction id ▲", "order id", "amount", "paid amount", "status", "client", "utr",
         "created at ▼", "modified at"],
        ["Transaction No", "Merchant Order ID", "Txn Amount", "Amount Paid", "Payment Status",
         "Merchant", "Bank UTR", "Date", "Updated At"],
    ],
)  # fmt: skip
def test_other_spellings_of_the_headers_are_read(headers: list[str]) -> None:
    assert list(positions(headers)) == ["txnId", "orderId", "amount", "paidAmount", "txnStatus",
                                        "clientName", "utr", "createdAt", "modifiedAt"]  # fmt: skip


def test_extra_columns_the_api_also_has_are_read() -> None:
    headers = ["Transaction ID", "Order ID", "Channel", "Amount", "Fee", "Status", "Client",
               "Payment Mode", "Created At", "Completed At", "Payer Name", "Actions"]  # fmt: skip
    columns = column_indices(headers)
    cells = ["T1", "O1", "UPI_QR", "₹100.00", "₹2.50", "Success", "91G_TECH_PVT_LTD", "UPI",
             "15/01/2026 21:16:46", "15/01/2026 21:17:00", "Asha Rao", "View"]  # fmt: skip
    txn = normalize_payshack(scraped_row(cells, columns))
    assert (txn.payment_method, txn.payment_product, txn.fee, txn.user_name) == (
        "UPI_QR", "UPI", Decimal("2.50"), "Asha Rao",
    )  # fmt: skip
    assert txn.completed_at == datetime(2026, 1, 15, 15, 47, tzinfo=UTC)


def test_a_missing_column_is_named() -> None:
    headers = ["Reference", "Order ID", "Amount", "Paid Amount", "Status", "Client",
               "UTR", "Created At", "Modified At"]  # fmt: skip
    with pytest.raises(
        PayShackColumnMissingError, match="missing the required column 'Transaction ID'"
    ) as e:
        column_indices(headers)
    assert e.value.missing == ("Transaction ID",)
    assert "'Reference'" in str(e.value)


def test_a_scraped_row_normalizes_like_an_api_row() -> None:
    cells = ["Y7KY0V202611591646", "AGQAMEBYUPHQ4", "₹1,23,456.50", "1,23,456.50", "Success",
             "91G_TECH_PVT_LTD", "983991008838", "15 Jan 2026, 09:16:46 PM",
             "15/01/2026 21:17:20"]  # fmt: skip
    row = scraped_row(cells, column_indices(["Transaction ID", "Order ID", "Amount",
        "Paid Amount", "Status", "Client", "UTR", "Created At", "Modified At"]))  # fmt: skip
    assert tuple(row) == SCRAPED_ROW_KEYS  # the nine spec columns, nothing invented
    assert row["amount"] == "123456.50" and row["createdAt"] == "2026-01-15T15:46:46Z"
    txn = normalize_payshack(row)
    assert txn.amount == Decimal("123456.50")
    assert txn.created_at == datetime(2026, 1, 15, 15, 46, 46, tzinfo=UTC)
    assert txn.updated_at == datetime(2026, 1, 15, 15, 47, 20, tzinfo=UTC)
    assert (txn.status, txn.project, txn.utr) == ("success", "91game", "983991008838")


@pytest.mark.parametrize(
    ("texts", "stated"),
    [
        (["Showing 1–100 of 1,23,456"], Stated(123456, 1, 100, None, None)),
        (["Showing 101 - 200 of 6,168", "Page 2 of 62"], Stated(6168, 101, 200, 2, 62)),
        (["6,168 records"], Stated(6168)),
        (["Total: 42"], Stated(42)),
        (["PreviousPage 3 of 12Next"], Stated(page=3, pages=12)),
        (["Page 4"], Stated(page=4)),
        (["Loading…"], Stated()),
    ],
)
def test_the_totals_a_page_states(texts: list[str], stated: Stated) -> None:
    assert Stated.parse(texts) == stated


def test_what_the_totals_say_about_the_end() -> None:
    assert Stated(6168, 6101, 6168).says_last and not Stated(6168, 6001, 6100).says_last
    assert Stated(page=62, pages=62).says_last and not Stated(page=61, pages=62).says_last
    assert Stated(0).says_last and not Stated(6168).says_last
    assert Stated(6168, 201, 300).page_no(100) == 3


def test_html_is_saved_without_credentials() -> None:
    page = ('<input name="email" value="ops@example.com"><input type=password value=\'s3cret\'>'
            '<script type="application/json" id="cfg">{"key": "AAAA"}</script>'
            "<p>hello ops@example.com</p>")  # fmt: skip
    clean = redact_html(page, ("ops@example.com", "s3cret"))
    assert "ops@example.com" not in clean and "s3cret" not in clean and "AAAA" not in clean
    assert "<p>hello [redacted]</p>" in clean


# --- the in-page reader, in a real Chromium ------------------------------------------


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(
            executable_path="/usr/bin/chromium", args=list(LAUNCH_ARGS)
        )
        yield chromium
        await chromium.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context()
    yield await context.new_page()
    await context.close()


async def read(page: Page) -> TableSnapshot:
    wanted = list(HEADER_KEYS)
    return TableSnapshot.from_js(
        await page.evaluate(PAGE_STATE_JS, {"wanted": wanted, "read": True})
    )


RESKINNED = """
<table><thead><tr><th>Client</th><th>Balance</th></tr></thead>
  <tbody><tr><td>91G_TECH_PVT_LTD</td><td>₹9,99,999.00</td></tr></tbody></table>
<p role="status">Showing 1–2 of 2</p>
<table>
  <thead><tr><th>Created At</th><th><span>Transaction</span> ID ▼</th><th>Payer</th>
    <th>Order ID</th><th>Status</th><th>Amount</th><th>Paid Amount</th><th>Client</th>
    <th>UTR</th><th>Modified At</th></tr></thead>
  <tbody>
    <tr><td>01 Feb 2026, 12:00:00 AM</td><td>TXN1</td><td>Asha Rao</td><td>ORD1</td>
      <td><span class="badge">Success</span></td><td>₹1,23,456.50</td><td>1,23,456.50</td>
      <td>91G_TECH_PVT_LTD</td><td>983991008838</td><td>01/02/2026 00:00:07</td></tr>
    <tr><td>31 Dec 2025, 11:59:59 PM</td><td>TXN2</td><td>—</td><td>ORD2</td>
      <td><span class="badge">Pending</span></td><td>₹0.01</td><td>—</td>
      <td>MNCL_M5_Pvt_Ltd</td><td>—</td><td>31/12/2025 23:59:59</td></tr>
  </tbody>
</table>
<nav aria-label="Pagination"><button disabled>Previous</button><span>Page 1 of 1</span>
  <button disabled>Next</button></nav>
"""


async def test_reader_finds_the_table_by_headers_among_others(page: Page) -> None:
    await page.set_content(RESKINNED)
    snapshot = await read(page)
    indices = column_indices(snapshot.headers)
    rows = [scraped_row(cells, indices) for cells in snapshot.rows]
    assert rows == [
        {"createdAt": "2026-01-31T18:30:00Z", "txnId": "TXN1", "payerName": "Asha Rao",
         "orderId": "ORD1", "txnStatus": "Success", "amount": "123456.50",
         "paidAmount": "123456.50", "clientName": "91G_TECH_PVT_LTD", "utr": "983991008838",
         "modifiedAt": "2026-01-31T18:30:07Z"},
        {"createdAt": "2025-12-31T18:29:59Z", "txnId": "TXN2", "payerName": None,
         "orderId": "ORD2", "txnStatus": "Pending", "amount": "0.01", "paidAmount": None,
         "clientName": "MNCL_M5_Pvt_Ltd", "utr": None, "modifiedAt": "2025-12-31T18:29:59Z"},
    ]  # fmt: skip
    assert (snapshot.next_present, snapshot.next_enabled) == (True, False)
    assert snapshot.stated == Stated(2, 1, 2, 1, 1) and snapshot.is_last
    pending = normalize_payshack(rows[1])  # no paid amount: the requested one stands in
    assert (pending.amount, pending.status, pending.project) == (
        Decimal("0.01"),
        "pending",
        "mncl_m5",
    )


async def test_reader_reads_aria_grids_too(page: Page) -> None:
    headers = ["Transaction ID", "Order ID", "Amount", "Paid Amount", "Status", "Client", "UTR",
               "Created At", "Modified At"]  # fmt: skip
    cells = ["TXN9", "ORD9", "₹10.00", "₹10.00", "Failed", "X", "—", "15/01/2026 21:16:46",
             "15/01/2026 21:16:46"]  # fmt: skip
    head = "".join(f'<div role="columnheader">{h}</div>' for h in headers)
    body = "".join(f'<div role="cell">{c}</div>' for c in cells)
    await page.set_content(
        f'<div role="grid"><div role="row">{head}</div><div role="row">{body}</div></div>'
    )
    snapshot = await read(page)
    row = scraped_row(snapshot.rows[0], column_indices(snapshot.headers))
    assert row["txnId"] == "TXN9" and row["amount"] == "10.00" and row["utr"] is None
    assert snapshot.next_present is False


async def test_an_empty_table_with_a_positive_total_is_not_the_last_page(page: Page) -> None:
    head = "".join(f"<th>{h}</th>" for h in COLUMNS.values())
    await page.set_content(
        f'<p role="status">Showing 1–100 of 1,234</p>'
        f"<table><thead><tr>{head}</tr></thead><tbody></tbody></table>"
    )
    # Not ready: the totals say rows follow, and no Next would lead to them…
    assert await page.evaluate(PAGE_STATE_JS, {"wanted": list(HEADER_KEYS), "read": True}) is False
    # …so once the wait is over the page is read as it stands, "stuck": the walk ends
    # there and its tally reports 0 of 1,234 rather than a success.
    arg = {"wanted": list(HEADER_KEYS), "read": True, "advance": False, "prefetch": False,
           "timeoutMs": 50}  # fmt: skip
    snapshot = TableSnapshot.from_js(await page.evaluate(WAIT_STATE_JS, arg))
    assert snapshot.stuck and snapshot.rows == [] and column_indices(snapshot.headers)
    assert snapshot.stated.total == 1234 and not snapshot.stated.says_last


@pytest.mark.parametrize(
    "pager",
    [
        '<a href="?page=2">Next</a>',
        '<button aria-label="Next page"><span aria-hidden="true">›</span></button>',
        '<nav><button>1</button><button aria-current="page">2</button><button>3</button></nav>',
    ],
)
async def test_the_next_control_is_found_in_any_shape(page: Page, pager: str) -> None:
    head = "".join(f"<th>{h}</th>" for h in COLUMNS.values())
    cells = "".join(
        f"<td>{c}</td>"
        for c in [
            "T",
            "O",
            "1",
            "1",
            "Success",
            "C",
            "U",
            "15/01/2026 21:16:46",
            "15/01/2026 21:16:46",
        ]
    )
    await page.set_content(
        f"<table><thead><tr>{head}</tr></thead><tbody><tr>{cells}</tr></tbody></table>"
        f"<p>Page 2 of 3</p>{pager}"
    )  # fmt: skip
    snapshot = await read(page)
    assert (snapshot.next_present, snapshot.next_enabled, snapshot.is_last) == (True, True, False)


async def test_a_page_without_a_usable_login_form_is_named(page: Page) -> None:
    await page.set_content('<form><input type="password"><a href="#">Continue</a></form>')
    session = BrowserSession(
        Path("/usr/bin/chromium"), SecretStr("a@b.c"), SecretStr("pw"), InMemoryStateStore()
    )
    with pytest.raises(
        PayShackLoginFormNotFoundError, match="no email field, password field, sign-in button"
    ):
        await session.login(page)
