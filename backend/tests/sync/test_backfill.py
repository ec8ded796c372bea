"""Backfill by day shards: equals truth, leaves the incremental cursor alone, resumes."""

from __future__ import annotations

import json
import signal

from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.testing import SandboxHandle
from psp_dashboard.sync.backfill import create_backfill, run_backfill
from tests.sync.conftest import SMALL_WORLD, assert_matches_truth
from tests.sync.test_crash_safety import _sync_process

FIRST = SMALL_WORLD.start
# Counterparts and skewed times can spill past the world's last day.
LAST = SMALL_WORLD.start.replace(day=SMALL_WORLD.start.day + SMALL_WORLD.days)


async def test_backfill_equals_truth_without_touching_the_cursor(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    for source in ("vima", "payshack"):
        backfill_id = await create_backfill(wired, source, FIRST, LAST, "test")
        result = await run_backfill(wired, backfill_id)
        assert result.status == "success", result.error
        await assert_matches_truth(wired, sandbox, source)  # type: ignore[arg-type]
    async with wired.engine.connect() as conn:
        state = (
            await conn.execute(
                text(
                    "SELECT last_create_cursor, last_update_cursor, watermark "
                    "FROM sync_state ORDER BY source"
                )
            )
        ).all()
        shards = (
            await conn.execute(text("SELECT shards FROM sync_backfills WHERE source = 'vima'"))
        ).scalar_one()
    # vima, payshack and payshack_payouts (the pay-out stream, 0013): none moved.
    assert state == [(None, None, None)] * 3
    assert len(shards) == (LAST - FIRST).days + 1
    assert all(shard["done"] for shard in shards.values())


async def test_killed_backfill_resumes_from_its_shards(
    clean_db: Runtime, sandbox: SandboxHandle
) -> None:
    killed = _sync_process(
        clean_db, sandbox, "--backfill", FIRST.isoformat(), LAST.isoformat(), crash_at="after:2"
    )
    killed.communicate(timeout=120)
    assert killed.returncode == -signal.SIGKILL
    async with clean_db.engine.connect() as conn:
        backfill_id, shards = (
            await conn.execute(text("SELECT id, shards FROM sync_backfills"))
        ).one()
    assert any(shard["checkpoint"] for shard in shards.values()), shards

    resumed = _sync_process(clean_db, sandbox, "--resume", str(backfill_id))
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    assert report["status"] == "success"
    total_ops = sum(1 for _ in sandbox.world.vima_entries())
    assert report["fetched"] < total_ops, "finished pages were fetched again"
    await assert_matches_truth(clean_db, sandbox, "vima")


async def test_a_payshack_day_that_cannot_be_shown_whole_stays_to_do(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    wired.settings = wired.settings.model_copy(update={"payshack_page_pause_ms": 0})
    sandbox.faults.payshack.update(drop_last_pages=1)
    backfill_id = await create_backfill(wired, "payshack", FIRST, FIRST, "test")
    result = await run_backfill(wired, backfill_id)
    assert result.status == "incomplete" and result.error is not None
    assert "INCOMPLETE" in result.error
    async with wired.engine.connect() as conn:
        status, shards = (
            await conn.execute(
                text("SELECT status, shards FROM sync_backfills WHERE id = :i"), {"i": backfill_id}
            )
        ).one()
    (shard,) = shards.values()
    assert status == "incomplete" and shard["done"] is False
    (short,) = shard["incomplete"]
    assert short["expected"] > short["read"]
    sandbox.faults.payshack.update(drop_last_pages=0)
    resumed = await run_backfill(wired, backfill_id)  # the day is read again, whole
    assert resumed.status == "success", resumed.error
