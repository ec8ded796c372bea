"""The daily rollup level (migration 0005): kept exact by its trigger, and read for whole
UTC days while partial days come from the 30-minute rollup."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from tests.api import daily_level
from tests.api.conftest import Api
from tests.api.factory import load, make_transaction, random_dataset


async def test_trigger_keeps_the_daily_level_exact(clean_db: Runtime) -> None:
    rows = random_dataset(41, date(2026, 3, 1), 3, 300)
    await load(clean_db, rows)
    assert await daily_level.mismatches(clean_db) == 0
    changed = [
        replace(r, status="failed", raw_data={**r.raw_data, "late": True}) for r in rows[:40]
    ]
    moved = [  # a row that moves to another project and currency
        replace(r, project="elsewhere", currency="USD", raw_data={**r.raw_data, "m": 1})
        for r in rows[40:45]
    ]
    await load(clean_db, changed + moved)
    assert await daily_level.mismatches(clean_db) == 0
    async with clean_db.engine.begin() as conn:
        await conn.execute(text("DELETE FROM transaction_rollup WHERE source = 'vima'"))
    assert await daily_level.mismatches(clean_db) == 0
    async with clean_db.engine.begin() as conn:
        await conn.execute(text("TRUNCATE transaction_rollup"))
        left = (await conn.execute(text("SELECT count(*) FROM transaction_rollup_daily"))).scalar()
    assert left == 0


async def test_whole_utc_days_are_read_from_the_daily_level(clean_db: Runtime, api: Api) -> None:
    rng = random.Random(5)
    at = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)  # 11 March 01:30 IST
    same = {"source": "vima", "project": "91game", "status": "success"}  # one daily row
    await load(
        clean_db, [make_transaction(rng, i, at + timedelta(minutes=i), **same) for i in range(4)]
    )
    async with clean_db.engine.begin() as conn:  # make the daily level visibly different
        await conn.execute(text("UPDATE transaction_rollup_daily SET count = count + 1000"))
    await clean_db.cache.invalidate_metrics()
    utc = await api.data("/metrics/overview", from_date="2026-03-10", to_date="2026-03-10")
    assert utc["total"]["count"] == 1004  # a whole UTC day: the daily row
    ist = await api.data(
        "/metrics/overview", from_date="2026-03-11", to_date="2026-03-11", timezone="Asia/Kolkata"
    )
    assert ist["total"]["count"] == 4  # no whole UTC day inside: the 30-minute buckets
    listing = (await api.get("/transactions", from_date="2026-03-10", to_date="2026-03-10")).json()
    assert listing["meta"]["total"] == 1004
