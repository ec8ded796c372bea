"""Backfill requests: days that exist (finding 11) and one backfill per source at a time
(finding 12: a second one marked the first `interrupted` while both kept running)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from httpx import AsyncClient
from sqlalchemy import text

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
