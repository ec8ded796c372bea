"""The world moving on through the admin API: a clock that moves by minutes, late
settlements and refunds of pay-ins of a given age, and listing faults (the last pages
dropped, a listing that grows while it is walked)."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from psp_dashboard.sandbox import SandboxHandle
from psp_dashboard.sandbox.config import WorldConfig
from psp_dashboard.sandbox.world import World
from tests.sandbox.conftest import payshack_login, payshack_page


def find(http: httpx.Client, sb: SandboxHandle, headers: dict[str, str], txn: str) -> dict:  # type: ignore[type-arg]
    body = payshack_page(http, sb, headers, transactionId=txn).json()["data"]
    (row,) = body["transactions"]
    return row  # type: ignore[no-any-return]


def test_advance_moves_the_clock_by_minutes_and_changes_payins_of_an_age(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    world = fresh_sandbox.world
    clock = world.clock
    body = {"new": 30, "minutes": 90, "settle_aged": 3, "refund_aged": 2,
            "min_age_minutes": 60, "max_age_minutes": 24 * 60}  # fmt: skip
    result = http.post(f"{fresh_sandbox.payshack_base_url}/_sandbox/advance", json=body).json()
    assert result["created"] == 30
    assert world.clock == clock + timedelta(minutes=90)
    assert result["refunded_aged"] == 2 and 0 < result["settled_aged"] <= 3
    newest = [world.entry_time_ms(e) for e in range(len(world) - 30, len(world))]
    assert all(clock.timestamp() * 1000 < t <= world.clock.timestamp() * 1000 for t in newest)


def test_a_refund_is_served_with_its_new_status_and_time(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    world = fresh_sandbox.world
    world.advance(at=world.clock + timedelta(days=10))
    settled, refunded = world.change_aged(refund=1, min_age=timedelta(days=10))
    assert settled == [] and len(refunded) == 1
    (entry,) = refunded
    headers = payshack_login(http, fresh_sandbox)
    facts = world.payin_facts(entry)
    assert facts is not None and facts.status == "Refunded"
    row = find(http, fresh_sandbox, headers, world.ids.txn_id(entry, 2026))
    assert row["txnStatus"] == "Refunded"
    assert row["modifiedAt"] == world.clock.isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )
    assert row["completedAt"] < row["modifiedAt"]  # it completed long before the refund
    assert row["paidAmount"] is not None  # a refunded pay-in was paid


def test_late_settlement_only_touches_pendings_of_that_age() -> None:
    world = World(WorldConfig(seed=4, start=date(2026, 3, 1), days=2, per_day=2000))
    world.advance(at=world.clock + timedelta(hours=1))
    settled, _ = world.change_aged(settle=5, min_age=timedelta(hours=5), max_age=timedelta(hours=8))
    assert len(settled) == 5
    clock = world.clock_ms
    for entry in settled:
        assert 5 * 3_600_000 <= clock - world.entry_time_ms(entry) <= 8 * 3_600_000
        facts = world.payin_facts(entry)
        if facts is not None:
            assert facts.status in ("Success", "Failed") and facts.modified_ms == clock


def test_dropped_last_pages_come_back_empty_under_the_same_totals(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    headers = payshack_login(http, fresh_sandbox)
    full = payshack_page(http, fresh_sandbox, headers, page=1, limit=100).json()["data"]
    pages = full["totalPages"]
    fresh_sandbox.faults.payshack.update(drop_last_pages=2)
    before_end = payshack_page(http, fresh_sandbox, headers, page=pages - 2, limit=100)
    dropped = payshack_page(http, fresh_sandbox, headers, page=pages - 1, limit=100)
    assert len(before_end.json()["data"]["transactions"]) == 100
    data = dropped.json()["data"]
    assert data["transactions"] == [] and data["totalRecords"] == full["totalRecords"]


def test_a_listing_grows_while_it_is_walked(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    headers = payshack_login(http, fresh_sandbox)
    fresh_sandbox.faults.payshack.update(grow_per_request=5)
    totals = [
        payshack_page(http, fresh_sandbox, headers, page=p, limit=10).json()["data"]["totalRecords"]
        for p in (1, 2, 3)
    ]
    assert totals[0] < totals[1] < totals[2]  # five payments arrive before each answer


def test_a_world_of_full_days_starts_its_clock_after_its_last_payin() -> None:
    world = World(WorldConfig(seed=2, start=date(2026, 3, 1), days=1, per_day=3000))
    assert world.ps_time_ms(world.ps_order[-1]) < world.clock_ms  # no pay-in from the future
