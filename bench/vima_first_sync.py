"""Vima's first sync: operations fetched per operation stored (issue #20, point 2).

    cd backend && uv run python ../bench/vima_first_sync.py [--days 30] [--per-day 2000]

The demo's world by default (`psp demo`: 30 days of 2,000 payments a day, seed 1, about
51,000 Vima operations), served by the sandbox over HTTP in this process; one database
(`psp_bench_vima_first`, created and dropped):
  1. the first sync through `run_sync` (the update walk alone), the sandbox counting the
     operations it served: value = served / stored (`transactions` rows of Vima);
  2. baseline, same run and same sandbox: the previous first sync's requests replayed
     (create walk from the start, then the update walk from update id 0, 100 a page, each
     until an empty page), rows counted, not stored again: served / the same stored.
The world stands still (no living mode) so both passes see the same operations.
Target: <= 1.05 operations fetched per operation stored.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
from sqlalchemy import text

from psp_dashboard import migrate
from psp_dashboard.config import load_settings
from psp_dashboard.runtime import open_runtime
from psp_dashboard.sandbox.config import SandboxConfig, WorldConfig
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sync.connectors.vima.client import VimaConnector
from psp_dashboard.sync.pipeline import run_sync

ADMIN_DSN = os.environ.get("BENCH_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
DB = "psp_bench_vima_first"
TARGET = 1.05


async def two_walk_fetched(sandbox: SandboxHandle) -> int:
    """Rows the previous first sync fetched: both walks over everything, as it did."""
    fetched = 0
    params = {"apikey": sandbox.credentials.vima_apikey, "count": "100", "descending": "false"}
    async with httpx.AsyncClient(base_url=sandbox.vima_base_url, timeout=60) as http:
        for cursor_param, field, start in (
            ("from_operation_create_id", "operation_create_id", None),
            ("from_operation_update_id", "operation_update_id", 0),
        ):
            position: int | None = start
            while True:
                query = dict(params)
                if position is not None:
                    query[cursor_param] = str(position)
                response = await http.get("/operation", params=query)
                response.raise_for_status()
                rows = response.json()
                if not rows:
                    break
                fetched += len(rows)
                position = max(int(r[field]) for r in rows)
    return fetched


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DB}"')
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{DB}"
    await asyncio.to_thread(migrate.upgrade, url)
    runtime = await open_runtime(
        load_settings(_env_file=None), database_url=url, redis_url=REDIS_URL
    )
    today = datetime.now(UTC).date()
    world = WorldConfig(
        seed=args.seed,
        start=today - timedelta(days=args.days - 1),
        days=args.days,
        per_day=args.per_day,
        end_at=datetime.now(UTC),
    )
    try:
        built = time.perf_counter()
        with sandbox_thread(SandboxConfig(world=world)) as sandbox:
            print(f"world: {len(sandbox.world):,} payments in "
                  f"{time.perf_counter() - built:.1f} s (not timed)", file=sys.stderr)  # fmt: skip
            served = sandbox.sandbox.vima_served
            served.reset()
            connector = VimaConnector(
                sandbox.vima_base_url, sandbox.credentials.vima_apikey, max_pages_per_run=100_000
            )
            started = time.perf_counter()
            result = await run_sync(runtime, connector, trigger="bench")
            seconds = time.perf_counter() - started
            assert result.status == "success", result.error
            fetched = served.snapshot()
            served.reset()
            old_fetched = await two_walk_fetched(sandbox)
        async with runtime.engine.connect() as conn:
            stored = (
                await conn.execute(text("SELECT COUNT(*) FROM transactions WHERE source='vima'"))
            ).scalar_one()
    finally:
        await runtime.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        await admin.close()

    value = fetched["operations"] / stored
    baseline = old_fetched / stored
    print(f"stored               : {stored:,} operations "
          f"({result.counts.quarantined:,} quarantined)", file=sys.stderr)  # fmt: skip
    print(f"first sync (one walk): {fetched['operations']:,} fetched in "
          f"{fetched['requests']:,} requests, {seconds:.1f} s = {value:.4f} per stored",
          file=sys.stderr)  # fmt: skip
    print(f"old two-walk sync    : {old_fetched:,} fetched = {baseline:.4f} per stored "
          "(replayed in this run)", file=sys.stderr)  # fmt: skip
    line = {"bench": "vima_first_sync", "value": round(value, 4), "unit": "fetched per stored",
            "baseline": round(baseline, 4), "ratio": round(baseline / value, 3),
            "target": f"<= {TARGET} fetched per stored"}  # fmt: skip
    print(json.dumps(line))


if __name__ == "__main__":
    asyncio.run(main())
