"""PayShack (API transport) through the real pipeline against the sandbox over HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from psp_dashboard.jobs import build_worker
from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.config import SandboxConfig, WorldConfig
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sync.jobs import reread_payshack
from psp_dashboard.sync.service import sync_source
from tests.support.runtime import runtime_with
from tests.sync.conftest import (
    assert_matches_truth,
    db_totals,
    endpoints_for,
    truth_bad_locators,
    truth_totals,
)


async def test_full_sync_equals_truth_then_rerun_changes_nothing(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    wired.settings = wired.settings.model_copy(update={"payshack_page_pause_ms": 0})
    first = await sync_source(wired, "payshack")
    assert first.status == "success", first.error
    await assert_matches_truth(wired, sandbox, "payshack")
    async with wired.engine.connect() as conn:
        watermark = (
            await conn.execute(text("SELECT watermark FROM sync_state WHERE source='payshack'"))
        ).scalar_one()
        quarantined = (
            await conn.execute(text("SELECT COUNT(*) FROM quarantine WHERE source = 'payshack'"))
        ).scalar_one()
    assert watermark is not None
    assert quarantined == len(truth_bad_locators(sandbox, "payshack"))
    again = await sync_source(wired, "payshack")
    assert again.status == "success", again.error
    assert (again.counts.inserted, again.counts.updated) == (0, 0)


@contextmanager
def recent_world(
    runtime: Runtime, seed: int, per_day: int, **settings: Any
) -> Iterator[SandboxHandle]:
    """A sandbox of yesterday and today up to now (incremental windows are wall-clock
    based), wired into `runtime` with these settings for the duration."""
    now = datetime.now(UTC)
    world = WorldConfig(seed=seed, start=now.date() - timedelta(days=1), days=2,
                        per_day=per_day, end_at=now)  # fmt: skip
    with (
        sandbox_thread(SandboxConfig(world=world)) as handle,
        runtime_with(
            runtime,
            endpoints=endpoints_for(handle),
            settings={"payshack_page_pause_ms": 0, **settings},
        ),
    ):
        yield handle


async def test_new_payins_and_late_status_changes_inside_overlap_are_applied(
    clean_db: Runtime,
) -> None:
    # The overlap (3 days) covers the whole world, so every settled pending lies inside it.
    with recent_world(clean_db, 11, 600, payshack_overlap_minutes=3 * 24 * 60) as recent:
        await sync_source(clean_db, "payshack")
        recent.world.advance(new=30, settle=60)
        result = await sync_source(clean_db, "payshack")
        assert result.status == "success", result.error
        assert result.counts.inserted > 0
        assert result.counts.updated > 0
        await assert_matches_truth(clean_db, recent, "payshack")


async def test_the_daily_reread_applies_status_changes_older_than_the_overlap(
    clean_db: Runtime,
) -> None:
    """With the late-change sweep off, the incremental sync re-reads only its overlap
    (1 h here): pendings of yesterday settled later are missed by it and caught by the
    daily re-read of the last days."""
    with recent_world(
        clean_db, 23, 400, payshack_overlap_minutes=60, payshack_reread_days=2,
        payshack_late_change_days=0,
    ) as recent:  # fmt: skip
        assert (await sync_source(clean_db, "payshack")).status == "success"
        # The oldest pendings (yesterday's) settle: outside the 1 h overlap.
        settled = len(recent.world.advance(settle=40).settled)
        assert settled > 0
        incremental = await sync_source(clean_db, "payshack")
        assert incremental.status == "success", incremental.error
        async with clean_db.engine.connect() as conn:
            stale = await db_totals(conn, "payshack")
        assert stale != truth_totals(recent, "payshack")  # what the limit looks like
        result = await reread_payshack(clean_db)
        assert result is not None and result.status == "success", result
        # Some settled entries were Vima-side pendings: PayShack rows updated are fewer.
        assert 0 < result.counts.updated <= settled
        await assert_matches_truth(clean_db, recent, "payshack")


async def test_the_reread_is_off_with_zero_days(wired: Runtime) -> None:
    wired.settings = wired.settings.model_copy(
        update={"payshack_reread_days": 0, "payshack_reread_refund_days": 0}
    )
    assert await reread_payshack(wired) is None
    jobs = build_worker(wired).job_ids()
    assert "payshack:reread" not in jobs and "recon:daily" in jobs


async def test_the_reread_runs_once_however_many_workers_fire_it(wired: Runtime) -> None:
    wired.settings = wired.settings.model_copy(update={"payshack_page_pause_ms": 0})
    assert (await sync_source(wired, "payshack")).status == "success"
    # Two workers' schedulers fire at the same minute: one reads, the other waits for
    # the source's lock and then finds today's re-read done.
    first, second = await asyncio.gather(reread_payshack(wired), reread_payshack(wired))
    assert first is not None and second is not None
    assert sorted([first.status, second.status]) == ["skipped", "success"]
    async with wired.engine.connect() as conn:
        runs = (
            await conn.execute(text("SELECT COUNT(*) FROM sync_runs WHERE kind = 'reread'"))
        ).scalar_one()
    assert runs == 1
