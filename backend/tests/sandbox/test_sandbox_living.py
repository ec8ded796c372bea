"""The world changes: advances over the admin endpoint, settlements, living mode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx

from psp_dashboard.sandbox import SandboxHandle
from psp_dashboard.sandbox.living import LivingPacer
from psp_dashboard.sandbox.render_common import year_of
from tests.sandbox.conftest import payshack_login, payshack_page, vima_walk


def test_admin_advance_adds_payments_and_settles_pendings(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    headers = payshack_login(http, fresh_sandbox)
    before = payshack_page(http, fresh_sandbox, headers, limit=1).json()["data"]["totalRecords"]
    resp = http.post(
        fresh_sandbox.vima_origin + "/_sandbox/advance", json={"new": 40, "settle": 15}
    )
    assert resp.status_code == 200 and resp.json()["created"] == 40
    assert resp.json()["settled"] == 15
    after = payshack_page(http, fresh_sandbox, headers, limit=1).json()["data"]["totalRecords"]
    w = fresh_sandbox.world
    new_payins = sum(1 for e in range(len(w) - 40, len(w)) if w.has_payshack(e))
    assert after == before + new_payins > before


def test_settled_payin_changes_status_and_modified_at(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    w = fresh_sandbox.world
    pending = next(
        e
        for e in w.pending
        if w.has_payshack(e) and w.statuses.payshack_normalized(w.pstat[e]) == "pending"
    )
    txn = w.ids.txn_id(pending, year_of(w.ps_time_ms(pending)))
    headers = payshack_login(http, fresh_sandbox)

    def row() -> dict[str, object]:
        found = payshack_page(http, fresh_sandbox, headers, transactionId=txn).json()
        return found["data"]["transactions"][0]  # type: ignore[no-any-return]

    old = row()
    while pending not in w.payshack_settled:
        w.advance(settle=10)
    new = row()
    assert old["txnStatus"] in (
        "INITIATED",
        "Initiated",
        "Pending",
        "In Process",
        "Incomplete",
        "Processing",
    )
    assert new["txnStatus"] in ("Success", "Failed")
    assert str(new["modifiedAt"]) > str(old["modifiedAt"])
    assert new["completedAt"] is not None


def test_update_ids_of_settled_operations_pass_every_earlier_id(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    top = max(
        int(r["operation_update_id"]) for r in vima_walk(http, fresh_sandbox, "operation_update_id")
    )
    result = fresh_sandbox.world.advance(settle=30)
    moved = [e for e in result.settled if e in fresh_sandbox.world.vima_settled]
    w = fresh_sandbox.world
    assert moved and all(w.ids.update_id(w.update_slot(e)) > top for e in moved)


def test_living_pacer_turns_time_into_payments(fresh_sandbox: SandboxHandle) -> None:
    sb = fresh_sandbox.sandbox
    sb.living.update(enabled=True, rate_per_second=2.0)
    pacer = LivingPacer(sb)
    size = len(sb.world)
    now = sb.world.clock + timedelta(minutes=10)
    first = pacer.tick(2.5, now)
    assert first is not None and len(first.created) == 5
    second = pacer.tick(0.75, now + timedelta(seconds=1))  # 1.5 owed: one now, half carried
    assert second is not None and len(second.created) == 1
    third = pacer.tick(0.25, now + timedelta(seconds=2))  # the carried half completes one
    assert third is not None and len(third.created) == 1
    assert len(sb.world) == size + 7
    newest = sb.world.entry_time_ms(len(sb.world) - 1)
    assert newest == int((now + timedelta(seconds=2)).timestamp() * 1000)  # wall-clock time
    sb.living.update(enabled=False)
    assert pacer.tick(100.0, now + timedelta(seconds=3)) is None
    assert len(sb.world) == size + 7


def test_living_mode_is_switched_through_the_admin_endpoint(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    url = fresh_sandbox.payshack_base_url + "/_sandbox/living"
    body = http.put(url, json={"enabled": True, "rate_per_second": 3}).json()
    assert body == {"enabled": True, "rate_per_second": 3.0}
    assert fresh_sandbox.sandbox.living.settings.enabled
    http.put(url, json={"enabled": False})
    assert not fresh_sandbox.sandbox.living.settings.enabled
    assert datetime.now(UTC) > fresh_sandbox.world.clock  # the seeded world is in the past
