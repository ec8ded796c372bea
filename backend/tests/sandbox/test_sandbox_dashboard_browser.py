"""The PayShack dashboard in a real headless Chromium: login form, navigation, the
script-rendered Pay-In table (plain and AES-GCM encrypted), paging, dates, expiry."""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from psp_dashboard.sandbox import PayShackSettings, SandboxHandle, sandbox_thread
from tests.sandbox.conftest import payshack_login, payshack_page, rich_config

COLUMNS = [
    "Transaction ID",
    "Order ID",
    "Amount",
    "Paid Amount",
    "Status",
    "Client",
    "UTR",
    "Created At",
    "Modified At",
]
IST = timedelta(hours=5, minutes=30)


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """One Chromium for this module, closed at its end (other modules check that no
    browser process outlives their tests)."""
    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(
            executable_path=os.environ.get("PLAYWRIGHT_CHROMIUM_PATH", "/usr/bin/chromium"),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        await chromium.close()


@pytest.fixture(scope="module")
def encrypted_sandbox() -> Iterator[SandboxHandle]:
    config = replace(rich_config(days=1, per_day=800), payshack=PayShackSettings(encrypted=True))
    with sandbox_thread(config) as handle:
        yield handle


def indian(value: Decimal, symbol: str = "₹") -> str:
    whole, frac = f"{value:.2f}".split(".")
    head, tail = whole[:-3], whole[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return symbol + ",".join(([head] if head else []) + groups + [tail]) + "." + frac


def ist_long(iso: str) -> str:
    moment = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC) + IST
    return moment.strftime("%d %b %Y, %I:%M:%S %p")


async def sign_in(page: Page, sb: SandboxHandle) -> None:
    await page.goto(sb.payshack_base_url + "/login")
    await page.get_by_label("Email").fill(sb.credentials.payshack_email)
    await page.get_by_label("Password").fill(sb.credentials.payshack_pass)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(re.compile(r"/dashboard$"))
    await page.get_by_role("link", name="Pay-In").click()
    await expect(page.locator("table[data-state=ready]")).to_be_visible()


async def table(page: Page) -> list[dict[str, str]]:
    headers = await page.get_by_role("columnheader").all_inner_texts()
    rows = await page.locator("table tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells, c => c.innerText))"
    )
    return [dict(zip(headers, row, strict=True)) for row in rows]


async def test_payin_table_renders_like_the_api(
    browser: Browser, shared_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    page = await browser.new_page()
    await sign_in(page, shared_sandbox)
    rows = await table(page)
    assert set(COLUMNS) <= set(rows[0]) and len(rows) == 10
    api = json.loads(
        payshack_page(http, shared_sandbox, payshack_login(http, shared_sandbox), limit=10).text,
        parse_float=Decimal,
    )["data"]
    assert [r["Transaction ID"] for r in rows] == [
        t.get("txnId") or "" for t in api["transactions"]
    ]
    for row, t in zip(rows, api["transactions"], strict=True):
        if isinstance(t["amount"], Decimal | int) and t["createdAt"].endswith("Z"):
            assert row["Amount"] == indian(Decimal(t["amount"]))
            assert row["Created At"] == ist_long(t["createdAt"])
        assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d:\d\d", row["Modified At"])
    total = api["totalRecords"]
    summary = page.get_by_role("status")
    await expect(summary).to_have_text(f"Showing 1–10 of {indian(Decimal(total), '')[:-3]}")

    await page.get_by_label("Rows per page").select_option("100")
    await expect(page.locator("table[data-state=ready] tbody tr")).to_have_count(100)
    await page.get_by_role("button", name="Next").click()
    await expect(summary).to_have_text(re.compile(r"^Showing 101–200 of "))
    await page.get_by_role("button", name="Previous").click()
    await expect(summary).to_have_text(re.compile(r"^Showing 1–100 of "))

    await page.get_by_label("From").fill("2026-01-11")
    await page.get_by_label("To").fill("2026-01-11")
    await page.get_by_role("button", name="Apply").click()
    day = payshack_page(
        http,
        shared_sandbox,
        payshack_login(http, shared_sandbox),
        limit=1,
        dateFrom="2026-01-11",
        dateTo="2026-01-11",
    ).json()["data"]
    shown = indian(Decimal(day["totalRecords"]), "")[:-3]
    await expect(summary).to_have_text(f"Showing 1–100 of {shown}")
    await page.close()


async def test_encrypted_payloads_are_readable_only_by_the_page(
    browser: Browser, encrypted_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    headers = payshack_login(http, encrypted_sandbox)
    sealed = payshack_page(http, encrypted_sandbox, headers, limit=5).json()["data"]
    assert isinstance(sealed, str)
    with pytest.raises(ValueError):
        json.loads(sealed)
    page = await browser.new_page()
    await sign_in(page, encrypted_sandbox)
    rows = await table(page)
    w = encrypted_sandbox.world
    newest = w.payin_facts(w.ps_order[-1])
    assert newest is not None and rows[0]["Order ID"] == newest.order_id
    assert len(rows) == 10 and all(r["Status"] for r in rows)
    await page.close()


async def test_expired_session_goes_back_to_login(
    browser: Browser, shared_sandbox: SandboxHandle
) -> None:
    page = await browser.new_page()
    await sign_in(page, shared_sandbox)
    shared_sandbox.sandbox.auth.expire_all()
    await page.get_by_role("button", name="Next").click()  # the data call answers 401
    await expect(page).to_have_url(re.compile(r"/login\?next="))
    await page.goto(shared_sandbox.payin_url)
    await expect(page).to_have_url(re.compile(r"/login\?next=/payin$"))
    await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    await page.close()


async def test_reskinned_table_keeps_cells_under_their_headers(
    browser: Browser, encrypted_sandbox: SandboxHandle
) -> None:
    sb = encrypted_sandbox.sandbox
    sb.payin_column_order = ["Amount", "Created At", "Transaction ID", "UTR", "Status", "Order ID"]
    sb.payin_header_renames = {"UTR": "Bank Ref"}
    try:
        page = await browser.new_page()
        await sign_in(page, encrypted_sandbox)
        rows = await table(page)
        expected = ["Amount", "Created At", "Transaction ID", "Bank Ref", "Status", "Order ID"]
        assert list(rows[0]) == expected
        assert all(r["Amount"].startswith("₹") for r in rows)
        long_ist = re.compile(r"\d\d [A-Z][a-z]{2} \d{4}, \d\d:\d\d:\d\d [AP]M")
        assert all(long_ist.fullmatch(r["Created At"]) for r in rows)
        await page.close()
    finally:
        sb.payin_column_order, sb.payin_header_renames = None, {}
