"""Ingestion throughput: normalize + upsert vs a bare COPY of the same rows.

    cd backend && uv run python ../bench/ingest.py [--rows 1000000] [--http-rows 50000]

Generates N Vima operations in memory (the sandbox world's renderer, no HTTP), then in
one run and one database (`psp_bench_ingest`, created and dropped):
  1. pipeline, fresh load: normalize + hash + COPY-to-stage + upsert (+ rollup) into an
     empty table;
  2. pipeline, no-change re-sync of the same rows into the full table;
  3. baseline: COPY of the same already-normalized rows into the same (emptied) table.
Generation time is excluded everywhere: the pages are built first (in memory, about
4 KB per operation), then fed through `run_sync` by an in-memory connector.
Also prints an end-to-end sandbox sync over HTTP.
Targets (issue #4): fresh ≥ 0.5 × COPY rate; re-sync ≥ 2 × faster than the fresh load.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import AsyncGenerator, Iterator, Mapping
from datetime import date
from typing import Any

import asyncpg
from sqlalchemy import text

from psp_dashboard import migrate
from psp_dashboard.config import load_settings
from psp_dashboard.partitions import ensure_partitions
from psp_dashboard.runtime import Runtime, open_runtime
from psp_dashboard.sandbox.config import SandboxConfig, WorldConfig
from psp_dashboard.sandbox.testing import sandbox_thread
from psp_dashboard.sandbox.vima_render import render_vima
from psp_dashboard.sandbox.world import World
from psp_dashboard.sync.connectors.base import RawPage
from psp_dashboard.sync.connectors.vima.client import VimaConnector
from psp_dashboard.sync.connectors.vima.normalize import normalize_vima
from psp_dashboard.sync.pipeline import run_sync
from psp_dashboard.sync.records import NormalizedTransaction, RecordRejected, Source
from psp_dashboard.sync.upsert import COLUMNS, canonical_json, data_hash, to_record

ADMIN_DSN = os.environ.get("BENCH_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
DB = "psp_bench_ingest"
CHUNK = 5000


def raw_chunks(world: World, limit: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    produced = 0
    for entry in range(len(world)):
        facts = world.vima_facts(entry)
        if facts is None:
            continue
        chunk.append(render_vima(world, facts))
        produced += 1
        if len(chunk) == CHUNK or produced == limit:
            yield chunk
            chunk = []
        if produced == limit:
            return
    if chunk:
        yield chunk


def _paged(chunk: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    return [chunk[i : i + 100] for i in range(0, len(chunk), 100)]


def normalize_all(raws: list[dict[str, Any]]) -> list[NormalizedTransaction]:
    rows = []
    for raw in raws:
        try:
            rows.append(normalize_vima(raw))
        except RecordRejected:
            continue
    return rows


class MemoryConnector:
    """The Vima connector's contract over pages already in memory: no HTTP, no generation."""

    source: Source = "vima"

    def __init__(self, pages: list[list[dict[str, Any]]]) -> None:
        self._pages = pages

    def normalize(self, raw: dict[str, Any]) -> NormalizedTransaction:
        return normalize_vima(raw)

    async def pages(self, state: Mapping[str, str]) -> AsyncGenerator[RawPage, None]:
        for number, records in enumerate(self._pages, 1):
            yield RawPage(records, {"last_create_cursor": str(number)}, number, "create")


async def pipeline_pass(runtime: Runtime, pages: list[list[dict[str, Any]]]) -> tuple[float, int]:
    """Seconds of a full pipeline run (normalize, hash, upsert, rollup, checkpoints)."""
    started = time.perf_counter()
    result = await run_sync(runtime, MemoryConnector(pages), batch_rows=CHUNK)
    assert result.status == "success", result.error
    return time.perf_counter() - started, result.counts.fetched


async def copy_pass(runtime: Runtime, pages: list[list[dict[str, Any]]]) -> tuple[float, int]:
    """Seconds spent in COPY of already-normalized rows (normalizing excluded)."""
    spent, copied = 0.0, 0
    for start in range(0, len(pages), CHUNK // 100):
        raws = [r for page in pages[start : start + CHUNK // 100] for r in page]
        records = []
        for row in normalize_all(raws):
            raw_text = canonical_json(row.raw_data)
            records.append(to_record(row, raw_text, data_hash(raw_text)))
        async with runtime.engine.begin() as conn:
            at = COLUMNS.index("created_at")  # not a fixed position: columns get added
            await ensure_partitions(conn, {r[at] for r in records})
            driver = (await conn.get_raw_connection()).driver_connection
            assert driver is not None
            started = time.perf_counter()
            await driver.copy_records_to_table("transactions", records=records, columns=COLUMNS)
            spent += time.perf_counter() - started
        copied += len(records)
    return spent, copied


async def http_sync(runtime: Runtime, rows: int) -> tuple[float, int]:
    config = SandboxConfig(world=WorldConfig(seed=5, start=date(2026, 2, 1), days=1, per_day=rows))
    with sandbox_thread(config) as sandbox:
        connector = VimaConnector(
            sandbox.vima_base_url, sandbox.credentials.vima_apikey, max_pages_per_run=100_000
        )
        started = time.perf_counter()
        result = await run_sync(runtime, connector)
        return time.perf_counter() - started, result.counts.fetched


async def reset(runtime: Runtime) -> None:
    async with runtime.engine.begin() as conn:
        await conn.execute(text("TRUNCATE transactions, transaction_rollup, quarantine"))
        await conn.execute(text("UPDATE sync_state SET checkpoint = '{}'::jsonb"))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--http-rows", type=int, default=50_000)
    args = parser.parse_args()

    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    await admin.execute(f'CREATE DATABASE "{DB}"')
    url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{DB}"
    await asyncio.to_thread(migrate.upgrade, url)
    settings = load_settings(_env_file=None)
    runtime = await open_runtime(settings, database_url=url, redis_url="redis://127.0.0.1:6379/0")
    try:
        # Ops per day is set so the world has at least --rows Vima operations.
        per_day = int(args.rows * 1.35) + 1000
        world = World(
            WorldConfig(seed=3, start=date(2026, 3, 1), days=1, per_day=per_day, bad_record_rate=0)
        )
        generated = time.perf_counter()
        pages = [r for chunk in raw_chunks(world, args.rows) for r in _paged(chunk)]
        print(f"generated {args.rows:,} operations in {time.perf_counter() - generated:.0f} s "
              "(not timed)", file=sys.stderr)  # fmt: skip
        fresh_s, n = await pipeline_pass(runtime, pages)
        resync_s, _ = await pipeline_pass(runtime, pages)
        await reset(runtime)
        copy_s, copied = await copy_pass(runtime, pages)
        await reset(runtime)
        http_s, http_n = await http_sync(runtime, args.http_rows)
    finally:
        await runtime.close()
        await admin.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        await admin.close()

    fresh_rate, copy_rate = n / fresh_s, copied / copy_s
    resync_rate, http_rate = n / resync_s, http_n / http_s
    print(f"rows: {n:,}", file=sys.stderr)
    print(f"pipeline fresh load : {fresh_rate:,.0f} records/s ({fresh_s:.1f} s)", file=sys.stderr)
    print(f"pipeline no-change  : {resync_rate:,.0f} records/s ({resync_s:.1f} s)", file=sys.stderr)
    print(f"baseline bare COPY  : {copy_rate:,.0f} records/s ({copy_s:.1f} s)", file=sys.stderr)
    print(f"sandbox sync (HTTP) : {http_rate:,.0f} records/s ({http_n:,} records)", file=sys.stderr)
    lines = [
        {"bench": "ingest_fresh_vs_copy", "value": round(fresh_rate), "unit": "records/s",
         "baseline": round(copy_rate), "ratio": round(fresh_rate / copy_rate, 3),
         "target": ">= 0.5"},
        {"bench": "ingest_resync_vs_fresh", "value": round(resync_s, 2), "unit": "s",
         "baseline": round(fresh_s, 2), "ratio": round(fresh_s / resync_s, 3),
         "target": ">= 2"},
        {"bench": "ingest_http_sync", "value": round(http_rate), "unit": "records/s",
         "baseline": round(fresh_rate), "ratio": round(http_rate / fresh_rate, 3),
         "target": "report"},
    ]  # fmt: skip
    for line in lines:
        print(json.dumps(line))


if __name__ == "__main__":
    asyncio.run(main())
