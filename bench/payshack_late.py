"""Late status changes at 1,000,000 pay-ins a day: pages one incremental run reads
(its window + the late-change sweep) vs the pages a full re-read of the horizon takes.

    cd backend && uv run python ../bench/payshack_late.py [--per-day 1000000]

Steady state, in one run and one database (`psp_bench_late`, created and dropped):
- the sandbox serves a world of `--days` full days (about 65 % of the payments are
  PayShack pay-ins, ~5 % of them still open), in its own process, over HTTP;
- our database holds what earlier runs stored: every pay-in still open in the last
  `--days` days (what the sweep compares against) and the watermark of the newest one;
- the world then moves on one sync interval (`--interval-minutes`): new pay-ins, and
  late changes — pendings settled 2 h to 3 days after creation (`--late-settle`) and
  successes refunded (`--late-refund`);
- one incremental run (`run_sync`, api transport, no politeness pause) reads it.
Counted: the requests the run made to the provider (the sandbox's own counter), split
into window pages, sweep pages and look-ups; every late change must be in our database
afterwards. Baseline, same run: the pages a full re-read of the horizon (newest
createdAt − 3 days, open end, 100 rows a page) takes, from the listing's own row count.
The browser transport re-reads the horizon whole (its page may have no status filter):
its figure is the baseline plus its window, printed for the record.

Target (issue #13): ≥ 10 × fewer pages than the full re-read, through the api transport.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import multiprocessing
import os
import sys
import time
from datetime import UTC, date, datetime, timedelta
from multiprocessing.connection import Connection
from typing import Any

import asyncpg
import httpx
from pydantic import SecretStr
from sqlalchemy import text

from psp_dashboard import migrate
from psp_dashboard.config import load_settings
from psp_dashboard.runtime import open_runtime
from psp_dashboard.sandbox.clients import Directory
from psp_dashboard.sandbox.config import DiscrepancyRates, SandboxConfig, WorldConfig
from psp_dashboard.sandbox.payshack_render import render_payin
from psp_dashboard.sandbox.testing import sandbox_thread
from psp_dashboard.sandbox.world import World
from psp_dashboard.sync.connectors.payshack.listing import WATERMARK
from psp_dashboard.sync.connectors.payshack.normalize import normalize_payshack
from psp_dashboard.sync.pipeline import run_sync
from psp_dashboard.sync.records import RecordRejected
from psp_dashboard.sync.sources import SourceEndpoints, payshack_api_connector
from psp_dashboard.sync.state import save_checkpoint
from psp_dashboard.sync.upsert import upsert_transactions

ADMIN_DSN = os.environ.get("BENCH_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
DB = "psp_bench_late"
START = date(2026, 3, 1)
PAGE = 100
HORIZON = timedelta(days=3)


def world_config(per_day: int, days: int) -> WorldConfig:
    # No injected discrepancies: their time-displaced pay-ins land up to 3 h past the
    # world's last day, which would leave the window of the measured run nearly empty.
    return WorldConfig(seed=13, start=START, days=days, per_day=per_day, bad_record_rate=0,
                       discrepancies=DiscrepancyRates.none())  # fmt: skip


def step(per_day: int, minutes: int, settle: int, refund: int) -> dict[str, Any]:
    """One sync interval of the world, as the admin API takes it (applied to both the
    served world and this process's copy: the world is a pure function of its calls)."""
    return {
        "new": per_day * minutes // (24 * 60), "minutes": minutes,
        "settle_aged": settle, "refund_aged": refund,
        "min_age_minutes": 120, "max_age_minutes": 3 * 24 * 60 - 60,
    }  # fmt: skip


def apply_step(world: World, body: dict[str, Any]) -> tuple[list[int], list[int]]:
    world.advance(new=body["new"], at=world.clock + timedelta(minutes=body["minutes"]))
    return world.change_aged(
        settle=body["settle_aged"],
        refund=body["refund_aged"],
        min_age=timedelta(minutes=body["min_age_minutes"]),
        max_age=timedelta(minutes=body["max_age_minutes"]),
    )


def serve(config: WorldConfig, pipe: Connection) -> None:
    """Child process: the sandbox, until the parent says stop."""
    with sandbox_thread(SandboxConfig(world=config)) as sb:
        creds = sb.credentials
        pipe.send((sb.payshack_base_url, creds.payshack_email, creds.payshack_pass))
        pipe.recv()


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def open_payins(world: World, directory: Directory, since_ms: int) -> list[dict[str, Any]]:
    """Rendered pay-ins created since then whose status is still open (pending)."""
    rows = []
    for pos in world.ps_positions_between(since_ms, None):
        entry = world.ps_order[pos]
        if world.statuses.payshack_normalized(world.ps_pos_status[pos]) != "pending":
            continue
        facts = world.payin_facts(entry)
        if facts is not None:
            rows.append(render_payin(world, directory, facts))
    return rows


async def wrong_after_run(
    runtime: Any, world: World, directory: Directory, entries: list[int]
) -> list[str]:
    """txnIds of changed pay-ins whose stored status is not the provider's now."""
    expected = {}
    for entry in entries:
        facts = world.payin_facts(entry)
        if facts is not None:
            row = render_payin(world, directory, facts)
            expected[row["txnId"]] = row["txnStatus"]
    async with runtime.engine.connect() as conn:
        stored = dict(
            (
                await conn.execute(
                    text(
                        "SELECT source_id, original_status FROM transactions "
                        "WHERE source = 'payshack' AND source_id = ANY(:ids)"
                    ),
                    {"ids": list(expected)},
                )
            ).all()
        )
    return [t for t, status in expected.items() if stored.get(t) != status]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-day", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=4)
    parser.add_argument("--interval-minutes", type=int, default=5)
    parser.add_argument("--late-settle", type=int, default=20)
    parser.add_argument("--late-refund", type=int, default=5)
    args = parser.parse_args()
    config = world_config(args.per_day, args.days)

    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    server = ctx.Process(target=serve, args=(config, child), daemon=True)
    server.start()
    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DB}"')
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{DB}"
    await asyncio.to_thread(migrate.upgrade, url)
    settings = load_settings(_env_file=None).model_copy(
        update={"payshack_page_pause_ms": 0, "payshack_late_change_max_pages": 1_000_000}
    )
    runtime = await open_runtime(settings, database_url=url, redis_url="redis://127.0.0.1:6379/0")
    try:
        base, email, password = parent.recv()
        world = World(config)  # the same world as the one served
        directory = Directory(world.seed)
        newest = world.ps_time_ms(world.ps_order[-1])
        built = time.perf_counter()
        since = newest - int(HORIZON.total_seconds() * 1000) - 86_400_000
        seed_rows = open_payins(world, directory, since)
        good = []
        for raw in seed_rows:
            try:
                good.append(normalize_payshack(raw))
            except RecordRejected:
                continue
        async with runtime.engine.begin() as conn:
            for first in range(0, len(good), 5000):
                await upsert_transactions(conn, good[first : first + 5000], months_ahead=1)
            mark = datetime.fromtimestamp(newest / 1000, UTC).isoformat()
            await save_checkpoint(conn, "payshack", {WATERMARK: mark}, 0)
        print(f"world: {len(world):,} payments, {len(world.ps_order):,} pay-ins; seeded "
              f"{len(good):,} open pay-ins in {time.perf_counter() - built:.0f} s (not timed)",
              file=sys.stderr)  # fmt: skip

        body = step(args.per_day, args.interval_minutes, args.late_settle, args.late_refund)
        async with httpx.AsyncClient(base_url=base, timeout=120) as http:
            served = (await http.post("/_sandbox/advance", json=body)).json()
            settled, refunded = apply_step(world, body)
            assert served["settled_aged"] == len(settled), (served, len(settled))
            before = (await http.get("/_sandbox/faults")).json()["payshack"]["requests"]
            endpoints = SourceEndpoints(
                payshack_base_url=base, payshack_api_url=base,
                payshack_email=SecretStr(email), payshack_password=SecretStr(password),
            )  # fmt: skip
            connector = payshack_api_connector(settings, endpoints, runtime.cache, runtime.engine)
            started = time.perf_counter()
            result = await run_sync(runtime, connector)
            seconds = time.perf_counter() - started
            after = (await http.get("/_sandbox/faults")).json()["payshack"]["requests"]
        wrong = await wrong_after_run(runtime, world, directory, settled + refunded)
    finally:
        parent.send("stop")
        server.join(timeout=30)
        await runtime.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        await admin.close()
    if result.status != "success":
        raise SystemExit(f"the incremental run ended {result.status}: {result.error}")
    if wrong:
        raise SystemExit(f"{len(wrong)} late changes are not stored: {wrong[:5]}")
    # The run's own reports: how many pages each part read.
    sweep = connector.last_sweep
    assert sweep is not None
    requests = after - before
    window_pages = requests - sweep.pages_used - sweep.lookups
    newest_now = world.ps_time_ms(world.ps_order[-1])
    horizon_rows = len(world.ps_positions_between(newest_now - int(HORIZON.total_seconds() * 1000),
                                                  None))  # fmt: skip
    full_pages = math.ceil(horizon_rows / PAGE)
    print(
        f"late changes: {len(settled)} pendings settled, {len(refunded)} refunds "
        f"(2 h – 3 days after creation), every one stored as the provider has it now",
        file=sys.stderr,
    )
    print(f"incremental run: {requests:,} requests = {window_pages:,} window pages + "
          f"{sweep.pages_used:,} sweep pages + {sweep.lookups:,} look-ups, {seconds:.1f} s; "
          f"{result.counts.updated:,} rows updated", file=sys.stderr)  # fmt: skip
    print(
        f"full re-read of the horizon: {horizon_rows:,} pay-ins = {full_pages:,} pages",
        file=sys.stderr,
    )
    print(f"browser transport (no status filter): ≈ {window_pages + full_pages:,} pages per run "
          f"(window + the horizon re-read whole)", file=sys.stderr)  # fmt: skip
    ratio = full_pages / requests
    print(json.dumps({
        "bench": "payshack_late_change_pages", "value": requests, "unit": "pages per run",
        "baseline": full_pages, "ratio": round(ratio, 2),
        "target": "≥ 10× fewer pages than a full re-read of the horizon (api transport)",
    }, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
