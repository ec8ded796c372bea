"""A backfill's progress per day shard, its running totals, and its days in the run
history (issue #19: "0 fetched, then done")."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from httpx import AsyncClient

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.testing import SandboxHandle
from psp_dashboard.sync.backfill import create_backfill, run_backfill
from psp_dashboard.sync.backfill_shards import shard_state
from tests.support.auth import sign_in
from tests.sync.conftest import SMALL_WORLD

FIRST = SMALL_WORLD.start
SECOND = FIRST.replace(day=FIRST.day + 1)


class StopAfter(asyncio.Event):
    """A stop that reads as set from its `calls`-th look on: stops a backfill right
    after a batch has been written, without timing."""

    def __init__(self, calls: int) -> None:
        super().__init__()
        self.looks = 0
        self.calls = calls

    def is_set(self) -> bool:
        self.looks += 1
        return self.looks >= self.calls or super().is_set()


async def _get(client: AsyncClient, headers: dict[str, str], backfill_id: uuid.UUID) -> Any:
    response = await client.get(f"/api/v1/sync/backfills/{backfill_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def test_each_batch_shows_in_its_shard_and_the_totals(
    wired: Runtime, sandbox: SandboxHandle, client: AsyncClient
) -> None:
    wired.settings = wired.settings.model_copy(update={"backfill_concurrency": 1})
    backfill_id = await create_backfill(wired, "vima", FIRST, SECOND, "test")
    viewer = await sign_in(client, wired, "viewer")
    before = await _get(client, viewer, backfill_id)
    assert [(s["date"], s["state"], s["fetched"]) for s in before["shards"]] == [
        (FIRST.isoformat(), "pending", 0),
        (SECOND.isoformat(), "pending", 0),
    ]
    # Look 1: before the first day; look 2: after its first batch of 200 is written.
    stopped = await run_backfill(wired, backfill_id, batch_rows=200, stop=StopAfter(2))
    assert stopped.status == "stopped"
    mid = await _get(client, viewer, backfill_id)
    first, second = mid["shards"]
    assert first["state"] == "pending" and first["fetched"] >= 200  # one batch saved
    assert first["stored"] > 0
    assert second == {"date": SECOND.isoformat(), "state": "pending", "fetched": 0,
                      "stored": 0, "quarantined": 0, "error": None}  # fmt: skip
    assert (mid["fetched"], mid["stored"]) == (first["fetched"], first["stored"])
    assert mid["fetched"] == stopped.counts.fetched  # what the run counted, not 0

    done = await run_backfill(wired, backfill_id, batch_rows=200)
    assert done.status == "success", done.error
    end = await _get(client, viewer, backfill_id)
    assert [s["state"] for s in end["shards"]] == ["done", "done"]
    assert end["days_done"] == end["days_total"] == 2
    assert end["fetched"] == sum(s["fetched"] for s in end["shards"])
    assert end["fetched"] == stopped.counts.fetched + done.counts.fetched
    assert end["stored"] == stopped.counts.changed + done.counts.changed
    assert end["shards"][0]["fetched"] > first["fetched"]  # resumed from its checkpoint
    assert end["shards"][1]["fetched"] > 0


async def test_backfill_runs_carry_their_days(
    wired: Runtime, sandbox: SandboxHandle, client: AsyncClient
) -> None:
    backfill_id = await create_backfill(wired, "vima", FIRST, SECOND, "test")
    assert (await run_backfill(wired, backfill_id)).status == "success"
    viewer = await sign_in(client, wired, "viewer")
    runs = (await client.get("/api/v1/sync/runs?kind=backfill", headers=viewer)).json()["data"]
    (run,) = runs
    assert (run["from_date"], run["to_date"]) == (FIRST.isoformat(), SECOND.isoformat())
    assert run["backfill_id"] == str(backfill_id)
    assert run["fetched"] > 0


async def test_a_failing_day_shows_as_failed_with_why(
    wired: Runtime, sandbox: SandboxHandle, client: AsyncClient
) -> None:
    sandbox.faults.vima.update(every_nth_5xx=1)
    wired.settings = wired.settings.model_copy(
        update={"sync_max_retries": 0, "sync_backoff_base_seconds": 0.0}
    )
    backfill_id = await create_backfill(wired, "vima", FIRST, FIRST, "test")
    result = await run_backfill(wired, backfill_id)
    assert result.status == "failed"
    admin = await sign_in(client, wired, "admin")
    (shard,) = (await _get(client, admin, backfill_id))["shards"]
    assert shard["state"] == "failed"
    assert shard["error"] and shard["fetched"] == 0


def test_shard_states_of_older_rows_and_dead_runs() -> None:
    assert shard_state({"done": True, "checkpoint": {}}, "done") == "done"
    assert shard_state({"done": False, "checkpoint": {}}, "pending") == "pending"
    assert shard_state({"done": False, "incomplete": [{}]}, "incomplete") == "incomplete"
    assert shard_state({"done": False, "state": "running"}, "running") == "running"
    # The process died or stopped: the day is to do again, not running forever.
    assert shard_state({"done": False, "state": "running"}, "stopped") == "pending"
    assert shard_state({"done": False, "state": "failed"}, "failed") == "failed"
