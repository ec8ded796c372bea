"""Read-API bench (issue #7): metrics latency vs the plain GROUP BY, list latency, CSV
export rate and memory vs bare COPY, on N generated transactions over 90 days.

    cd backend && uv run python ../bench/api.py              # 10,000,000 rows
    cd backend && uv run python ../bench/api.py --rows 1000000 --iterations 20

The database `psp_bench_api` (on BENCH_ADMIN_DSN's server) is kept and reused while it
holds the requested row count; `--reseed` rebuilds it. Latencies are measured through
the ASGI app in process (no network), uncached ones with the metrics keys deleted before
each request. The export runs against a real uvicorn server in a subprocess, whose peak
RSS (VmHWM) is read from /proc. Ends with one JSON line per figure: {"bench", "value",
"unit", "baseline", "ratio", "target"} (ratio = baseline/ours for times, ours/baseline
for rates).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BACKEND = Path(__file__).resolve().parent.parent / "backend"
sys.path[:0] = [str(BACKEND), str(Path(__file__).resolve().parent)]

import asyncpg  # noqa: E402
import httpx  # noqa: E402
from api_seed import ensure_daily, seed, seeded_rows  # noqa: E402

from psp_dashboard.auth.passwords import hash_password  # noqa: E402
from psp_dashboard.config import load_settings, to_asyncpg_url  # noqa: E402
from psp_dashboard.main import create_app  # noqa: E402
from psp_dashboard.runtime import Runtime, open_runtime  # noqa: E402

ADMIN_DSN = os.environ.get("BENCH_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
DB_NAME = "psp_bench_api"
PREFIX = "bench_api:"
EMAIL, PASSWORD = "bench@bench.local", "bench-password-123456"
EXPORT_CAP = 1_000_000
PORT = 18765
COLUMNS = (
    "id, source, source_id, reference_id, client_operation_id, order_id, project, "
    "merchant_id, amount, currency, fee, status, original_status, user_id, user_email, "
    "user_phone, user_name, country, utr, payment_method, payment_product, created_at, "
    "updated_at, completed_at"
)
BASELINE_OVERVIEW = """
SELECT status, source, currency,
       count(*) FILTER (WHERE created_at >= $1), sum(amount) FILTER (WHERE created_at >= $1),
       count(*) FILTER (WHERE created_at < $1), sum(amount) FILTER (WHERE created_at < $1)
FROM transactions WHERE created_at >= $3 AND created_at < $2 GROUP BY status, source, currency
"""
BASELINE_COUNT = """SELECT count(*) FROM transactions
WHERE source = $1 AND status = $2 AND created_at >= $3 AND created_at < $4"""
BASELINE_PAGE = """SELECT * FROM transactions
WHERE source = $1 AND status = $2 AND created_at >= $3 AND created_at < $4
ORDER BY created_at DESC, id DESC LIMIT 50"""
RESULTS: list[dict[str, Any]] = []
Call = Callable[[], Awaitable[Any]]


def dsn() -> str:
    return ADMIN_DSN.rsplit("/", 1)[0] + f"/{DB_NAME}"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(
    bench: str, value: float, unit: str, baseline: float | None, target: str, rate: bool = False
) -> None:
    ratio = None if not baseline else (value / baseline if rate else baseline / value)
    RESULTS.append(
        {
            "bench": bench,
            "value": round(value, 2),
            "unit": unit,
            "baseline": None if baseline is None else round(baseline, 2),
            "ratio": None if ratio is None else round(ratio, 2),
            "target": target,
        }
    )
    extra = "" if ratio is None else f" (baseline {baseline:,.2f}, ratio {ratio:,.2f})"
    print(f"{bench}: {value:,.2f} {unit}{extra}  target {target}", flush=True)


async def timed(call: Call, n: int, before: Call | None = None) -> list[float]:
    times = []
    for _ in range(n):
        if before is not None:
            await before()
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    return times


async def sign_in(client: httpx.AsyncClient) -> dict[str, str]:
    reply = await client.post("/api/v1/auth/login", json={"email": EMAIL, "password": PASSWORD})
    reply.raise_for_status()
    cookie = "; ".join(f"{k}={v}" for k, v in reply.cookies.items())
    client.cookies.clear()
    return {"Cookie": cookie, "X-CSRF-Token": reply.json()["data"]["csrf_token"]}


def midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), UTC)


async def plain_sql(n: int, sql: str, *args: Any) -> list[float]:
    conn = await asyncpg.connect(dsn())
    try:
        return await timed(lambda: conn.fetch(sql, *args), n)
    finally:
        await conn.close()


async def bench_metrics(runtime: Runtime, get: Callable[..., Call], last: date, n: int) -> None:
    month = {"from_date": (last - timedelta(days=29)).isoformat(), "to_date": last.isoformat()}
    clear = runtime.cache.invalidate_metrics
    start = midnight(last - timedelta(days=29))
    end = start + timedelta(days=30)
    plain = await plain_sql(max(3, n // 10), BASELINE_OVERVIEW, start, end, start - (end - start))
    overview = get("/metrics/overview", **month)
    trends = get("/metrics/trends", **month, granularity="hour")
    await timed(overview, 3, clear)  # warm buffers and plans
    times = await timed(overview, n, clear)
    target = "≤ 100 ms and ≥ 20× faster than the plain GROUP BY"
    report("overview_30d_uncached_p50", pct(times, 0.5), "ms", pct(plain, 0.5), "-")
    report("overview_30d_uncached_p95", pct(times, 0.95), "ms", pct(plain, 0.95), target)
    times = await timed(overview, n)
    report("overview_30d_cached_p95", pct(times, 0.95), "ms", None, "≤ 10 ms")
    await timed(trends, 3, clear)
    times = await timed(trends, n, clear)
    report("trends_hour_30d_uncached_p50", pct(times, 0.5), "ms", None, "-")
    report("trends_hour_30d_uncached_p95", pct(times, 0.95), "ms", None, "-")
    times = await timed(trends, n)
    report("trends_hour_30d_cached_p95", pct(times, 0.95), "ms", None, "≤ 10 ms")


async def bench_list(get: Callable[..., Call], last: date, n: int) -> None:
    week = {"from_date": (last - timedelta(days=6)).isoformat(), "to_date": last.isoformat()}
    month = {"from_date": (last - timedelta(days=29)).isoformat(), "to_date": last.isoformat()}
    start, end = midnight(last - timedelta(days=6)), midnight(last + timedelta(days=1))
    conn = await asyncpg.connect(dsn())
    try:

        async def naive() -> None:  # an exact COUNT(*) and the page, as a plain list would
            await conn.fetchval(BASELINE_COUNT, "vima", "success", start, end)
            await conn.fetch(BASELINE_PAGE, "vima", "success", start, end)

        plain = await timed(naive, max(3, n // 10))
    finally:
        await conn.close()
    listing = get("/transactions", source="vima", status="success", **week)
    await timed(listing, 3)
    times = await timed(listing, n)
    report("list_page1_filtered_p95", pct(times, 0.95), "ms", pct(plain, 0.95), "≤ 50 ms")
    for label, params in [
        ("list_page1_unfiltered_p95", {}),
        ("list_page1_search_p95", {"search": "user4242@example.com"}),
        ("list_page1_project_30d_p95", {"project": "monetix", **month}),
    ]:
        call = get("/transactions", **params)
        await timed(call, 2)
        report(label, pct(await timed(call, n), 0.95), "ms", None, "≤ 50 ms")


async def bench_api(last: date, n: int) -> None:
    settings = load_settings(redis_key_prefix=PREFIX, _env_file=None)
    runtime = await open_runtime(settings, database_url=to_asyncpg_url(dsn()), redis_url=REDIS_URL)
    transport = httpx.ASGITransport(app=create_app(settings, runtime=runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        headers = await sign_in(client)

        def get(path: str, **params: Any) -> Call:
            async def call() -> None:
                reply = await client.get(f"/api/v1{path}", params=params, headers=headers)
                assert reply.status_code == 200, reply.text[:300]

            return call

        await bench_metrics(runtime, get, last, n)
        await bench_list(get, last, n)
    await runtime.cache.delete_pattern("*")
    await runtime.close()


def export_range(counts: list[tuple[date, int]], cap: int) -> tuple[date, date, int]:
    """The most recent run of whole days whose rows fit under the export cap."""
    total, first = 0, counts[-1][0]
    for day, count in reversed(counts):
        if total + count > cap:
            break
        total, first = total + count, day
    return first, counts[-1][0], total


async def bare_copy_rate(first: date, to: date, rows: int) -> float:
    conn = await asyncpg.connect(dsn())
    try:

        async def discard(_: bytes) -> None:
            return None

        started = time.perf_counter()
        await conn.copy_from_query(
            f"SELECT {COLUMNS} FROM transactions WHERE created_at >= $1 AND created_at < $2 "
            "ORDER BY created_at DESC, id DESC",
            midnight(first),
            midnight(to + timedelta(days=1)),
            output=discard,
            format="csv",
        )
        return rows / (time.perf_counter() - started)
    finally:
        await conn.close()


def start_server() -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": dsn(),
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": PREFIX,
        "EXPORT_MAX_ROWS": str(EXPORT_CAP),
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "uvicorn", "psp_dashboard.main:create_app", "--factory"]
    command += ["--port", str(PORT), "--log-level", "warning", "--no-access-log"]
    return subprocess.Popen(command, cwd=BACKEND, env=env)


async def forget_sessions() -> None:
    """The server's sign-in left session keys under the bench prefix."""
    settings = load_settings(redis_key_prefix=PREFIX, _env_file=None)
    runtime = await open_runtime(settings, database_url=to_asyncpg_url(dsn()), redis_url=REDIS_URL)
    await runtime.cache.delete_pattern("*")
    await runtime.close()


async def bench_export() -> None:
    conn = await asyncpg.connect(dsn())
    try:
        daily_rows = await conn.fetch(
            "SELECT (bucket AT TIME ZONE 'UTC')::date AS day, sum(count)::bigint AS n "
            "FROM transaction_rollup GROUP BY 1 ORDER BY 1"
        )
    finally:
        await conn.close()
    first, to, rows = export_range([(r["day"], r["n"]) for r in daily_rows], EXPORT_CAP)
    await bare_copy_rate(first, to, rows)  # warm the cache for both
    bare = await bare_copy_rate(first, to, rows)
    server = start_server()
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{PORT}", timeout=600) as client:
            for _ in range(150):
                try:
                    if (await client.get("/api/v1/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
            headers = await sign_in(client)
            params = {"from_date": first.isoformat(), "to_date": to.isoformat()}
            received = lines = 0
            started = time.perf_counter()
            async with client.stream(
                "GET", "/api/v1/export/transactions", params=params, headers=headers
            ) as reply:
                assert reply.status_code == 200, await reply.aread()
                async for chunk in reply.aiter_bytes():
                    received += len(chunk)
                    lines += chunk.count(b"\n")
            elapsed = time.perf_counter() - started
        status = await asyncio.to_thread(Path(f"/proc/{server.pid}/status").read_text)
        peak_kb = int(next(x for x in status.splitlines() if x.startswith("VmHWM")).split()[1])
    finally:
        server.terminate()
        server.wait(timeout=30)
        await forget_sessions()
    assert lines - 1 == rows, (lines, rows)
    print(f"export: {rows:,} rows ({first}..{to}), {received / 1e6:,.0f} MB in {elapsed:.1f} s")
    target = "≥ 100,000 rows/s and ≥ 0.5× bare COPY"
    report("csv_export_rate", rows / elapsed, "rows/s", bare, target, rate=True)
    report("csv_export_peak_rss", peak_kb / 1024, "MB", None, "< 300 MB for 1M rows")


async def prepare(rows: int, days: int, reseed: bool) -> date:
    if reseed or await seeded_rows(dsn()) != rows:
        await seed(ADMIN_DSN, dsn(), DB_NAME, rows, days, datetime.now(UTC).date())
    else:
        print(f"reusing {DB_NAME} ({rows:,} rows)")
    conn = await asyncpg.connect(dsn())
    try:
        await ensure_daily(conn)
        await conn.execute(
            "INSERT INTO users (email, password_hash, role) VALUES ($1, $2, 'admin') "
            "ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash",
            EMAIL,
            hash_password(PASSWORD),
        )
        return (await conn.fetchval("SELECT max(created_at) FROM transactions")).date()
    finally:
        await conn.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--iterations", type=int, default=50)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--skip-export", action="store_true")
    args = parser.parse_args()
    last = await prepare(args.rows, args.days, args.reseed)
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    await bench_api(last, args.iterations)
    if not args.skip_export:
        await bench_export()
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print()
    for result in RESULTS:
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
