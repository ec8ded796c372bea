"""Sync endpoints: status per contract, trigger, runs, quarantine, backfill; cache + events."""

from __future__ import annotations

import asyncio
import json

from httpx import AsyncClient

from psp_dashboard.events import channel
from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.testing import SandboxHandle
from psp_dashboard.sync.service import sync_source
from tests.support.auth import sign_in
from tests.sync.conftest import SMALL_WORLD

CONTRACT_FIELDS = {
    "source",
    "status",
    "last_sync_at",
    "last_successful_sync",
    "records_synced",
    "next_sync_at",
    "error_message",
    "last_cursor",
}


async def test_status_has_the_contract_shape_after_a_sync(
    wired: Runtime, sandbox: SandboxHandle, client: AsyncClient
) -> None:
    result = await sync_source(wired, "vima")
    headers = await sign_in(client, wired, "viewer")
    response = await client.get("/api/v1/sync/status", headers=headers)
    assert response.status_code == 200
    sources = response.json()["data"]["sources"]
    assert [s["source"] for s in sources] == ["vima", "payshack", "payshack_payouts"]
    vima = sources[0]
    assert set(vima) >= CONTRACT_FIELDS
    assert vima["status"] == "idle"
    assert vima["records_synced"] == result.counts.inserted
    assert vima["last_cursor"] and vima["last_successful_sync"].endswith("Z")
    assert vima["sandbox"] is True
    assert sources[1]["last_successful_sync"] is None


async def test_an_incomplete_run_shows_as_such_with_both_numbers(
    wired: Runtime, sandbox: SandboxHandle, client: AsyncClient
) -> None:
    wired.settings = wired.settings.model_copy(update={"payshack_page_pause_ms": 0})
    sandbox.faults.payshack.update(drop_last_pages=1)  # the provider drops the last page
    result = await sync_source(wired, "payshack")
    assert result.status == "incomplete"
    headers = await sign_in(client, wired, "viewer")
    payshack = (await client.get("/api/v1/sync/status", headers=headers)).json()["data"]["sources"][
        1
    ]
    assert payshack["status"] == "incomplete"
    assert payshack["last_successful_sync"] is None and payshack["watermark"] is None
    last = payshack["last_run"]
    assert last["status"] == "incomplete" and last["rows_expected"] > last["rows_read"] > 0
    assert payshack["error_message"].startswith("INCOMPLETE:")
    assert f"{last['rows_expected']:,}" in payshack["error_message"]
    runs = (await client.get("/api/v1/sync/runs?source=payshack", headers=headers)).json()
    run = runs["data"][0]
    assert (run["status"], run["rows_expected"], run["rows_read"]) == (
        "incomplete", last["rows_expected"], last["rows_read"],
    )  # fmt: skip
    (window,) = run["completeness"]
    assert window["complete"] is False and window["attempts"] == 2
    assert window["ending"] == "empty-page"
    sandbox.faults.payshack.update(drop_last_pages=0)
    assert (await sync_source(wired, "payshack")).status == "success"
    again = (await client.get("/api/v1/sync/status", headers=headers)).json()["data"]
    healed = again["sources"][1]
    assert healed["status"] == "idle" and healed["last_run"]["status"] == "success"
    assert healed["newest_record_at"] is not None
    assert healed["last_run"]["rows_expected"] == healed["last_run"]["rows_read"]


async def test_a_failure_shows_in_status_and_runs(
    wired: Runtime, sandbox: SandboxHandle, client: AsyncClient
) -> None:
    sandbox.faults.vima.update(every_nth_5xx=1)
    wired.settings = wired.settings.model_copy(
        update={"sync_max_retries": 0, "sync_backoff_base_seconds": 0.0}
    )
    await sync_source(wired, "vima")
    headers = await sign_in(client, wired, "viewer")
    status = (await client.get("/api/v1/sync/status", headers=headers)).json()["data"]
    vima = status["sources"][0]
    assert vima["status"] == "failed"
    assert vima["error_message"].startswith("UPSTREAM_ERROR")
    runs = (await client.get("/api/v1/sync/runs?source=vima", headers=headers)).json()
    assert runs["meta"]["total"] == 1
    assert runs["data"][0]["status"] == "failed"
    assert runs["data"][0]["error"].startswith("UPSTREAM_ERROR")


async def test_runs_and_quarantine_are_paged_with_counts(
    wired: Runtime, sandbox: SandboxHandle, client: AsyncClient
) -> None:
    result = await sync_source(wired, "vima")
    headers = await sign_in(client, wired, "viewer")
    runs = (await client.get("/api/v1/sync/runs", headers=headers)).json()
    run = runs["data"][0]
    assert (run["fetched"], run["inserted"], run["quarantined"]) == (
        result.counts.fetched,
        result.counts.inserted,
        result.counts.quarantined,
    )
    assert run["duration_ms"] is not None and run["status"] == "success"
    page = await client.get("/api/v1/sync/quarantine?source=vima&limit=2", headers=headers)
    body = page.json()
    assert body["meta"]["total"] == result.counts.quarantined
    assert len(body["data"]) == min(2, result.counts.quarantined)
    assert body["data"][0]["reason"] and isinstance(body["data"][0]["raw"], dict)


async def test_trigger_runs_the_sync_and_publishes_an_event(
    wired: Runtime, sandbox: SandboxHandle, client: AsyncClient
) -> None:
    pubsub = wired.cache.redis.pubsub()
    await pubsub.subscribe(channel(wired.cache))
    headers = await sign_in(client, wired, "admin")
    response = await client.post("/api/v1/sync/trigger", json={"source": "vima"}, headers=headers)
    assert response.status_code == 202
    assert response.json()["data"]["source"] == "vima"
    assert response.json()["data"]["status"] == "triggered"
    event = None
    async with asyncio.timeout(60):
        while event is None:
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5)
            if message is not None:
                event = json.loads(message["data"])
    await pubsub.aclose()
    assert event["event"] == "sync.finished"
    assert event["data"]["source"] == "vima" and event["data"]["inserted"] > 0


async def test_sync_that_changed_data_invalidates_metrics_cache(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    await wired.cache.set_json("metrics:overview:abc", {"stale": True}, 60)
    await sync_source(wired, "vima")
    assert await wired.cache.get_json("metrics:overview:abc") is None


async def test_backfill_endpoint_validates_and_starts(
    wired: Runtime, sandbox: SandboxHandle, client: AsyncClient
) -> None:
    headers = await sign_in(client, wired, "admin")
    bad = await client.post(
        "/api/v1/sync/backfill",
        json={"source": "vima", "from_date": "2026-01-20", "to_date": "2026-01-10"},
        headers=headers,
    )
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "VALIDATION_ERROR"
    day = SMALL_WORLD.start.isoformat()
    started = await client.post(
        "/api/v1/sync/backfill",
        json={"source": "vima", "from_date": day, "to_date": day},
        headers=headers,
    )
    assert started.status_code == 202
    backfill = started.json()["data"]
    assert backfill["days_total"] == 1
    await wired.tasks.join()
    done = await client.get(f"/api/v1/sync/backfills/{backfill['id']}", headers=headers)
    assert done.json()["data"]["status"] == "done"
    assert done.json()["data"]["days_done"] == 1
