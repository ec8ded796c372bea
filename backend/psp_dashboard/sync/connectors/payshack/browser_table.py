"""The Pay-In table as a person reads it: found by its header texts, read in one call.

The browser side is a few small scripts sharing one finder (`WAIT_STATE_JS` activates
the next-page control, waits for a settled page and reads it whole in one round trip);
the Python side turns their plain-text cells into rows with the API's keys, so both
transports feed the same normalizer. Everything but the scripts is pure (tested
without a browser).

What "as a person reads it" covers (the page's markup is not known and changes):
- columns by header text in any order, in any case, with a unit or zone in brackets,
  under the spellings dashboards use ("Txn ID", "Order No.", "Amount (₹)", "Created On
  (IST)"); extra columns are ignored unless they hold a field the API also has (payer
  name, fee, completed time, mode, channel), which is then read too;
- HTML tables and ARIA tables/grids alike;
- the next-page control as a button or link named "Next", an icon button known only by
  its `aria-label`, or a numbered pager (the page after the current one);
- the page's own totals: "6,168 records", "Showing 1–100 of 6,168", "Page 1 of 617";
- a page is read only once it has settled: its data call answered, no busy marker, new
  rows, and a pager that agrees with the totals (Next is often disabled while a page
  loads, so "no next page" is decided only when the page itself says so, or nothing on
  it moves any more).

Cell conventions (the ones `normalize_payshack` documents for scraped rows): amounts as
exact plain decimal text, times as UTC ISO text (IST unless the header names UTC),
empty cells and dashes as `None`; a cell that does not parse is passed through as
shown, so the normalizer quarantines the record with a reason.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo

from psp_dashboard.kit.money import parse_rupees
from psp_dashboard.kit.timeparse import IST, parse_local_display
from psp_dashboard.sync.connectors.payshack.browser_errors import PayShackColumnMissingError

UTC_ZONE = ZoneInfo("UTC")

# API key → the header a person sees over that column (spec: payshack.md), for messages.
COLUMNS: Mapping[str, str] = MappingProxyType(
    {
        "txnId": "Transaction ID",
        "orderId": "Order ID",
        "amount": "Amount",
        "paidAmount": "Paid Amount",
        "txnStatus": "Status",
        "clientName": "Client",
        "utr": "UTR",
        "createdAt": "Created At",
        "modifiedAt": "Modified At",
    }
)
# Without these a row cannot be stored as the API would store it; the others are read
# when the page shows them.
REQUIRED = ("txnId", "orderId", "amount", "txnStatus", "clientName", "createdAt")

# API key → header spellings, compared by `header_key` (case, spacing, punctuation and
# anything in brackets ignored). Extra API fields a dashboard may show come last.
ALIASES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "txnId": ("Transaction ID", "Txn ID", "Transaction No", "Txn No", "Transaction Number",
                  "Txn Number", "TxnID", "Trx ID", "Transaction Ref", "Txn Ref", "Payin ID",
                  "Pay-In ID"),
        "orderId": ("Order ID", "Order No", "Order Number", "Merchant Order ID",
                    "Client Order ID", "Order Ref", "Order Reference", "Order"),
        "amount": ("Amount", "Txn Amount", "Transaction Amount", "Requested Amount",
                   "Order Amount", "Amt", "Txn Amt"),
        "paidAmount": ("Paid Amount", "Paid Amt", "Amount Paid", "Paid", "Received Amount"),
        "txnStatus": ("Status", "Txn Status", "Transaction Status", "Payment Status", "State"),
        "clientName": ("Client", "Client Name", "Merchant", "Merchant Name"),
        "utr": ("UTR", "UTR No", "UTR Number", "Bank UTR", "UTR Ref", "Bank Reference"),
        "createdAt": ("Created At", "Created", "Created On", "Created Date", "Created Time",
                      "Creation Time", "Date", "Date Time", "Transaction Date", "Txn Date",
                      "Initiated At", "Initiated On"),
        "modifiedAt": ("Modified At", "Modified", "Modified On", "Updated At", "Updated",
                       "Updated On", "Last Updated", "Last Modified"),
        "completedAt": ("Completed At", "Completed", "Completed On", "Completion Time",
                        "Success At"),
        "payerName": ("Payer", "Payer Name", "Customer", "Customer Name"),
        "payerVpa": ("Payer VPA", "VPA", "Payer UPI", "Payer UPI ID"),
        "payerPhone": ("Payer Phone", "Phone", "Mobile", "Mobile No", "Payer Mobile"),
        "totalCommissionAmount": ("Fee", "Fees", "Commission", "Commission Amount",
                                  "Total Commission", "Total Commission Amount", "Charges"),
        "paymentMode": ("Mode", "Payment Mode", "Pay Mode"),
        "transactionType": ("Channel", "Type", "Txn Type", "Transaction Type",
                            "Payment Channel"),
        "spTxnId": ("SP Txn ID", "Provider Txn ID", "Provider Reference"),
    }
)  # fmt: skip
MONEY_KEYS = frozenset({"amount", "paidAmount", "totalCommissionAmount"})
TIME_KEYS = frozenset({"createdAt", "modifiedAt", "completedAt"})
_EMPTY = frozenset({"", "-", "—", "–", "n/a", "N/A", "NA"})
TABLE_STATE = "table:"  # prefix of the page-state string that carries a read page
ADVANCED_STATE = "advanced:"  # …preceded by this when Next was activated after the read
STUCK_STATE = "stuck:"  # a read page whose pager never agreed with its totals
_CENT = Decimal("0.01")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def header_key(text: str) -> str:
    """Header text compared loosely: case, spacing, punctuation, sort arrows and any
    unit or zone in brackets do not matter ("Amount (₹) ▲" is "Amount")."""
    return re.sub(r"[^0-9a-z]+", "", _BRACKETS.sub(" ", text.casefold()))


_KEY_OF: dict[str, str] = {}
for _api_key, _spellings in ALIASES.items():
    for _spelling in _spellings:
        _KEY_OF.setdefault(header_key(_spelling), _api_key)
HEADER_KEYS: tuple[str, ...] = tuple(sorted(_KEY_OF))  # what the finder scores tables by


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    zone: ZoneInfo  # the zone its times are shown in (IST unless the header says UTC)


def column_indices(headers: Sequence[str]) -> dict[str, Column]:
    """API key → column, found by header text; unknown columns are ignored. Raises
    `PayShackColumnMissingError` naming every required column not found."""
    found: dict[str, Column] = {}
    for index, header in enumerate(headers):
        api_key = _KEY_OF.get(header_key(header))
        if api_key is None or api_key in found:
            continue
        utc = re.search(r"\b(utc|gmt)\b", header, re.IGNORECASE) is not None
        found[api_key] = Column(index, UTC_ZONE if utc else IST)
    missing = [COLUMNS.get(k, k) for k in REQUIRED if k not in found]
    if missing:
        raise PayShackColumnMissingError(missing, list(headers))
    return found


def cell_text(value: str) -> str | None:
    text = " ".join(value.split())
    return None if text in _EMPTY else text


def money_cell(value: str) -> str | None:
    """`₹1,23,456.50` / `1,23,456.50` / `INR 1,234.50` → `"123456.50"`; junk passes
    through unchanged."""
    text = cell_text(value)
    if text is None:
        return None
    try:
        amount = parse_rupees(re.sub(r"^(INR|Rs\.?)\s*", "", text, flags=re.IGNORECASE))
    except ValueError:
        return text  # the normalizer quarantines it as "non-numeric …", with the text
    # parse_rupees keeps 4 places; show paise (2) unless the page showed finer digits.
    cents = amount.quantize(_CENT)
    return f"{cents if cents == amount else amount:f}"


def iso_z(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def time_cell(value: str, zone: ZoneInfo = IST) -> str | None:
    """`15 Jan 2026, 09:16:46 PM` / `15/01/2026 21:16:46` / `2026-01-15 21:16:46` shown
    in `zone` (IST by default) → `2026-01-15T15:46:46Z`."""
    text = cell_text(value)
    if text is None:
        return None
    try:
        return iso_z(parse_local_display(text, zone))
    except ValueError:
        return text  # the normalizer quarantines it as "unparseable …", with the text


def scraped_row(cells: Sequence[str], columns: Mapping[str, Column]) -> dict[str, str | None]:
    """One table row as a record with the API's keys."""
    row: dict[str, str | None] = {}
    for key, column in columns.items():
        raw = cells[column.index] if column.index < len(cells) else ""
        if key in MONEY_KEYS:
            row[key] = money_cell(raw)
        elif key in TIME_KEYS:
            row[key] = time_cell(raw, column.zone)
        else:
            row[key] = cell_text(raw)
    return row


# --- what the page states about its listing -------------------------------------------

_NUMBER = r"(\d[\d,]*)"
_SHOWING = re.compile(_NUMBER + r"\s*(?:-|–|—|to)\s*" + _NUMBER + r"\s+of\s+" + _NUMBER, re.I)
_PAGE_OF = re.compile(r"page\s*" + _NUMBER + r"\s*(?:of|/)\s*" + _NUMBER, re.I)
_RECORDS = re.compile(
    _NUMBER + r"\s+(?:records?|results?|entries|transactions?|items?|rows?|pay-?ins?)\b", re.I
)
_TOTAL = re.compile(r"\btotal\s*(?:records?|transactions?)?\s*:?\s*" + _NUMBER, re.I)
_PAGE_ONLY = re.compile(r"page\s*" + _NUMBER, re.I)


def _int(text: str) -> int:
    return int(text.replace(",", ""))


@dataclass(frozen=True, slots=True)
class Stated:
    """Totals and position the page shows beside the table (None: not shown)."""

    total: int | None = None  # rows in the listing
    first: int | None = None  # "Showing first–last of total"
    last: int | None = None
    page: int | None = None  # "Page page of pages"
    pages: int | None = None

    @classmethod
    def parse(cls, texts: Sequence[str]) -> Stated:
        total = first = last = page = pages = None
        for text in texts:
            if (m := _SHOWING.search(text)) and total is None:
                first, last, total = _int(m[1]), _int(m[2]), _int(m[3])
            if (m := _PAGE_OF.search(text)) and pages is None:
                page, pages = _int(m[1]), _int(m[2])
        for text in texts:
            if total is None and (m := _RECORDS.search(text) or _TOTAL.search(text)):
                total = _int(m[1])
        if page is None:
            for text in texts:
                if m := _PAGE_ONLY.search(text):
                    page = _int(m[1])
                    break
        return cls(total, first, last, page, pages)

    @property
    def says_last(self) -> bool:
        if self.total is not None and self.last is not None:
            return self.last >= self.total
        if self.page is not None and self.pages is not None:
            return self.page >= self.pages
        return self.total == 0

    def page_no(self, page_size: int | None) -> int | None:
        """Which page the page says it shows."""
        if self.page is not None:
            return self.page
        if self.first is not None and page_size:
            return (self.first - 1) // page_size + 1
        return None


# --- the in-page scripts --------------------------------------------------------------

# Shared by every script. The table is the one whose header row names the most known
# columns (HTML tables and ARIA tables/grids alike). `wanted` = HEADER_KEYS.
_FINDER_JS = r"""
const key = (s) => (s || "").toLowerCase().replace(/\([^)]*\)|\[[^\]]*\]/g, " ")
  .replace(/[^0-9a-z]+/g, "");
const text = (el) => (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim();
function visible(el) { return !!el && !el.hidden && el.getClientRects().length > 0; }
function headerCells(t) {
  if (t.tagName === "TABLE") {
    const head = t.tHead && t.tHead.rows.length ? t.tHead.rows[t.tHead.rows.length - 1]
                                                 : t.rows[0];
    return head ? Array.from(head.cells) : [];
  }
  return Array.from(t.querySelectorAll("[role=columnheader]"));
}
function bodyRows(t) {
  if (t.tagName === "TABLE") {
    if (t.tBodies.length) return Array.from(t.tBodies).flatMap((b) => Array.from(b.rows));
    return Array.from(t.rows).slice(1);
  }
  return Array.from(t.querySelectorAll("[role=row]"))
    .filter((r) => !r.querySelector("[role=columnheader]"));
}
function rowCells(t, r) {
  return t.tagName === "TABLE" ? Array.from(r.cells)
    : Array.from(r.querySelectorAll("[role=cell],[role=gridcell],[role=rowheader]"));
}
function findTable(wanted) {
  const known = new Set(wanted);
  let best = null, bestScore = 0;
  for (const t of document.querySelectorAll("table, [role=table], [role=grid]")) {
    const score = headerCells(t).filter((c) => known.has(key(text(c)))).length;
    if (score > bestScore) { best = t; bestScore = score; }
  }
  return best;
}
function accName(el) {
  const label = el.getAttribute("aria-label");
  if (label) return label.trim();
  const by = el.getAttribute("aria-labelledby");
  if (by) {
    const named = by.split(/\s+/).map((id) => document.getElementById(id)).filter(Boolean);
    if (named.length) return named.map(text).join(" ");
  }
  return text(el) || el.getAttribute("title") || el.value || "";
}
function enabled(el) {
  if (!el || el.disabled || el.getAttribute("aria-disabled") === "true") return false;
  return !(el.tagName === "A" && !el.hasAttribute("href") && !el.getAttribute("role"));
}
const CONTROLS = "button, a, [role=button], [role=link], input[type=button]";
const NEXT_NAME = /^\s*(next\b.*|go to next page|›|>|→|⟩|⟶)\s*$/i;
function nextControl() {
  const all = Array.from(document.querySelectorAll(CONTROLS)).filter(visible);
  const named = all.find((el) => NEXT_NAME.test(accName(el)));
  if (named) return named;
  // A numbered pager: the control of the page after the current one.
  const current = Array.from(document.querySelectorAll(
    "[aria-current=page], [aria-current=true], [aria-current=step]")).find(visible);
  const n = current ? parseInt(text(current), 10) : NaN;
  if (!Number.isFinite(n)) return null;
  const box = current.closest("nav, [role=navigation], ul, ol") || current.parentElement;
  return Array.from(box.querySelectorAll(CONTROLS)).find(
    (el) => visible(el) && accName(el).replace(/^page\s*/i, "") === String(n + 1)) || null;
}
const UNITS = "(?:records?|results?|entries|transactions?|items?|rows?|pay-?ins?)";
const STATED = new RegExp("(\\d[\\d,]*\\s*(-|–|—|to)\\s*\\d[\\d,]*\\s+of\\s+\\d)|(page\\s*\\d)"
  + "|(\\d[\\d,]*\\s+" + UNITS + "\\b)|(\\btotal\\b[^\\d]{0,20}\\d)", "i");
const RECORDS = new RegExp("(\\d[\\d,]*)\\s+" + UNITS + "\\b", "i");
// Short texts near the table that state totals or the page ("Showing 1–100 of 6,168",
// "Page 1 of 617", "6,168 records"), wherever the page puts them outside the table.
function statedTexts(t) {
  const found = [];
  const what = NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT;
  const walker = document.createTreeWalker(document.body, what, {
    acceptNode: (node) => node === t || node.tagName === "SCRIPT" || node.tagName === "STYLE"
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const seen = new Set();
  for (let node = walker.nextNode(); node && found.length < 40; node = walker.nextNode()) {
    if (node.nodeType !== 3 || !/\d/.test(node.nodeValue)) continue;
    let el = node.parentElement;
    // Widen to the element holding the whole phrase ("Showing <b>1</b>–<b>100</b> of …").
    while (el && el.parentElement && el.parentElement !== document.body
           && text(el.parentElement).length <= 80 && !el.parentElement.contains(t)) {
      el = el.parentElement;
    }
    if (!el || seen.has(el) || !visible(el)) continue;
    seen.add(el);
    const said = text(el);
    if (said.length <= 120 && STATED.test(said)) found.push(said);
  }
  return found;
}
function num(s) { return parseInt(String(s).replace(/,/g, ""), 10); }
function statedInfo(texts) {
  const info = {};
  for (const s of texts) {
    let m = /(\d[\d,]*)\s*(?:-|–|—|to)\s*(\d[\d,]*)\s+of\s+(\d[\d,]*)/i.exec(s);
    if (m && info.total === undefined) {
      info.first = num(m[1]); info.last = num(m[2]); info.total = num(m[3]);
    }
    m = /page\s*(\d[\d,]*)\s*(?:of|\/)\s*(\d[\d,]*)/i.exec(s);
    if (m && info.pages === undefined) { info.page = num(m[1]); info.pages = num(m[2]); }
  }
  for (const s of texts) {
    const m = RECORDS.exec(s) || /\btotal\s*(?:records?|transactions?)?\s*:?\s*(\d[\d,]*)/i.exec(s);
    if (m && info.total === undefined) info.total = num(m[1]);
  }
  return info;
}
function saysLast(info) {
  if (info.total !== undefined && info.last !== undefined) return info.last >= info.total;
  if (info.pages !== undefined) return info.page >= info.pages;
  return info.total === 0;
}
function saysMore(info) {
  if (info.total !== undefined && info.last !== undefined) return info.last < info.total;
  if (info.pages !== undefined) return info.page < info.pages;
  return false;
}
"""

# What the page is doing now: "login" (a password field is shown: the session is gone),
# "error:<alert text>", false while it is still loading or settling, and once ready
# either "ready" or — with `read` — "table:<JSON>", the whole page at once (one call,
# not one per cell), marking the rows it read so that the wait after the next action
# tells new rows from these. Ready means: no fetch/XHR in flight (NETWORK_PROBE_JS), no
# busy marker or loading status, rows that are not the ones marked stale, and a pager
# that agrees with the stated totals — Next enabled when they say more pages follow;
# when Next is not enabled and the page does not say this is its last page, nothing on
# it changed for QUIET_MS. `window.__psWhy` keeps why the page is not ready yet.
_STATE_JS = r"""
const QUIET_MS = 400;
function markStale(wanted) {
  const t = findTable(wanted);
  if (t) for (const r of bodyRows(t)) r.__psStale = true;
}
function notYet(why) { window.__psWhy = why; return false; }
// The page is polled every few ms while it settles; finding the table and its totals
// walks the DOM, so both are kept until the DOM changes (NETWORK_PROBE_JS notes when).
function unchanged(cache) {
  return cache && window.__psMut !== undefined && cache.mut === window.__psMut
    && (!cache.table || cache.table.isConnected);
}
function tableOf(wanted) {
  if (unchanged(window.__psFound)) return window.__psFound.table;
  const table = findTable(wanted);
  window.__psFound = { mut: window.__psMut, table };
  return table;
}
function statedOf(t) {
  const cache = window.__psStated;
  if (unchanged(cache) && cache.of === t) return cache.info;
  const info = statedInfo(statedTexts(t));
  window.__psStated = { mut: window.__psMut, of: t, info };
  return info;
}
function snapshot(t, rows, next, info) {
  const usable = enabled(next);
  // One JSON string, not a nested value: Playwright's client validates every node of a
  // returned structure in Python, which cost more than the whole page load.
  return JSON.stringify({
    url: location.href,
    headers: headerCells(t).map(text),
    rows: rows.map((r) => rowCells(t, r).map(text)),
    stated: statedTexts(t),
    nextPresent: !!next,
    nextEnabled: usable,
    current: (() => {
      const c = Array.from(document.querySelectorAll("[aria-current=page], [aria-current=true]"))
        .find(visible);
      return c ? text(c) : "";
    })(),
  });
}
function pageState(wanted, read) {
  if (document.querySelector("input[type=password]")) return "login";
  for (const a of document.querySelectorAll("[role=alert]")) {
    const said = text(a);
    if (said && visible(a)) return "error:" + said;
  }
  if (window.__psNet && window.__psNet.inflight > 0) return notYet("network");
  const t = tableOf(wanted);
  if (!t) return notYet("table");
  if (t.getAttribute("aria-busy") === "true" || t.closest("[aria-busy=true]")
      || t.querySelector("[aria-busy=true]")) return notYet("busy");
  const statuses = Array.from(document.querySelectorAll("[role=status]")).map(text);
  if (statuses.some((s) => /loading/i.test(s))) return notYet("loading");
  for (const p of document.querySelectorAll("[role=progressbar]")) {
    if (visible(p)) return notYet("progress");
  }
  const rows = bodyRows(t);
  if (rows.length && rows[0].__psStale) return notYet("rows");
  const next = nextControl();
  const info = statedOf(t);
  if (!enabled(next) && !saysLast(info)) {
    // Next is often disabled while a page loads and enabled a moment after the rows
    // show: "no next page" needs the page to say so, or nothing on it to move any more.
    if (saysMore(info)) return notYet("next");
    if (rows.length && performance.now() - (window.__psMut ?? -QUIET_MS) < QUIET_MS) {
      return notYet("quiet");
    }
  }
  if (!read) return "ready";
  for (const r of rows) r.__psStale = true;
  return "table:" + snapshot(t, rows, next, info);
}
function stuckState(wanted) {
  // The page never agreed with itself (totals say more, Next never enabled): read what
  // is shown, and let the walk end there as "stuck" rather than guess.
  const t = findTable(wanted);
  if (!t || window.__psWhy !== "next") return null;
  const rows = bodyRows(t);
  if (rows.length && rows[0].__psStale) return null;
  for (const r of rows) r.__psStale = true;
  return "stuck:" + snapshot(t, rows, nextControl(), {});
}
"""

# Marks the rows on screen before an action whose result is awaited.
MARK_STALE_JS = "(wanted) => {" + _FINDER_JS + _STATE_JS + "markStale(wanted); }"

# For Playwright's wait_for_function, which keeps polling across navigations.
PAGE_STATE_JS = (
    "({ wanted, read }) => {" + _FINDER_JS + _STATE_JS + "return pageState(wanted, read); }"
)

# The fast path, one round trip per page. `advance`: mark the rows and activate the
# next-page control first. Then poll the state inside the page until it is truthy or
# `timeoutMs` passed ("timeout:<why>", or "stuck:<JSON>" when only the pager failed to
# agree). `prefetch`: once a page is read, activate Next right away (the state then
# says "advanced"), so the browser loads the next page while Python parses and the
# pipeline stores this one. A navigation meanwhile (the session expired: the page went
# to the login form) makes the call fail; the caller then falls back to PAGE_STATE_JS.
WAIT_STATE_JS = (
    "async ({ wanted, read, advance, prefetch, timeoutMs }) => {"
    + _FINDER_JS
    + _STATE_JS
    + r"""
  if (advance) {
    const next = nextControl();
    if (!enabled(next)) return "no-next";
    markStale(wanted);
    next.click();
  }
  const until = Date.now() + timeoutMs;
  for (;;) {
    const state = pageState(wanted, read);
    if (state) {
      if (!prefetch || !state.startsWith("table:")) return state;
      const info = JSON.parse(state.slice(6));
      const next = nextControl();
      if (!enabled(next) || saysLast(statedInfo(info.stated))) return state;
      next.click();  // the rows just read are marked stale already
      return "advanced:" + state;
    }
    if (Date.now() > until) {
      return (read && stuckState(wanted)) || "timeout:" + (window.__psWhy || "");
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}"""
)

# The filter form, found as a person finds it, its parts marked with data-ps-* so that
# Python can fill them through Playwright: two date inputs (type=date, or text inputs
# whose label or placeholder speaks of dates), the page-size select (every option a
# number: "100", "100 / page", "Show 100"), and the button that applies the filter.
FORM_JS = (
    "() => {"
    + _FINDER_JS
    + r"""
  const labelOf = (el) => {
    const parts = [el.getAttribute("aria-label"), el.placeholder, el.name, el.id];
    for (const l of el.labels || []) parts.push(text(l));
    return parts.filter(Boolean).join(" ");
  };
  const inputs = Array.from(document.querySelectorAll("input")).filter(visible);
  const dates = inputs.filter((el) => {
    const type = (el.type || "text").toLowerCase();
    if (type === "date" || type === "datetime-local") return true;
    if (!["text", "search", ""].includes(type)) return false;
    const said = labelOf(el);
    if (/search|txn|order|utr|email|name|phone|amount/i.test(said)
        && !/date|from|to\b|start|end/i.test(said)) return false;
    return /date|from|\bto\b|start|end|dd|mm|yy/i.test(said);
  }).slice(0, 2);
  // Order: by what they say when they say it, else as they stand on the page.
  if (dates.length === 2 && /\b(to|end|until)\b/i.test(labelOf(dates[0]))
      && /\b(from|start)\b/i.test(labelOf(dates[1]))) dates.reverse();
  dates.forEach((el, i) => el.setAttribute("data-ps-date", i === 0 ? "from" : "to"));
  const described = dates.map((el) => ({
    type: (el.type || "text").toLowerCase(), placeholder: el.placeholder || "",
    value: el.value || "" }));
  let size = null;
  for (const sel of document.querySelectorAll("select")) {
    if (!visible(sel) || !sel.options.length) continue;
    const options = Array.from(sel.options).map((o) => {
      const m = /(\d+)/.exec(o.text);
      return m ? [o.value, parseInt(m[1], 10)] : null;
    });
    if (options.some((o) => o === null)) continue;
    sel.setAttribute("data-ps-size", "");
    size = { options, value: sel.value };
    break;
  }
  const scope = dates.length ? (dates[0].closest("form, section, fieldset, [role=search]")
                                || dates[0].parentElement) : document.body;
  const apply = Array.from(scope.querySelectorAll(CONTROLS + ", input[type=submit]"))
    .filter(visible)
    .find((el) => /^\s*(apply|search|filter|go|submit|show|update|refresh)\b/i.test(accName(el)));
  if (apply) apply.setAttribute("data-ps-apply", "");
  return JSON.stringify({ dates: described, size, apply: !!apply });
}"""
)

# Installed before any page script runs: counts the page's own fetch/XHR calls in flight
# (how "the page's API call has answered" is observed without knowing its URL) and
# notes when the DOM last changed (how "nothing moves any more" is observed).
NETWORK_PROBE_JS = r"""
(() => {
  if (window.__psNet) return;
  const net = (window.__psNet = { inflight: 0 });
  const done = () => { net.inflight = Math.max(0, net.inflight - 1); };
  if (window.fetch) {
    const original = window.fetch;
    window.fetch = function (...args) {
      net.inflight += 1;
      try { return original.apply(this, args).finally(done); }
      catch (err) { done(); throw err; }
    };
  }
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (...args) {
    net.inflight += 1;
    this.addEventListener("loadend", done, { once: true });
    return send.apply(this, args);
  };
  window.__psMut = performance.now();
  const watch = () => new MutationObserver(() => { window.__psMut = performance.now(); })
    .observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  if (document.documentElement) watch();
  else document.addEventListener("readystatechange", watch, { once: true });
})();
"""


@dataclass(frozen=True, slots=True)
class TableSnapshot:
    """One page of the table as shown, plus what the page states about the listing."""

    url: str  # location.href when read (the dashboard may keep its page state there)
    headers: list[str]
    rows: list[list[str]]
    stated: Stated
    next_present: bool
    next_enabled: bool
    current: str = ""  # the numbered pager's current page, as shown
    advanced: bool = False  # Next was activated right after the read (prefetch)
    stuck: bool = False  # the pager never agreed with the totals: the walk ends here

    @classmethod
    def from_js(cls, value: Any) -> TableSnapshot:
        """From the "[advanced:]table:<JSON>" / "stuck:<JSON>" states of the scripts."""
        text = value if isinstance(value, str) else ""
        advanced = text.startswith(ADVANCED_STATE)
        stuck = text.startswith(STUCK_STATE)
        text = text.removeprefix(ADVANCED_STATE).removeprefix(TABLE_STATE)
        text = text.removeprefix(STUCK_STATE)
        data = json.loads(text) if text.startswith("{") else {}
        return cls(
            url=str(data.get("url") or ""),
            headers=[str(h) for h in data.get("headers") or []],
            rows=[[str(c) for c in row] for row in data.get("rows") or []],
            stated=Stated.parse([str(s) for s in data.get("stated") or []]),
            next_present=bool(data.get("nextPresent")),
            next_enabled=bool(data.get("nextEnabled")),
            current=str(data.get("current") or ""),
            advanced=advanced,
            stuck=stuck,
        )

    @property
    def is_last(self) -> bool:
        """No page follows: the page says so, or it offers no way on and states nothing
        (then the walk cannot show it read everything, and the tally says so)."""
        if not self.rows or self.stated.says_last:
            return True
        return not self.next_enabled and not self.stuck

    def shown_page(self, page_size: int | None) -> int | None:
        stated = self.stated.page_no(page_size)
        if stated is not None:
            return stated
        return int(self.current) if self.current.strip().isdigit() else None
