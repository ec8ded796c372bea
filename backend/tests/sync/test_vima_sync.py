"""Vima through the real pipeline against the sandbox over HTTP, checked against truth."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.testing import SandboxHandle
from psp_dashboard.sync.service import sync_source
from psp_dashboard.sync.state import source_lock
from tests.sync.conftest import assert_matches_truth, truth_bad_locators


async def _sync_until_done(runtime: Runtime) -> list[object]:
    results = []
    for _ in range(10):
        result = await sync_source(runtime, "vima")
        results.append(result)
        assert result.status == "success", result.error
        if result.counts.fetched == 0 or result.counts.changed == 0:
            break
    return results


async def test_full_sync_equals_truth_and_quarantines_bad_records(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    result = await sync_source(wired, "vima")
    assert result.status == "success", result.error
    await assert_matches_truth(wired, sandbox, "vima")
    bad = truth_bad_locators(sandbox, "vima")
    assert bad, "the world should contain bad records"
    async with wired.engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT raw->>'operation_create_id', reason FROM quarantine WHERE source='vima'"
                )
            )
        ).all()
        cursor = (
            await conn.execute(
                text("SELECT last_create_cursor FROM sync_state WHERE source = 'vima'")
            )
        ).scalar_one()
    assert {r[0] for r in rows} == set(bad)
    assert all(r[1] for r in rows)
    assert result.counts.quarantined >= len(bad)
    # The cursor is the numerically greatest id seen. The world's ids cross a power of
    # ten, so the greatest id as a string is a different (older, longer-prefix) one.
    async with wired.engine.connect() as conn:
        seen = [
            r[0]
            for r in await conn.execute(
                text(
                    "SELECT raw_data->>'operation_create_id' FROM transactions "
                    "WHERE source = 'vima' UNION ALL "
                    "SELECT raw->>'operation_create_id' FROM quarantine WHERE source = 'vima'"
                )
            )
        ]
    assert len({len(x) for x in seen}) > 1, "ids should cross a power of ten"
    assert int(cursor) == max(int(x) for x in seen)
    assert max(seen) != cursor


async def test_second_run_changes_nothing(wired: Runtime, sandbox: SandboxHandle) -> None:
    first = await sync_source(wired, "vima")
    assert first.counts.inserted > 0
    again = await sync_source(wired, "vima")
    assert again.status == "success"
    assert (again.counts.inserted, again.counts.updated) == (0, 0)
    await assert_matches_truth(wired, sandbox, "vima")


async def test_later_status_changes_are_applied(wired: Runtime, sandbox: SandboxHandle) -> None:
    await sync_source(wired, "vima")
    async with wired.engine.connect() as conn:
        pending_before = (
            await conn.execute(
                text("SELECT COUNT(*) FROM transactions WHERE source='vima' AND status='pending'")
            )
        ).scalar_one()
    advanced = sandbox.world.advance(new=25, settle=40)
    result = await sync_source(wired, "vima")
    assert result.status == "success", result.error
    assert result.counts.updated > 0
    assert result.counts.inserted >= 1
    await assert_matches_truth(wired, sandbox, "vima")
    async with wired.engine.connect() as conn:
        pending_after, moved = (
            await conn.execute(
                text(
                    "SELECT COUNT(*) FILTER (WHERE status = 'pending'), "
                    "COUNT(*) FILTER (WHERE status <> 'pending' AND completed_at IS NOT NULL "
                    "AND updated_at > created_at) FROM transactions WHERE source = 'vima'"
                )
            )
        ).one()
    assert pending_after < pending_before + 25
    assert moved > 0
    assert advanced is not None


async def test_faults_still_give_exact_truth(wired: Runtime, sandbox: SandboxHandle) -> None:
    sandbox.faults.vima.update(every_nth_429=16, every_nth_5xx=7, truncate_next=1, delay_ms=5)
    wired.settings = wired.settings.model_copy(
        update={"sync_max_retries": 8, "sync_backoff_base_seconds": 0.01}
    )
    result = await sync_source(wired, "vima")
    assert result.status == "success", result.error
    await assert_matches_truth(wired, sandbox, "vima")


async def test_provider_that_keeps_failing_gives_upstream_error(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    sandbox.faults.vima.update(every_nth_5xx=1)
    wired.settings = wired.settings.model_copy(
        update={"sync_max_retries": 1, "sync_backoff_base_seconds": 0.01}
    )
    result = await sync_source(wired, "vima")
    assert result.status == "failed"
    assert result.error is not None and result.error.startswith("UPSTREAM_ERROR")
    async with wired.engine.connect() as conn:
        state, message = (
            await conn.execute(
                text("SELECT sync_status, error_message FROM sync_state WHERE source='vima'")
            )
        ).one()
    assert state == "failed"
    assert "UPSTREAM_ERROR" in message
    assert "apikey" not in message and sandbox.credentials.vima_apikey not in message


async def test_second_run_while_one_holds_the_lock_is_skipped(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    async with source_lock(wired.engine, "vima") as held:
        assert held
        result = await sync_source(wired, "vima")
    assert result.status == "skipped"
    after = await sync_source(wired, "vima")
    assert after.status == "success"


async def test_two_concurrent_runs_never_both_run(wired: Runtime, sandbox: SandboxHandle) -> None:
    sandbox.faults.vima.update(delay_ms=20)
    first, second = await asyncio.gather(sync_source(wired, "vima"), sync_source(wired, "vima"))
    assert sorted([first.status, second.status]) == ["skipped", "success"]
    await assert_matches_truth(wired, sandbox, "vima")
