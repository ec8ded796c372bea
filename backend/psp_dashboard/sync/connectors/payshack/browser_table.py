"""The Pay-In table as a person reads it: found by its header texts, read in one call.

The browser side is a few small scripts sharing one table finder (`WAIT_STATE_JS`
activates Next, waits and reads a whole page in one round trip); the Python side turns
their plain-text cells into rows with the API's keys (`SCRAPED_ROW_KEYS`), so both
transports feed the same normalizer. Everything but the scripts is pure (tested without
a browser).

Cell conventions (the ones `normalize_payshack` documents for scraped rows):
- amounts: exact plain decimal text (`"123456.50"`), from `parse_rupees`;
- times: UTC ISO text (`"2026-01-15T15:46:46Z"`), from `parse_ist_display`;
- empty cells and dashes: `None`;
- a cell that does not parse is passed through as shown, so the normalizer rejects the
  record into quarantine with a reason, exactly as it would reject the API's junk.
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

from psp_dashboard.kit.money import parse_rupees
from psp_dashboard.kit.timeparse import parse_ist_display
from psp_dashboard.sync.connectors.payshack.browser_errors import (
    PayShackColumnMissingError,
    PayShackTableEmptyError,
)
from psp_dashboard.sync.connectors.payshack.normalize import SCRAPED_ROW_KEYS

# API key → the header a person sees over that column (spec: payshack.md).
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
assert tuple(COLUMNS) == SCRAPED_ROW_KEYS  # the normalizer's contract, kept in one place
MONEY_KEYS = frozenset({"amount", "paidAmount"})
TIME_KEYS = frozenset({"createdAt", "modifiedAt"})
_EMPTY = frozenset({"", "-", "—", "–"})
TABLE_STATE = "table:"  # prefix of the page-state string that carries a read page
ADVANCED_STATE = "advanced:"  # …preceded by this when Next was activated after the read
_CENT = Decimal("0.01")


def header_key(text: str) -> str:
    """Header text compared loosely: case, spacing, punctuation and sort arrows do not
    matter ("Transaction Id ▲" is "Transaction ID"), the words do."""
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


REQUIRED_HEADER_KEYS: tuple[str, ...] = tuple(header_key(h) for h in COLUMNS.values())

# Shared by every script: the table is the one whose header row names the most required
# columns (HTML tables and ARIA tables/grids alike), so a page with several tables, a
# re-skin or an extra column still finds the right one. `wanted` = REQUIRED_HEADER_KEYS.
_FINDER_JS = r"""
const key = (s) => (s || "").toLowerCase().replace(/[^0-9a-z]+/g, "");
const text = (el) => (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim();
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
                               : Array.from(r.querySelectorAll("[role=cell],[role=gridcell]"));
}
function findTable(wanted) {
  let best = null, bestScore = 0;
  for (const t of document.querySelectorAll("table, [role=table], [role=grid]")) {
    const keys = new Set(headerCells(t).map((c) => key(text(c))));
    const score = wanted.filter((w) => keys.has(w)).length;
    if (score > bestScore) { best = t; bestScore = score; }
  }
  return best;
}
function nextControl() {
  const named = /^\s*next\b/i;
  for (const el of document.querySelectorAll("button, a, [role=button], [role=link]")) {
    if (named.test(text(el) || el.getAttribute("aria-label") || "")) return el;
  }
  return null;
}
function visible(el) { return !el.hidden && el.getClientRects().length > 0; }
"""

# What the page is doing now: "login" (a password field is shown: the session is gone),
# "error:<alert text>", false while it is still loading, and once the table is ready
# either "ready" or — with `read` — "table:<JSON>", the whole page at once (one call,
# not one per cell),
# marking the rows it read so that the wait after the next action tells new rows from
# these. Ready means: no fetch/XHR in flight (NETWORK_PROBE_JS), no busy marker or
# loading status, and rows that are not the ones marked stale (the table re-rendered).
_STATE_JS = r"""
function markStale(wanted) {
  const t = findTable(wanted);
  if (t) for (const r of bodyRows(t)) r.__psStale = true;
}
function enabled(el) {
  return !!el && !el.disabled && el.getAttribute("aria-disabled") !== "true";
}
function pageState(wanted, read) {
  if (document.querySelector("input[type=password]")) return "login";
  for (const a of document.querySelectorAll("[role=alert]")) {
    const said = text(a);
    if (said && visible(a)) return "error:" + said;
  }
  if (window.__psNet && window.__psNet.inflight > 0) return false;
  const t = findTable(wanted);
  if (!t) return false;
  if (t.closest("[aria-busy=true]") || t.querySelector("[aria-busy=true]")) return false;
  const statuses = Array.from(document.querySelectorAll("[role=status]")).map(text);
  if (statuses.some((s) => /loading/i.test(s))) return false;
  for (const p of document.querySelectorAll("[role=progressbar]")) if (visible(p)) return false;
  const rows = bodyRows(t);
  if (rows.length && rows[0].__psStale) return false;
  if (!read) return "ready";
  for (const r of rows) r.__psStale = true;
  const next = nextControl();
  const pager = next ? (next.closest("nav, [role=navigation]") || next.parentElement) : null;
  // One JSON string, not a nested value: Playwright's client validates every node of a
  // returned structure in Python, which cost more than the whole page load.
  return "table:" + JSON.stringify({
    url: location.href,
    headers: headerCells(t).map(text),
    rows: rows.map((r) => rowCells(t, r).map(text)),
    statusText: statuses.join(" | "),
    pagerText: pager ? text(pager) : "",
    nextPresent: !!next,
    nextEnabled: enabled(next),
  });
}
"""

# Marks the rows on screen before an action whose result is awaited.
MARK_STALE_JS = "(wanted) => {" + _FINDER_JS + _STATE_JS + "markStale(wanted); }"

# For Playwright's wait_for_function, which keeps polling across navigations.
PAGE_STATE_JS = (
    "({ wanted, read }) => {" + _FINDER_JS + _STATE_JS + "return pageState(wanted, read); }"
)

# The fast path, one round trip per page. `advance`: mark the rows and activate the
# "Next" control (found by role and visible text) first. Then poll the state inside the
# page until it is truthy or `timeoutMs` passed (null). `prefetch`: once a page is read,
# activate Next right away (the state then says "advanced"), so the browser loads the
# next page while Python parses and the pipeline stores this one. A navigation meanwhile
# (the session expired: the page went to the login form) makes the call fail; the
# caller then falls back to PAGE_STATE_JS through wait_for_function.
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
      const next = prefetch && state.startsWith("table:") ? nextControl() : null;
      if (!enabled(next)) return state;
      next.click();  // the rows just read are marked stale already
      return "advanced:" + state;
    }
    if (Date.now() > until) return null;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}"""
)

# Installed before any page script runs: counts the page's own fetch/XHR calls in flight,
# which is how "the page's API call has answered" is observed without knowing its URL.
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
})();
"""


@dataclass(frozen=True, slots=True)
class TableSnapshot:
    """One page of the table as shown, plus the page's own counters and pager."""

    url: str  # location.href when read (the dashboard keeps its page state there)
    headers: list[str]
    rows: list[list[str]]
    status_text: str
    pager_text: str
    next_present: bool
    next_enabled: bool
    advanced: bool = False  # Next was activated right after the read (prefetch)

    @classmethod
    def from_js(cls, value: Any) -> TableSnapshot:
        """From the "[advanced:]table:<JSON>" state the page scripts return."""
        text = value if isinstance(value, str) else ""
        advanced = text.startswith(ADVANCED_STATE)
        text = text.removeprefix(ADVANCED_STATE).removeprefix(TABLE_STATE)
        data = json.loads(text) if text.startswith("{") else {}
        return cls(
            url=str(data.get("url") or ""),
            headers=[str(h) for h in data.get("headers") or []],
            rows=[[str(c) for c in row] for row in data.get("rows") or []],
            status_text=str(data.get("statusText") or ""),
            pager_text=str(data.get("pagerText") or ""),
            next_present=bool(data.get("nextPresent")),
            next_enabled=bool(data.get("nextEnabled")),
            advanced=advanced,
        )

    @property
    def has_next(self) -> bool:
        return self.next_present and self.next_enabled

    def check_not_empty(self, page_no: int) -> None:
        """An empty table is only believed when the page does not claim rows exist."""
        if not self.rows and (total := reported_total(self.status_text)):
            raise PayShackTableEmptyError(page_no, total)


def column_indices(headers: Sequence[str]) -> dict[str, int]:
    """API key → column position, found by header text; extra columns are ignored.
    Raises `PayShackColumnMissingError` naming every required column not found."""
    positions: dict[str, int] = {}
    for index, header in enumerate(headers):
        positions.setdefault(header_key(header), index)
    found = {k: positions[header_key(h)] for k, h in COLUMNS.items() if header_key(h) in positions}
    missing = [h for k, h in COLUMNS.items() if k not in found]
    if missing:
        raise PayShackColumnMissingError(missing, list(headers))
    return found


def cell_text(value: str) -> str | None:
    text = " ".join(value.split())
    return None if text in _EMPTY else text


def money_cell(value: str) -> str | None:
    """`₹1,23,456.50` / `1,23,456.50` → `"123456.50"`; junk passes through unchanged."""
    text = cell_text(value)
    if text is None:
        return None
    try:
        amount = parse_rupees(text)
    except ValueError:
        return text  # the normalizer quarantines it as "non-numeric …", with the text
    # parse_rupees keeps 4 places; show paise (2) unless the page showed finer digits.
    cents = amount.quantize(_CENT)
    return f"{cents if cents == amount else amount:f}"


def iso_z(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def time_cell(value: str) -> str | None:
    """`15 Jan 2026, 09:16:46 PM` / `15/01/2026 21:16:46` (IST) → `2026-01-15T15:46:46Z`."""
    text = cell_text(value)
    if text is None:
        return None
    try:
        return iso_z(parse_ist_display(text))
    except ValueError:
        return text  # the normalizer quarantines it as "unparseable …", with the text


def scraped_row(cells: Sequence[str], indices: Mapping[str, int]) -> dict[str, str | None]:
    """One table row as a record with the API's keys (`SCRAPED_ROW_KEYS`)."""
    row: dict[str, str | None] = {}
    for key, index in indices.items():
        raw = cells[index] if index < len(cells) else ""
        if key in MONEY_KEYS:
            row[key] = money_cell(raw)
        elif key in TIME_KEYS:
            row[key] = time_cell(raw)
        else:
            row[key] = cell_text(raw)
    return row


_TOTAL = re.compile(r"\bof\s+([\d,]+)", re.IGNORECASE)
# No word boundary: inline pager parts may run together ("PreviousPage 3 of 12").
_PAGE_NO = re.compile(r"page\s*(\d[\d,]*)", re.IGNORECASE)


def reported_total(status_text: str) -> int | None:
    """The total the page states ("Showing 1–100 of 1,23,456"), if it states one."""
    found = _TOTAL.search(status_text)
    return int(found[1].replace(",", "")) if found else None


def reported_page(pager_text: str) -> int | None:
    """The page number the pager shows ("Page 3 of 12"), if it shows one."""
    found = _PAGE_NO.search(pager_text)
    return int(found[1].replace(",", "")) if found else None
