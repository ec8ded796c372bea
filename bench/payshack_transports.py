"""PayShack transports side by side: api records/s vs browser rows/s on one window.

    cd backend && uv run python ../bench/payshack_transports.py [--rows 20000] [--runs 1]

The sandbox serves a one-day world sized so that the day holds about `--rows` pay-ins,
in a separate process (so its JSON rendering does not share this process's GIL with
the transports). Both transports read the same backfill window — that UTC day — with
`window_pages(start, end)`, 100 rows per page, and **pause_seconds=0** (no politeness
pause between pages; production defaults to PAYSHACK_PAGE_PAUSE_MS=300). Figures are
end to end: login (and for the browser, Chromium's start) included. The browser's
steady walking rate (first page to last) is printed too. Both must read the same rows.

Target (issue #5): browser ≥ 500 rows/s at 100 rows/page.
Ends with JSON lines; the last one is {"bench": "payshack_browser", ...}.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import time
from datetime import UTC, date, datetime, timedelta
from multiprocessing.connection import Connection
from typing import Any

from psp_dashboard.sandbox import truth
from psp_dashboard.sandbox.config import WorldConfig
from psp_dashboard.sandbox.testing import sandbox_thread
from psp_dashboard.sandbox.truth_records import BadRecord, TruthRecord
from psp_dashboard.sandbox.world import World
from psp_dashboard.sync.connectors.payshack.api import PayShackApiTransport
from psp_dashboard.sync.connectors.payshack.browser import PayShackBrowserTransport

DAY = date(2026, 1, 1)


def world_for(rows: int) -> World:
    """A one-day world holding about `rows` pay-ins (the pay-in share is measured on a
    first build, then the size corrected once)."""
    per_day = rows * 3 // 2
    for _ in range(2):
        world = World(WorldConfig(start=DAY, days=1, per_day=per_day))
        served = len(world.ps_positions_between(None, None))
        if abs(served - rows) <= rows // 100:
            break
        per_day = round(per_day * rows / served)
    return world


def serve(rows: int, pipe: Connection) -> None:
    """Child process: run the sandbox until the parent says stop."""
    with sandbox_thread(world=world_for(rows)) as sb:
        start = datetime.combine(DAY, datetime.min.time(), UTC)
        ms = int(start.timestamp() * 1000)
        window = list(truth.payshack_records(sb.world, ms, ms + 86_400_000))
        good = sum(isinstance(r, TruthRecord) for r in window)
        bad = sum(isinstance(r, BadRecord) for r in window)
        pipe.send((sb.payshack_base_url, sb.credentials.payshack_email,
                   sb.credentials.payshack_pass, sb.sandbox.payin_path, good, bad))  # fmt: skip
        pipe.recv()


async def timed_walk(pages: Any) -> tuple[set[str], int, int, float, float]:
    """(txnIds, rows, pages, seconds end to end, seconds from first page to last)."""
    t0 = time.perf_counter()
    first = 0.0
    ids: set[str] = set()
    rows = count = 0
    async for page in pages:
        count += 1
        if count == 1:
            first = time.perf_counter()
        rows += len(page.records)
        ids.update(str(r.get("txnId") or "") for r in page.records)  # bad rows may lack it
    end = time.perf_counter()
    return ids, rows, count, end - t0, end - first


async def bench(url: str, email: str, password: str, payin: str, runs: int) -> dict[str, Any]:
    start = datetime.combine(DAY, datetime.min.time(), UTC)
    end = start + timedelta(days=1)
    best: dict[str, Any] = {}
    for _ in range(runs):
        api = PayShackApiTransport(url, email, password, pause_seconds=0)
        a_ids, a_rows, a_pages, a_s, _ = await timed_walk(api.window_pages(start, end))
        browser = PayShackBrowserTransport(
            url, email, password, payin_path=payin, pause_seconds=0, timeout_seconds=60
        )
        b_ids, b_rows, b_pages, b_s, b_walk = await timed_walk(browser.window_pages(start, end))
        if a_ids != b_ids or a_rows != b_rows:
            raise SystemExit(f"transports disagree: api {a_rows} rows, browser {b_rows} rows")
        run = {
            "rows": b_rows, "pages": b_pages, "api_s": a_s, "browser_s": b_s,
            "browser_walk_s": b_walk, "api_pages": a_pages,
        }  # fmt: skip
        if not best or run["browser_s"] < best["browser_s"]:
            best = run
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=20_000, help="pay-ins in the window")
    parser.add_argument("--runs", type=int, default=1, help="repeat; the fastest is reported")
    args = parser.parse_args()
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    server = ctx.Process(target=serve, args=(args.rows, child), daemon=True)
    server.start()
    try:
        url, email, password, payin, good, bad = parent.recv()
        print(f"sandbox: {good + bad} pay-ins created on {DAY} UTC ({bad} bad), at {url}")
        r = asyncio.run(bench(url, email, password, payin, args.runs))
    finally:
        parent.send("stop")
        server.join(timeout=30)
    api_rps = r["rows"] / r["api_s"]
    browser_rps = r["rows"] / r["browser_s"]
    steady = r["rows"] / r["browser_walk_s"] if r["browser_walk_s"] else 0.0
    print(f"api:     {r['rows']} records, {r['api_pages']} pages in {r['api_s']:.2f} s "
          f"= {api_rps:,.0f} records/s (pause_seconds=0)")  # fmt: skip
    print(f"browser: {r['rows']} rows, {r['pages']} pages of 100 in {r['browser_s']:.2f} s "
          f"= {browser_rps:,.0f} rows/s, {r['pages'] / r['browser_s'] * 60:,.0f} pages/min "
          f"(pause_seconds=0; Chromium start + login included)")  # fmt: skip
    print(f"browser steady walk (first page to last): {steady:,.0f} rows/s")
    print(f"ratio browser/api: {browser_rps / api_rps:.3f}")
    print(json.dumps({"bench": "payshack_api", "value": round(api_rps, 1), "unit": "records/s"}))
    print(json.dumps({
        "bench": "payshack_browser", "value": round(browser_rps, 1), "unit": "rows/s",
        "baseline": round(api_rps, 1), "ratio": round(browser_rps / api_rps, 4),
        "target": "browser ≥ 500 rows/s",
    }, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
