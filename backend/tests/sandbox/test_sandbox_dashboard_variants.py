"""Layout variants of the sandbox Pay-In page, driven in a real headless Chromium.

Every named variant and 20 random ones: the page shows the headers, totals, page size and
rows the variant promises (cells re-derived here from the API rendering of the world's
facts), and its own Next control reaches page 2. Then one focused test per tricky
feature. One browser and one signed-in context serve the whole module.
"""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Locator, Page, async_playwright, expect

from psp_dashboard.sandbox import SandboxConfig, SandboxHandle, WorldConfig, sandbox_thread
from psp_dashboard.sandbox.cli import build_parser, config_from_args
from psp_dashboard.sandbox.dashboard_columns import variant_columns
from psp_dashboard.sandbox.dashboard_variants import (
    CHOICES,
    CLASSIC,
    EXTRAS,
    NAMED_VARIANTS,
    DashboardVariant,
    random_variant,
    resolve_variant,
    variant_from_dict,
)
from psp_dashboard.sandbox.payshack_render import render_payin
from psp_dashboard.sandbox.state import dashboard_variant
from tests.sandbox.conftest import rich_config

IST = timedelta(hours=5, minutes=30)
RANDOM_SEEDS = range(1, 21)
# What each header style must read, written out here rather than taken from the code.
CANONICAL = {
    "txnId": "Transaction ID",
    "orderId": "Order ID",
    "payerName": "Payer",
    "amount": "Amount",
    "paidAmount": "Paid Amount",
    "totalCommissionAmount": "Fee",
    "txnStatus": "Status",
    "paymentMode": "Mode",
    "transactionType": "Channel",
    "clientName": "Client",
    "utr": "UTR",
    "createdAt": "Created At",
    "modifiedAt": "Modified At",
    "completedAt": "Completed At",
}
ALT = {
    "txnId": "Txn ID",
    "orderId": "Order No.",
    "payerName": "Payer Name",
    "amount": "Amount (₹)",
    "paidAmount": "Paid Amt (₹)",
    "totalCommissionAmount": "Commission (₹)",
    "txnStatus": "Txn Status",
    "paymentMode": "Payment Mode",
    "transactionType": "Channel",
    "clientName": "Client Name",
    "utr": "UTR No.",
    "createdAt": "Created On (IST)",
    "modifiedAt": "Last Updated (IST)",
    "completedAt": "Completed On (IST)",
}
EXTRA_FIELD = {
    "payer": "payerName",
    "mode": "paymentMode",
    "channel": "transactionType",
    "fee": "totalCommissionAmount",
    "completed": "completedAt",
}
DEFAULT_ORDER = list(CANONICAL)
MONEY = {"amount": "₹", "paidAmount": "", "totalCommissionAmount": "₹"}
TIMES = {"createdAt", "modifiedAt", "completedAt"}
STRFTIME = {
    "long": "%d %b %Y, %I:%M:%S %p",
    "iso": "%Y-%m-%d %H:%M:%S",
    "numeric": "%d/%m/%Y %H:%M:%S",
}
READ_TABLE = """() => {
  const root = document.querySelector('table, [role=grid], [role=table]');
  return Array.from(root.querySelectorAll('tr, [role=row]'), r => Array.from(
    r.querySelectorAll('th, td, [role=columnheader], [role=gridcell], [role=cell]'),
    c => c.innerText));
}"""


# ----- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sb() -> Iterator[SandboxHandle]:
    with sandbox_thread(rich_config(days=2, per_day=600)) as handle:
        yield handle


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(
            executable_path=os.environ.get("PLAYWRIGHT_CHROMIUM_PATH", "/usr/bin/chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield chromium
        await chromium.close()


@pytest.fixture(scope="module")
async def context(browser: Browser, sb: SandboxHandle) -> AsyncIterator[BrowserContext]:
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await ctx.new_page()
    await sign_in(page, sb)
    await page.close()
    yield ctx
    await ctx.close()


@pytest.fixture
async def page(context: BrowserContext, sb: SandboxHandle) -> AsyncIterator[Page]:
    """A fresh tab; the sandbox's page knobs go back to classic afterwards."""
    tab = await context.new_page()
    yield tab
    await tab.close()
    s = sb.sandbox
    s.variant, s.encrypted, s.payin_header_renames, s.payin_column_order = CLASSIC, False, {}, None
    sb.faults.payshack.update(share_5xx=0.0)


async def sign_in(page: Page, sb: SandboxHandle) -> None:
    await page.goto(sb.payshack_base_url + "/login")
    await page.get_by_label("Email").fill(sb.credentials.payshack_email)
    await page.get_by_label("Password").fill(sb.credentials.payshack_pass)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page).to_have_url(re.compile(r"/dashboard$"))


# ----- what the page should show ---------------------------------------------------------


def grouped(n: int, style: str) -> str:
    digits = str(n)
    if style == "international" or len(digits) <= 3:
        return f"{n:,}"
    head, groups = digits[:-3], list[str]()
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head, *groups, digits[-3:]])


def header_text(key: str, v: DashboardVariant) -> str:
    if v.headers == "upper":
        return CANONICAL[key].upper()
    if v.headers == "alt":
        return ALT[key]
    if v.headers == "sortable":
        return CANONICAL[key].lower() + (" ▼" if key == "createdAt" else " ▲")
    return CANONICAL[key]


def shown_keys(v: DashboardVariant) -> list[str]:
    wanted = {EXTRA_FIELD[e] for e in v.extras} | {
        k for k in CANONICAL if k not in EXTRA_FIELD.values()
    }
    default = [k for k in DEFAULT_ORDER if k in wanted]
    if v.columns == "default":
        return default
    keys = [c.key for c in variant_columns(v)]
    assert sorted(keys) == sorted(default) and keys != default
    return keys


def cell_text(doc: dict[str, Any], key: str, v: DashboardVariant) -> str:
    value = doc.get(key)
    if key == "utr":
        return value or v.missing
    if key in MONEY:
        if value is None:
            return v.missing
        if isinstance(value, str):
            return value
        whole, frac = f"{Decimal(str(value)):.2f}".split(".")
        return MONEY[key] + grouped(int(whole), "indian") + "." + frac
    if key in TIMES:
        if value is None:
            return v.missing
        try:
            moment = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        except ValueError:
            return str(value)
        style = v.created_format if key == "createdAt" else v.modified_format
        return (moment + IST).strftime(STRFTIME[style])
    return "" if value is None else str(value)


def expected_page(sb: SandboxHandle, page_no: int, size: int) -> list[dict[str, Any]]:
    """The rows of the unfiltered view, newest first, as the API renders them."""
    w, order = sb.world, sb.world.ps_order
    top = len(order) - (page_no - 1) * size
    docs = []
    for pos in range(top - 1, max(0, top - size) - 1, -1):
        facts = w.payin_facts(order[pos])
        assert facts is not None
        docs.append(render_payin(w, sb.sandbox.directory, facts))
    return docs


async def read_table(page: Page) -> list[list[str]]:
    rows: list[list[str]] = await page.evaluate(READ_TABLE)
    return rows


async def wait_rows(page: Page, column: int, first: str) -> None:
    """Until the page is idle and its first row has `first` in column `column`."""
    await page.wait_for_function(
        """([col, want]) => {
          const root = document.querySelector('table, [role=grid], [role=table]');
          if (!root || root.getAttribute('aria-busy') !== 'false') return false;
          const rows = root.querySelectorAll('tbody tr, [role=row]');
          const row = rows[root.tagName === 'TABLE' ? 0 : 1];  // div tables: 0 is the header
          const cells = row && row.querySelectorAll('td, [role=gridcell], [role=cell]');
          return !!cells && cells.length > col && cells[col].innerText === want;
        }""",
        arg=[column, first],
    )


def pager(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Pagination")


def next_control(page: Page, v: DashboardVariant, to_page: int = 2) -> Locator:
    nav = pager(page)
    if v.next == "link":
        return nav.get_by_role("link", name="Next", exact=True)
    if v.next == "icon":
        return nav.get_by_role("button", name="Next page", exact=True)
    if v.next == "numbered":
        return nav.get_by_role("button", name=str(to_page), exact=True)
    return nav.get_by_role("button", name="Next", exact=True)


def shows_page_of(v: DashboardVariant) -> bool:
    return v.totals == "page-of" or (v.totals in ("showing", "records") and v.next != "numbered")


async def check_totals(page: Page, v: DashboardVariant, page_no: int, total: int) -> None:
    def g(n: int) -> str:
        return grouped(n, v.grouping)

    size = v.page_size
    first, last = (page_no - 1) * size + 1, min(total, page_no * size)
    if v.totals == "showing":
        await expect(page.get_by_role("status")).to_have_text(
            f"Showing {g(first)}–{g(last)} of {g(total)}"
        )
    elif v.totals == "records":
        await expect(page.get_by_role("status")).to_have_text(f"{g(total)} records")
    else:
        await expect(page.get_by_role("status")).to_have_count(0)
    page_of = pager(page).get_by_text(re.compile(r"^Page "))
    if shows_page_of(v):
        # Page numbers are grouped only where they are the totals.
        p = g if v.totals == "page-of" else str
        await expect(page_of).to_have_text(f"Page {p(page_no)} of {p(-(-total // size))}")
    else:
        await expect(page_of).to_have_count(0)
    if v.next == "numbered":
        current = pager(page).get_by_role("button", name=str(page_no), exact=True)
        await expect(current).to_have_attribute("aria-current", "page")


async def check_controls(page: Page, v: DashboardVariant) -> None:
    """The filter and size controls are found the way the variant promises."""
    if v.date_filter == "two-labels":
        await expect(page.get_by_label("From", exact=True)).to_have_attribute("type", "date")
        await expect(page.get_by_label("To", exact=True)).to_have_attribute("type", "date")
    else:
        await expect(page.get_by_label("From", exact=True)).to_have_count(0)
    if v.date_filter == "one-label":
        caption = "Date range (UTC):" if v.filter_zone == "UTC" else "Date range:"
        await expect(page.get_by_text(caption, exact=True)).to_be_visible()
        await expect(page.locator("input[type=date]")).to_have_count(2)
    if v.date_filter == "placeholder":
        await expect(page.get_by_placeholder("dd/mm/yyyy", exact=True)).to_have_count(2)
    apply_names = {"button": ["Apply"], "search": ["Search"], "enter": []}[v.apply]
    for name in ("Apply", "Search"):
        count = 1 if name in apply_names else 0
        await expect(page.get_by_role("button", name=name, exact=True)).to_have_count(count)
    combos = page.get_by_role("combobox")
    await expect(combos).to_have_count(int(v.status_filter) + int(v.size_selector))
    if v.status_filter:
        status = page.get_by_label("Status", exact=True)
        await expect(status.locator("option").first).to_have_text("All statuses")
    if v.size_selector:
        sizes = page.locator("select").filter(has=page.locator("option[value='100']"))
        await expect(sizes).to_have_value(str(v.page_size))
        label = {"plain": "{}", "per-page": "{} / page", "show": "Show {}"}[v.size_options]
        await expect(sizes.locator("option")).to_have_text(
            [label.format(n) for n in (10, 25, 50, 100)]
        )


# ----- every variant ---------------------------------------------------------------------

CASES = [pytest.param(v, id=f"named-{n}") for n, v in NAMED_VARIANTS.items()] + [
    pytest.param(random_variant(s), id=f"seed-{s}") for s in RANDOM_SEEDS
]


@pytest.mark.parametrize("variant", CASES)
async def test_variant_shows_the_view_and_pages(
    page: Page, sb: SandboxHandle, variant: DashboardVariant
) -> None:
    v = variant
    sb.sandbox.variant = v
    keys = shown_keys(v)
    order_col = keys.index("orderId")
    total = sum(1 for e in range(len(sb.world)) if sb.world.has_payshack(e))
    first_page, second_page = expected_page(sb, 1, v.page_size), expected_page(sb, 2, v.page_size)

    await page.goto(sb.payin_url)
    await wait_rows(page, order_col, first_page[0]["orderId"])
    table = await read_table(page)
    assert table[0] == [header_text(k, v) for k in keys], v.describe()
    assert table[1:] == [[cell_text(d, k, v) for k in keys] for d in first_page], v.describe()
    await check_totals(page, v, 1, total)
    await check_controls(page, v)

    control = next_control(page, v)
    await expect(control).to_be_enabled()
    await control.click()
    await wait_rows(page, order_col, second_page[0]["orderId"])
    table = await read_table(page)
    assert table[1:] == [[cell_text(d, k, v) for k in keys] for d in second_page], v.describe()
    await check_totals(page, v, 2, total)
    expected_url = r"\?page=2(&|$)" if v.url_state else r"/payin$"
    assert re.search(expected_url, page.url), (page.url, v.describe())


# ----- focused tests ---------------------------------------------------------------------


def day_count(sb: SandboxHandle, day: date, offset: timedelta, status: str = "") -> int:
    """Pay-ins created on `day` at UTC+offset (of one status, any case, if given)."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) - offset
    lo, hi = start.timestamp() * 1000, (start + timedelta(days=1)).timestamp() * 1000
    w = sb.world
    return sum(
        1
        for e in range(len(w))
        if w.has_payshack(e)
        and (f := w.payin_facts(e)) is not None
        and lo <= f.created_ms < hi
        and (not status or f.status.casefold() == status)
    )


async def open_variant(page: Page, sb: SandboxHandle, v: DashboardVariant) -> None:
    sb.sandbox.variant = v
    await page.goto(sb.payin_url)
    newest = expected_page(sb, 1, 1)[0]["orderId"]
    await wait_rows(page, shown_keys(v).index("orderId"), newest)


async def test_enter_only_filter_applies_on_enter_not_on_change(
    page: Page, sb: SandboxHandle
) -> None:
    v = replace(CLASSIC, apply="enter", status_filter=True)
    await open_variant(page, sb, v)
    calls: list[str] = []
    page.on("request", lambda r: calls.append(r.url) if "/dashboard-api/" in r.url else None)
    table = page.get_by_role("table")
    await page.get_by_label("From", exact=True).fill("2026-01-11")
    await page.get_by_label("To", exact=True).fill("2026-01-11")
    await page.get_by_label("Status", exact=True).select_option("Success")
    # A reload would have marked the table busy synchronously, inside the fill.
    await expect(table).to_have_attribute("aria-busy", "false")
    await expect(page.get_by_role("status")).to_have_text(re.compile(r"^Showing 1–10 of "))
    assert "dateFrom=" not in page.url
    await expect(page.get_by_role("button", name=re.compile("^(Apply|Search)$"))).to_have_count(0)
    await page.get_by_label("To", exact=True).press("Enter")
    n = day_count(sb, date(2026, 1, 11), IST, "success")
    await expect(page.get_by_role("status")).to_have_text(f"Showing 1–10 of {grouped(n, 'indian')}")
    assert len(calls) == 1 and "dateFrom=2026-01-11" in calls[0], calls
    assert "status=Success" in calls[0]


@pytest.mark.parametrize("style", ["button", "link", "icon", "numbered"])
async def test_pager_lags_rows_and_next_is_disabled_while_loading(
    page: Page, sb: SandboxHandle, style: str
) -> None:
    v = replace(CLASSIC, next=style, pager_lag_ms=150)  # type: ignore[arg-type]
    await open_variant(page, sb, v)
    control = next_control(page, v)
    await expect(control).to_be_enabled()
    # Record every DOM change: when rows turned over, and what the control said then.
    await page.evaluate(
        """() => {
          const root = document.querySelector('table');
          const nav = document.querySelector('nav[aria-label=Pagination]');
          const first = () => root.tBodies[0].rows[0]?.cells[1]?.innerText;
          const off = () => Array.from(nav.querySelectorAll('button, a')).filter(
            c => /^(Next|Next page|2)$/.test(c.getAttribute('aria-label') || c.innerText.trim()))
            .every(c => c.disabled || c.getAttribute('aria-disabled') === 'true');
          window.__log = [];
          const note = () => window.__log.push({t: performance.now(),
            busy: root.getAttribute('aria-busy'), off: off(), first: first()});
          new MutationObserver(note).observe(document.body,
            {subtree: true, childList: true, attributes: true, characterData: true});
        }"""
    )
    before = expected_page(sb, 1, 10)[0]["orderId"]
    await control.click()
    await wait_rows(page, 1, expected_page(sb, 2, 10)[0]["orderId"])
    third = next_control(page, v, to_page=3)
    await expect(third).to_be_enabled()
    log: list[dict[str, Any]] = await page.evaluate("window.__log")
    assert all(e["off"] for e in log if e["busy"] == "true"), log
    turned = next(e["t"] for e in log if e["first"] != before)
    enabled = next(e["t"] for e in log if not e["off"] and e["t"] >= turned)
    assert enabled - turned >= 140, (turned, enabled)
    assert any(e["busy"] == "false" and e["off"] and e["first"] != before for e in log)


async def test_url_state_off_forgets_the_page_on_reload(page: Page, sb: SandboxHandle) -> None:
    for url_state in (True, False):
        v = replace(CLASSIC, url_state=url_state)
        await open_variant(page, sb, v)
        await page.get_by_role("button", name="Next", exact=True).click()
        status = page.get_by_role("status")
        await expect(status).to_have_text(re.compile(r"^Showing 11–20 of "))
        assert ("page=2" in page.url) is url_state, page.url
        await page.reload()
        shown = "Showing 11–20 of " if url_state else "Showing 1–10 of "
        await expect(status).to_have_text(re.compile("^" + shown))
        await expect(page.get_by_role("table")).to_have_attribute("aria-busy", "false")


@pytest.mark.parametrize(
    ("date_filter", "zone"),
    [("two-labels", "IST"), ("one-label", "UTC"), ("placeholder", "UTC"), ("two-labels", "UTC")],
)
async def test_filter_days_are_in_the_variants_zone(
    page: Page, sb: SandboxHandle, date_filter: str, zone: str
) -> None:
    v = replace(CLASSIC, date_filter=date_filter, filter_zone=zone)  # type: ignore[arg-type]
    await open_variant(page, sb, v)
    day = date(2026, 1, 10)  # the world's first UTC day: its IST day is 5.5 h shorter
    if date_filter == "placeholder":
        fields = page.get_by_placeholder("dd/mm/yyyy")
        typed = day.strftime("%d/%m/%Y")
    elif date_filter == "one-label":
        fields = page.locator("input[type=date]")
        typed = day.isoformat()
        await expect(page.get_by_text("Date range (UTC):", exact=True)).to_be_visible()
    else:
        fields = page.locator("input[type=date]")
        typed = day.isoformat()
    await fields.nth(0).fill(typed)
    await fields.nth(1).fill(typed)
    await page.get_by_role("button", name="Apply").click()
    n = day_count(sb, day, IST if zone == "IST" else timedelta(0))
    assert n != day_count(sb, day, timedelta(0) if zone == "IST" else IST)
    await expect(page.get_by_role("status")).to_have_text(f"Showing 1–10 of {grouped(n, 'indian')}")
    if zone == "UTC" and date_filter != "one-label":
        await expect(page.get_by_text("Dates in UTC")).to_be_visible()


async def test_placeholder_dates_reject_other_formats(page: Page, sb: SandboxHandle) -> None:
    await open_variant(page, sb, replace(CLASSIC, date_filter="placeholder"))
    await page.get_by_placeholder("dd/mm/yyyy").first.fill("2026-01-11")
    await page.get_by_role("button", name="Apply").click()
    await expect(page.get_by_text("Enter dates as dd/mm/yyyy")).to_be_visible()
    await expect(page.get_by_role("table")).to_have_attribute("aria-busy", "false")
    assert "dateFrom" not in page.url


async def test_status_filter_applies_with_the_dates(page: Page, sb: SandboxHandle) -> None:
    v = replace(CLASSIC, status_filter=True, apply="search", table="grid")
    await open_variant(page, sb, v)
    await page.get_by_label("Status", exact=True).select_option(label="Failed")
    await expect(page.get_by_role("grid")).to_have_attribute("aria-busy", "false")
    assert "status=" not in page.url  # choosing alone does not apply
    await page.get_by_role("button", name="Search", exact=True).click()
    w = sb.world
    failed = sum(
        1
        for e in range(len(w))
        if w.has_payshack(e) and (f := w.payin_facts(e)) and f.status.casefold() == "failed"
    )
    status = page.get_by_role("status")
    await expect(status).to_have_text(f"Showing 1–10 of {grouped(failed, 'indian')}")
    assert "status=Failed" in page.url
    cells = await page.get_by_role("gridcell").all_inner_texts()
    statuses = cells[shown_keys(v).index("txnStatus") :: len(shown_keys(v))]
    assert len(statuses) == 10 and {s.casefold() for s in statuses} == {"failed"}
    await page.reload()  # the filter is part of the URL state
    await expect(page.get_by_label("Status", exact=True)).to_have_value("Failed")
    await expect(status).to_have_text(f"Showing 1–10 of {grouped(failed, 'indian')}")


async def test_failed_call_shows_alert_and_retry_in_a_grid(page: Page, sb: SandboxHandle) -> None:
    sb.faults.payshack.update(share_5xx=1.0)
    sb.sandbox.variant = replace(NAMED_VARIANTS["spa-grid"], delay_ms=0)
    await page.goto(sb.payin_url)
    alert = page.get_by_role("alert")
    await expect(alert).to_contain_text("Could not load transactions")
    await expect(page.get_by_role("grid")).to_have_attribute("aria-busy", "false")
    await expect(page.get_by_role("gridcell")).to_have_count(0)
    sb.faults.payshack.update(share_5xx=0.0)
    await alert.get_by_role("button", name="Retry").click()
    await expect(alert).to_be_hidden()
    await expect(page.get_by_role("status")).to_have_text(re.compile(r"^[\d,]+ records$"))


async def test_encrypted_mode_with_a_variant(page: Page, sb: SandboxHandle) -> None:
    sb.sandbox.encrypted = True
    await open_variant(page, sb, NAMED_VARIANTS["legacy-portal"])  # waits for the newest row
    await expect(pager(page).get_by_text(re.compile(r"^Page 1 of \d+$"))).to_be_visible()


async def test_renames_and_order_apply_on_top_of_the_variant(page: Page, sb: SandboxHandle) -> None:
    s = sb.sandbox
    s.payin_column_order = ["Amount", "Created At", "Order ID", "UTR", "Completed At"]
    s.payin_header_renames = {"UTR": "Bank Ref"}
    v = NAMED_VARIANTS["material"]  # sortable headers: a rename drops the arrow too
    s.variant = v
    await page.goto(sb.payin_url)
    await wait_rows(page, 2, expected_page(sb, 1, 1)[0]["orderId"])
    headers = (await read_table(page))[0]
    assert headers == ["amount ▲", "created at ▼", "order id ▲", "Bank Ref", "completed at ▲"]


async def test_expired_session_goes_to_login_from_numbered_pages(
    context: BrowserContext, page: Page, sb: SandboxHandle
) -> None:
    await open_variant(page, sb, NAMED_VARIANTS["ops-console"])
    sb.sandbox.auth.expire_all()
    try:
        await pager(page).get_by_role("button", name="2", exact=True).click()
        await expect(page).to_have_url(re.compile(r"/login\?next=/payin$"))
    finally:
        await sign_in(page, sb)  # the module's other tests share this context


async def test_grouping_of_large_totals(browser: Browser) -> None:
    """Indian and international grouping differ from 1,00,000 on; page numbers are
    grouped only where they are the totals."""
    config = SandboxConfig(world=WorldConfig(seed=3, start=date(2026, 1, 10), per_day=170_000))
    with sandbox_thread(config) as big:
        total = sum(1 for e in range(len(big.world)) if big.world.has_payshack(e))
        pages = -(-total // 10)
        assert total >= 100_000 and pages >= 1000
        ctx = await browser.new_context()  # its own cookie jar: another sandbox, same host
        try:
            tab = await ctx.new_page()
            await sign_in(tab, big)
            cases = [
                (CLASSIC, f"Showing 1–10 of {grouped(total, 'indian')}", f"Page 1 of {pages}"),
                (replace(CLASSIC, totals="records", grouping="international"),
                 f"{total:,} records", f"Page 1 of {pages}"),
                (replace(CLASSIC, totals="page-of", grouping="international"),
                 None, f"Page 1 of {pages:,}"),
            ]  # fmt: skip
            for v, stated, page_of in cases:
                big.sandbox.variant = v
                await tab.goto(big.payin_url)
                if stated:
                    await expect(tab.get_by_role("status")).to_have_text(stated)
                await expect(pager(tab).get_by_text(re.compile("^Page "))).to_have_text(page_of)
        finally:
            await ctx.close()


# ----- knobs -----------------------------------------------------------------------------


def test_admin_switches_and_reports_the_variant(sb: SandboxHandle, http: httpx.Client) -> None:
    admin = sb.vima_origin + "/_sandbox"
    try:
        resp = http.put(admin + "/dashboard", json={"variant": "random", "seed": 3})
        assert resp.status_code == 200
        assert resp.json()["variant"] == random_variant(3).as_dict()
        assert sb.sandbox.variant == random_variant(3)
        info = http.get(admin + "/info").json()["dashboard"]
        assert info["variant"] == random_variant(3).as_dict()
        resp = http.put(admin + "/dashboard", json={"variant": "legacy-portal"})
        assert resp.json()["variant_name"] == "legacy-portal"
        resp = http.put(admin + "/dashboard", json={"variant": {"next": "icon"}})
        assert sb.sandbox.variant == replace(CLASSIC, next="icon")
        bad = http.put(admin + "/dashboard", json={"variant": "fancy"})
        assert bad.status_code == 400 and "legacy-portal" in bad.json()["error"]
        bad = http.put(admin + "/dashboard", json={"variant": {"next": "arrow"}})
        assert bad.status_code == 400 and "next" in bad.json()["error"]
    finally:
        sb.sandbox.variant = CLASSIC


def test_cli_options_choose_the_variant() -> None:
    args = build_parser().parse_args(["--dashboard-variant", "random", "--dashboard-seed", "9"])
    assert dashboard_variant(config_from_args(args).payshack) == random_variant(9)
    args = build_parser().parse_args([])
    assert dashboard_variant(config_from_args(args).payshack) == CLASSIC
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--dashboard-variant", "fancy"])


# ----- pure ------------------------------------------------------------------------------


def test_random_variants_are_deterministic_and_cover_every_value() -> None:
    assert random_variant(5) == random_variant(5)
    drawn = [random_variant(s) for s in range(300)]
    assert len(set(drawn)) == 300
    assert all(v.totals != "none" for v in drawn)
    for name, allowed in CHOICES.items():
        seen = {getattr(v, name) for v in drawn}
        assert seen == set(allowed) - ({"none"} if name == "totals" else set()), name
    assert {e for v in drawn for e in v.extras} == set(EXTRAS)
    assert {len(v.extras) for v in drawn} >= {0, len(EXTRAS)}


def test_named_variants_cover_every_value() -> None:
    assert NAMED_VARIANTS["classic"] == DashboardVariant() == CLASSIC
    named = list(NAMED_VARIANTS.values())
    for name, allowed in CHOICES.items():
        assert {getattr(v, name) for v in named} == set(allowed), name
    assert {e for v in named for e in v.extras} == set(EXTRAS)
    assert [n for n, v in NAMED_VARIANTS.items() if v.totals == "none"] == ["no-totals"]


def test_resolve_variant_names_and_errors() -> None:
    assert resolve_variant("material") is NAMED_VARIANTS["material"]
    assert resolve_variant("random", 7) == random_variant(7)
    with pytest.raises(ValueError, match=r"'fancy'.*classic, .*no-totals, random"):
        resolve_variant("fancy")
    with pytest.raises(ValueError, match="page_size"):
        DashboardVariant(page_size=20)
    with pytest.raises(ValueError, match="status_filter"):
        DashboardVariant(status_filter=1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="extras"):
        DashboardVariant(extras=("payer", "payer"))
    with pytest.raises(ValueError, match="unknown dashboard features"):
        variant_from_dict({"colour": "red"})
    assert variant_from_dict({"extras": ["fee"]}).extras == ("fee",)


def test_describe_is_one_line_naming_the_differences() -> None:
    assert CLASSIC.describe() == "classic"
    assert NAMED_VARIANTS["no-totals"].describe() == "totals=none"
    line = random_variant(4).describe()
    assert "\n" not in line and line != "classic"
