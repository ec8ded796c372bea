"""The demo's start-up catch-up: seeded days reconciled once, newest first, with progress."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, time, timedelta

from pydantic import SecretStr
from sqlalchemy import text

from psp_dashboard.reconciliation import catch_up
from psp_dashboard.reconciliation.runs import today_in
from psp_dashboard.sync.sources import SourceEndpoints
from tests.api.conftest import Api
from tests.api.factory import load, make_transaction


async def _seed_days(api: Api, days: int) -> list[str]:
    """Both sources' pay-ins on each of the last `days` days before today (and today)."""
    rng = random.Random(4)
    today = today_in(api.runtime.settings)
    rows = []
    for back in range(days + 1):  # back 0 is today: not to be reconciled yet
        day = today - timedelta(days=back)
        noon = datetime.combine(day, time(12), UTC)
        for n in range(6):
            index = back * 100 + n
            rows.append(make_transaction(rng, index, noon + timedelta(minutes=n), source="vima"))
            rows.append(
                make_transaction(rng, index, noon + timedelta(minutes=n), source="payshack")
            )
    await load(api.runtime, rows)
    return [(today - timedelta(days=b)).isoformat() for b in range(1, days + 1)]


async def _runs_per_day(api: Api) -> dict[str, int]:
    async with api.runtime.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT recon_date, count(*) FROM reconciliation_runs GROUP BY 1")
        )
        return {r[0].isoformat(): int(r[1]) for r in rows}


async def test_catch_up_reconciles_each_past_day_once_across_two_processes(api: Api) -> None:
    days = await _seed_days(api, 3)
    assert (await api.data("/reconciliation/catch-up"))["state"] == "idle"
    assert await catch_up.days_to_reconcile(api.runtime) == [
        datetime.fromisoformat(d).date() for d in days
    ]  # newest first: yesterday is ready first
    stop = asyncio.Event()
    # Two processes starting at once: the advisory lock lets one do the work.
    done = await asyncio.gather(
        catch_up.catch_up(api.runtime, stop), catch_up.catch_up(api.runtime, stop)
    )
    assert sorted(done) == [0, 3]
    assert await _runs_per_day(api) == dict.fromkeys(days, 1)
    progress = await api.data("/reconciliation/catch-up", role="viewer")
    assert progress == {"state": "done", "total_days": 3, "done_days": 3, "current_date": None}
    summary = await api.data("/reconciliation/summary", date=days[0])
    assert summary["date"] == days[0]
    # A restart finds nothing left to do (every day has a current run).
    assert await catch_up.catch_up(api.runtime, stop) == 0
    assert await _runs_per_day(api) == dict.fromkeys(days, 1)


async def test_catch_up_waits_for_the_first_syncs(api: Api) -> None:
    days = await _seed_days(api, 1)
    api.runtime.endpoints = SourceEndpoints(
        vima_base_url="http://127.0.0.1:9", vima_api_key=SecretStr("k")
    )
    try:
        assert not await catch_up.first_syncs_done(api.runtime)
        task = asyncio.create_task(catch_up.catch_up(api.runtime, asyncio.Event()))
        async with asyncio.timeout(30):
            while (await catch_up.read_progress(api.runtime))["state"] != "waiting_for_sync":
                await asyncio.sleep(0.05)  # polling the published state, bounded above
        assert await _runs_per_day(api) == {}
        async with api.runtime.engine.begin() as conn:
            await conn.execute(
                text("UPDATE sync_state SET last_successful_sync = now() WHERE source = 'vima'")
            )
        assert await catch_up.first_syncs_done(api.runtime)
        async with asyncio.timeout(60):
            assert await task == 1
        assert await _runs_per_day(api) == {days[0]: 1}
    finally:
        api.runtime.endpoints = None
