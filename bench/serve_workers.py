"""Read throughput of `psp serve --workers 2` vs `--workers 1` (issue #18).

    cd backend && uv run python ../bench/serve_workers.py
    cd backend && uv run python ../bench/serve_workers.py --seconds 20 --concurrency 16

Seeds (or reuses) `psp_bench_serve` with bench/api_seed.py, starts `psp serve` with one
and then two API processes on the same database and Redis, and drives each with the
same bounded load from a separate process: a fixed number of connections (HTTP/1.1
keep-alive, one request at a time each) for a fixed time, cycling through read
endpoints — overview metrics (Redis-cached after the first), a filtered transactions
page, an unfiltered page, and a search. A connection is reopened every
REQUESTS_PER_CONNECTION requests: the processes share one listening socket, and
connections all opened at once could land on one of them. The two configurations are
measured alternately, twice each (machine noise hits both alike); the mean counts.
Counts 200 answers per second. Prints each and the JSON line
{"bench":"serve_workers","value":<rps w2>,"unit":"req/s","baseline":<rps w1>,
"ratio":<w2/w1>,"target":">= 1.5"}.

The load generator is deliberately cheap (raw asyncio streams, only the status line
and Content-Length parsed) but still takes CPU: on a 2-CPU machine it competes with the
server processes and PostgreSQL, which caps the ratio. Report the CPU count with it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

BACKEND = Path(__file__).resolve().parent.parent / "backend"
sys.path[:0] = [str(BACKEND), str(Path(__file__).resolve().parent)]

import asyncpg  # noqa: E402
from api_seed import ensure_daily, seed, seeded_rows  # noqa: E402

from psp_dashboard.auth.passwords import hash_password  # noqa: E402

ADMIN_DSN = os.environ.get("BENCH_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
DB_NAME = "psp_bench_serve"
PREFIX = "bench_serve:"
EMAIL, PASSWORD = "bench@bench.local", "bench-password-123456"
PORT = 18766
REQUESTS_PER_CONNECTION = 25
ROUNDS = 2


def dsn() -> str:
    return ADMIN_DSN.rsplit("/", 1)[0] + f"/{DB_NAME}"


async def prepare(rows: int, days: int) -> str:
    """The seeded database; returns the last seeded day (ISO)."""
    if await seeded_rows(dsn()) != rows:
        await seed(ADMIN_DSN, dsn(), DB_NAME, rows, days, datetime.now(UTC).date())
    else:
        print(f"reusing {DB_NAME} ({rows:,} rows)", flush=True)
    conn = await asyncpg.connect(dsn())
    try:
        await ensure_daily(conn)
        await conn.execute(
            "INSERT INTO users (email, password_hash, role) VALUES ($1, $2, 'admin') "
            "ON CONFLICT (email) DO UPDATE SET password_hash = EXCLUDED.password_hash",
            EMAIL,
            hash_password(PASSWORD),
        )
        last = await conn.fetchval("SELECT max(created_at) FROM transactions")
        return str(last.date().isoformat())
    finally:
        await conn.close()


def paths(last: str) -> list[str]:
    day = datetime.fromisoformat(last).date()
    week = {"from_date": (day - timedelta(days=6)).isoformat(), "to_date": last}
    month = {"from_date": (day - timedelta(days=29)).isoformat(), "to_date": last}
    return [
        "/api/v1/metrics/overview?" + urlencode(month),
        "/api/v1/transactions?" + urlencode({"source": "vima", "status": "success", **week}),
        "/api/v1/transactions",
        "/api/v1/transactions?" + urlencode({"search": "user4242@example.com"}),
    ]


# --- the load generator (run as `serve_workers.py load …`, a process of its own)


async def request(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes
) -> tuple[int, bytes, dict[str, str]]:
    writer.write(raw)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, body, headers


def get(path: str, cookie: str) -> bytes:
    return (
        f"GET {path} HTTP/1.1\r\nHost: bench\r\nCookie: {cookie}\r\n"
        "Accept: application/json\r\n\r\n"
    ).encode()


async def sign_in(port: int) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = json.dumps({"email": EMAIL, "password": PASSWORD}).encode()
    raw = (
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    status, _, headers = await request(reader, writer, raw)
    writer.close()
    assert status == 200, status
    return headers["set-cookie"].split(";", 1)[0]


async def load(port: int, last: str, seconds: float, concurrency: int) -> dict[str, float]:
    cookie = await sign_in(port)
    requests = [get(path, cookie) for path in paths(last)]
    done = errors = 0
    deadline = time.perf_counter() + seconds

    async def client(offset: int) -> None:
        nonlocal done, errors
        i = offset
        while time.perf_counter() < deadline:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            for _ in range(REQUESTS_PER_CONNECTION):
                status, _, _ = await request(reader, writer, requests[i % len(requests)])
                i += 1
                if status == 200:
                    done += 1
                else:
                    errors += 1
                if time.perf_counter() >= deadline:
                    break
            writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {"rps": done / elapsed, "requests": done, "errors": errors, "seconds": elapsed}


# --- the driver


async def wait_healthy(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert server.poll() is None, "the server exited"
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            status, _, _ = await request(
                reader, writer, b"GET /api/v1/health HTTP/1.1\r\nHost: bench\r\n\r\n"
            )
            writer.close()
            if status == 200:
                return
        except (OSError, asyncio.IncompleteReadError):
            pass
        await asyncio.sleep(0.3)  # polling a port nothing announces
    raise TimeoutError("the server did not answer")


async def measure(workers: int, last: str, seconds: float, concurrency: int) -> dict[str, float]:
    env = {
        **os.environ,
        "DATABASE_URL": dsn(),
        "REDIS_URL": REDIS_URL,
        "REDIS_KEY_PREFIX": PREFIX,
        "LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "psp_dashboard.cli", "serve", "--no-migrate"]
    command += ["--port", str(PORT), "--workers", str(workers)]
    server = subprocess.Popen(  # noqa: ASYNC220 -- started once, awaited by polling its port
        command, cwd=BACKEND, env=env, stderr=subprocess.DEVNULL
    )
    try:
        await wait_healthy(PORT, server)
        # Warm both processes' pools, plans and the metrics cache, then measure.
        warm = [sys.executable, __file__, "load", str(PORT), last, "3", str(concurrency)]
        await asyncio.to_thread(subprocess.run, warm, check=True, capture_output=True)
        run = [sys.executable, __file__, "load", str(PORT), last, str(seconds), str(concurrency)]
        out = await asyncio.to_thread(
            subprocess.run, run, check=True, capture_output=True, text=True
        )
        result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    finally:
        server.terminate()
        server.wait(timeout=60)
    print(
        f"--workers {workers}: {result['rps']:,.1f} req/s "
        f"({int(result['requests'])} in {result['seconds']:.1f} s, {int(result['errors'])} errors)",
        flush=True,
    )
    return result


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    last = await prepare(args.rows, args.days)
    print(f"{os.cpu_count()} CPUs; load: {args.concurrency} connections for {args.seconds} s")
    rates: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(ROUNDS):
        for workers in (1, 2):
            measured = await measure(workers, last, args.seconds, args.concurrency)
            rates[workers].append(measured["rps"])
    one, two = (sum(rates[w]) / len(rates[w]) for w in (1, 2))
    result = {
        "bench": "serve_workers",
        "value": round(two, 1),
        "unit": "req/s",
        "baseline": round(one, 1),
        "ratio": round(two / one, 2),
        "target": ">= 1.5",
    }
    print(json.dumps(result))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "load":
        port, last, seconds, concurrency = sys.argv[2:6]
        print(json.dumps(asyncio.run(load(int(port), last, float(seconds), int(concurrency)))))
    else:
        asyncio.run(main())
