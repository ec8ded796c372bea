"""Re-fetch one key: the providers are asked again over HTTP (sandbox), the rows go
through the pipeline, that key alone is re-classified in the day's current run and the
amendment shows in the run's history; audited; viewers may not."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import date
from decimal import Decimal

import pytest
from httpx import AsyncClient
from sqlalchemy import text

from psp_dashboard.reconciliation.runs import day_lock
from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox import HandmadePayment, PayShackSpec, VimaSpec, World
from psp_dashboard.sandbox.config import SandboxConfig, WorldConfig
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sync.service import sync_source
from tests.reconciliation.support import at, results
from tests.reconciliation.test_api import Caller, payload
from tests.support.runtime import runtime_with
from tests.sync.conftest import endpoints_for

D = date(2026, 12, 3)
PAYMENTS = [
    # PayShack still pending when the day is reconciled: a status discrepancy.
    HandmadePayment("K-STATUS", VimaSpec(at(D, 9), Decimal("500.00")),
                    PayShackSpec(at(D, 9, 1), Decimal("500.00"), status="Initiated")),
    HandmadePayment("K-OTHER", VimaSpec(at(D, 10), Decimal("70.00")),
                    PayShackSpec(at(D, 10), Decimal("60.00"))),
    HandmadePayment("K-MATCH", VimaSpec(at(D, 11), Decimal("10.00")),
                    PayShackSpec(at(D, 11), Decimal("10.00"))),
    HandmadePayment("K-LONE", VimaSpec(at(D, 12), Decimal("33.00"))),
]  # fmt: skip


@pytest.fixture
def sandbox() -> Iterator[SandboxHandle]:
    world = World(WorldConfig(start=D, days=1, per_day=0), handmade=PAYMENTS)
    with sandbox_thread(SandboxConfig(), world=world) as handle:
        yield handle


@pytest.fixture
async def api(rt: Runtime, client: AsyncClient, sandbox: SandboxHandle) -> AsyncIterator[Caller]:
    app_runtime: Runtime = client._transport.app.state.runtime  # type: ignore[attr-defined]
    endpoints = endpoints_for(sandbox)
    with (
        runtime_with(rt, endpoints=endpoints),
        runtime_with(app_runtime, endpoints=endpoints, settings=rt.settings.model_dump()),
    ):
        for source in ("vima", "payshack"):
            result = await sync_source(rt, source)
            assert result.status == "success", result.error
        yield Caller(client, rt)


def settle_payin(sandbox: SandboxHandle, key: str) -> None:
    """The provider moves the pay-in to Success after the run (what a late settle does)."""
    w = sandbox.world
    with w.lock:
        (e,) = [e for e, p in w.handmade.items() if p.key == key]
        code = w.statuses.payshack_code("Success")
        w.pstat[e] = code
        w.ps_pos_status[w.ps_position_of(e)] = code
        w.payshack_settled[e] = w.ps_time_ms(e) + 60_000


async def by_key(api: Caller, run_id: str) -> dict[str, dict[str, object]]:
    rows = await results(api.runtime, run_id)  # type: ignore[arg-type]
    return {str(r["client_operation_id"]): r for r in rows}


async def test_a_changed_key_is_reclassified_alone_and_recorded(
    api: Caller, sandbox: SandboxHandle
) -> None:
    ran = payload(await api.post("/reconciliation/run", {"date": D.isoformat()}))["data"]
    run_id = str(ran["run_id"])
    before = await by_key(api, run_id)
    assert before["K-STATUS"]["discrepancy_type"] == "status"
    assert ran["summary"]["matched"]["count"] == 1
    settle_payin(sandbox, "K-STATUS")
    row_id = str(before["K-STATUS"]["id"])
    body = payload(await api.post(f"/reconciliation/discrepancies/{row_id}/refetch", {}))["data"]
    assert body["changed"] is True
    assert body["fetched"] == {"vima": 1, "payshack": 1}
    assert body["discrepancy"] is None  # matched now: no row left
    amendment = body["amendment"]
    assert amendment["before"] == ["status"] and amendment["after"] == ["matched"]
    assert amendment["run_id"] == run_id and amendment["by"].startswith("analyst")
    after = await by_key(api, run_id)
    assert "K-STATUS" not in after
    for key in ("K-OTHER", "K-LONE"):  # the run's other keys untouched: same rows, ids
        assert after[key] == before[key]
    run = payload(await api.get(f"/reconciliation/runs/{run_id}"))["data"]
    assert run["matched"] == 2 and run["discrepancies"] == 1 and run["missing"] == 1
    assert run["total_transactions"] == 4 and run["amendment_count"] == 1
    listed = payload(await api.get(f"/reconciliation/runs/{run_id}/amendments"))["data"]
    assert [a["id"] for a in listed] == [amendment["id"]]
    summary = payload(await api.get("/reconciliation/summary", date=D.isoformat()))["data"]
    assert summary["matched"]["count"] == 2 and summary["run_id"] == run_id
    async with api.runtime.engine.connect() as conn:
        actions = (
            (
                await conn.execute(
                    text("SELECT action FROM audit_log WHERE action LIKE 'recon.%' ORDER BY 1")
                )
            )
            .scalars()
            .all()
        )
    assert {"recon.refetch", "recon.amend"} <= set(actions)
    # The re-fetch's runs are in the sync history, listed and filterable by their kind.
    everything = payload(await api.get("/sync/runs"))["data"]
    refetches = payload(await api.get("/sync/runs", kind="refetch"))["data"]
    assert sorted(r["source"] for r in refetches) == ["payshack", "vima"]
    assert {r["kind"] for r in refetches} == {"refetch"}
    assert {r["id"] for r in refetches} <= {r["id"] for r in everything}


async def test_viewers_may_not_refetch(api: Caller) -> None:
    ran = payload(await api.post("/reconciliation/run", {"date": D.isoformat()}))["data"]
    row = (await by_key(api, str(ran["run_id"])))["K-OTHER"]
    refused = await api.post(f"/reconciliation/discrepancies/{row['id']}/refetch", {}, "viewer")
    assert refused.status_code == 403
    txn = row["vima_txn_id"]
    assert (await api.post(f"/transactions/{txn}/refetch", {}, "viewer")).status_code == 403


async def test_refetch_from_a_transaction_amends_the_days_run(
    api: Caller, sandbox: SandboxHandle
) -> None:
    ran = payload(await api.post("/reconciliation/run", {"date": D.isoformat()}))["data"]
    row = (await by_key(api, str(ran["run_id"])))["K-STATUS"]
    settle_payin(sandbox, "K-STATUS")
    txn = str(row["payshack_txn_id"])
    body = payload(await api.post(f"/transactions/{txn}/refetch", {}))["data"]
    assert body["changed"] is True
    assert body["transaction"]["status"] == "success"
    assert [(a["before"], a["after"]) for a in body["amendments"]] == [(["status"], ["matched"])]


async def test_an_unchanged_key_keeps_its_row_resolution_and_id(api: Caller) -> None:
    ran = payload(await api.post("/reconciliation/run", {"date": D.isoformat()}))["data"]
    row = (await by_key(api, str(ran["run_id"])))["K-OTHER"]
    note = {"resolution": "acknowledged", "note": "asked PayShack"}
    payload(await api.post(f"/reconciliation/discrepancies/{row['id']}/resolve", note))
    body = payload(await api.post(f"/reconciliation/discrepancies/{row['id']}/refetch", {}))["data"]
    assert body["changed"] is False
    assert body["amendment"]["before"] == body["amendment"]["after"] == ["amount"]
    d = body["discrepancy"]
    assert d["id"] == str(row["id"]) and d["resolution"] == "acknowledged"
    assert d["note"] == "asked PayShack" and d["first_seen_at"] is not None


async def test_a_full_run_of_the_day_going_on_refuses_the_reclassification(api: Caller) -> None:
    ran = payload(await api.post("/reconciliation/run", {"date": D.isoformat()}))["data"]
    row = (await by_key(api, str(ran["run_id"])))["K-OTHER"]
    async with day_lock(api.runtime.engine, D):  # what a run of the day holds
        refused = await api.post(f"/reconciliation/discrepancies/{row['id']}/refetch", {})
    assert refused.status_code == 409
    assert refused.json()["error"]["details"]["reason"] == "run_in_progress"
