"""Backfill requests: days that exist (finding 11) and one backfill per source at a time
(finding 12: a second one marked the first `interrupted` while both kept running)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy import text

from psp_dashboard.errors import Conflict
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.backfill import backfill_lock, create_backfill, run_backfill
from psp_dashboard.sync.state import source_lock
from tests.support.auth import sign_in

BACKFILL = "/api/v1/sync/backfill"


async def _count(runtime: Runtime, table: str) -> int:
    async with runtime.engine.connect() as conn:
        return int((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())


@pytest.mark.parametrize(
    ("from_date", "to_date", "field"),
    [
        ("9999-12-30", "9999-12-31", "from_date"),
        ("0001-01-01", "0001-01-02", "from_date"),
        (str(date.today()), str(date.today() + timedelta(days=3)), "to_date"),  # not begun
    ],
)
async def test_a_backfill_of_days_that_cannot_be_read_is_400(
    clean_db: Runtime, client: AsyncClient, from_date: str, to_date: str, field: str
) -> None:
    admin = await sign_in(client, clean_db, "admin")
    response = await client.post(
        BACKFILL,
        json={"source": "vima", "from_date": from_date, "to_date": to_date},
        headers=admin,
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["details"]["field"] == field
    assert await _count(clean_db, "sync_backfills") == 0


async def test_a_second_backfill_of_a_source_is_refused_while_one_runs(
    clean_db: Runtime, client: AsyncClient
) -> None:
    admin = await sign_in(client, clean_db, "admin")
    body = {"source": "payshack", "from_date": "2026-01-01", "to_date": "2026-01-02"}
    async with source_lock(clean_db.engine, backfill_lock("payshack")) as held:
        assert held  # stands for a backfill of payshack running in some process
        refused = await client.post(BACKFILL, json=body, headers=admin)
    assert refused.status_code == 409
    assert refused.json()["error"]["details"] == {
        "reason": "backfill_running",
        "source": "payshack",
    }
    assert await _count(clean_db, "sync_backfills") == 0


async def test_a_backfill_started_meanwhile_is_skipped_without_touching_the_running_one(
    clean_db: Runtime,
) -> None:
    """The race the API's check cannot see (two requests at once, or the CLI): the
    second run gets no lock, records no run, and says why."""
    second = await create_backfill(clean_db, "vima", date(2026, 1, 1), date(2026, 1, 3), "t")
    async with source_lock(clean_db.engine, backfill_lock("vima")) as held:
        assert held
        result = await run_backfill(clean_db, second)
    assert result.status == "skipped"
    assert await _count(clean_db, "sync_runs") == 0  # nobody's run marked `interrupted`
    async with clean_db.engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT status, error FROM sync_backfills WHERE id = :id"), {"id": second}
            )
        ).one()
    assert row.status == "skipped" and row.error == "another backfill of vima was running"


async def test_a_pending_backfill_also_refuses_a_second_one(
    clean_db: Runtime, client: AsyncClient
) -> None:
    """Issue #19: "Start backfill" stayed clickable; the API is the guard, also in the
    moment between a backfill's creation and its run taking the lock."""
    admin = await sign_in(client, clean_db, "admin")
    first = await create_backfill(clean_db, "vima", date(2026, 1, 1), date(2026, 1, 30), "t")
    body = {"source": "vima", "from_date": "2026-02-01", "to_date": "2026-02-02"}
    refused = await client.post(BACKFILL, json=body, headers=admin)
    assert refused.status_code == 409
    error = refused.json()["error"]
    assert error["details"] == {
        "reason": "backfill_running",
        "source": "vima",
        "backfill_id": str(first),
    }
    assert "2026-01-01 to 2026-01-30" in error["message"] and "pending" in error["message"]
    assert await _count(clean_db, "sync_backfills") == 1
    other = {"source": "payshack", "from_date": "2026-02-01", "to_date": "2026-02-02"}
    assert (await client.post(BACKFILL, json=other, headers=admin)).status_code != 409


async def test_finished_and_long_abandoned_backfills_do_not_block(clean_db: Runtime) -> None:
    day = date(2026, 1, 1)
    done = await create_backfill(clean_db, "vima", day, day, "t", exclusive=True)
    abandoned = await create_backfill(clean_db, "payshack", day, day, "t", exclusive=True)
    async with clean_db.engine.begin() as conn:
        await conn.execute(
            text("UPDATE sync_backfills SET status = 'done' WHERE id = :i"), {"i": done}
        )
        # Created before a crash and never started: resumable by hand, not a lock forever.
        await conn.execute(
            text("UPDATE sync_backfills SET created_at = NOW() - INTERVAL '1 hour' WHERE id = :i"),
            {"i": abandoned},
        )
    again = [
        await create_backfill(clean_db, source, day, day, "t", exclusive=True)
        for source in ("vima", "payshack")
    ]
    assert len(set(again) | {done, abandoned}) == 4


async def test_two_requests_at_once_create_one_backfill(clean_db: Runtime) -> None:
    day = date(2026, 1, 1)
    results = await asyncio.gather(
        *(create_backfill(clean_db, "vima", day, day, "t", exclusive=True) for _ in range(4)),
        return_exceptions=True,
    )
    created = [r for r in results if isinstance(r, uuid.UUID)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert len(created) == 1 and len(refused) == 3
    assert await _count(clean_db, "sync_backfills") == 1


async def test_a_backfill_of_an_unconfigured_source_fails_and_frees_the_source(
    clean_db: Runtime,
) -> None:
    """It used to stay `pending` (the task died building its connector); pending now
    holds off the next backfill, so it must end."""
    day = date(2026, 1, 1)
    backfill_id = await create_backfill(clean_db, "vima", day, day, "t", exclusive=True)
    result = await run_backfill(clean_db, backfill_id)
    assert result.status == "failed" and result.error and "not configured" in result.error
    async with clean_db.engine.connect() as conn:
        status = (
            await conn.execute(
                text("SELECT status FROM sync_backfills WHERE id = :i"), {"i": backfill_id}
            )
        ).scalar_one()
    assert status == "failed"
    assert await create_backfill(clean_db, "vima", day, day, "t", exclusive=True) != backfill_id
