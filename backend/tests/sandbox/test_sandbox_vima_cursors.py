"""Vima cursor walks over real HTTP: complete, in numeric order, across 10**18."""

from __future__ import annotations

import httpx

from psp_dashboard.sandbox import SandboxHandle
from psp_dashboard.sandbox.ids import CROSSING
from tests.sandbox.conftest import vima_get, vima_walk


def _all_vima_create_ids(sb: SandboxHandle) -> list[int]:
    w = sb.world
    with w.lock:
        return [w.ids.create_id(w.create_slot(e)) for e in w.vima_entries()]


def test_create_walk_returns_every_operation_once_in_numeric_order(
    shared_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    rows = vima_walk(http, shared_sandbox, "operation_create_id")
    ids = [int(r["operation_create_id"]) for r in rows]
    assert ids == sorted(set(ids)), "a repeat or an out-of-order cursor"
    assert ids == _all_vima_create_ids(shared_sandbox), "a gap: some operation never came"
    # The walk crossed a power of ten, where text order and numeric order disagree.
    assert min(ids) < CROSSING <= max(ids)
    texts = [r["operation_create_id"] for r in rows]
    assert sorted(texts) != texts
    assert {len(t) for t in texts} == {18, 19}


def test_update_walk_returns_every_operation_once_after_settlements(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    result = fresh_sandbox.world.advance(new=30, settle=40)
    # Settling can touch only the PayShack side of a pair; count the Vima settlements.
    settled_with_vima = {e for e in result.settled if e in fresh_sandbox.world.vima_settled}
    assert settled_with_vima, "the world should have had Vima pendings to settle"
    rows = vima_walk(http, fresh_sandbox, "operation_update_id")
    ids = [int(r["operation_update_id"]) for r in rows]
    assert ids == sorted(set(ids))
    assert len(rows) == len(_all_vima_create_ids(fresh_sandbox))
    assert len({r["operation_create_id"] for r in rows}) == len(rows)
    # Settled operations moved past everything served before: they come last.
    tail = {int(r["operation_create_id"]) for r in rows[-len(settled_with_vima) :]}
    w = fresh_sandbox.world
    assert tail == {w.ids.create_id(w.create_slot(e)) for e in settled_with_vima}
    assert min(ids) < CROSSING <= max(ids)


def test_update_cursor_returns_exactly_the_changes_since(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    before = vima_walk(http, fresh_sandbox, "operation_update_id")
    cursor = max((r["operation_update_id"] for r in before), key=int)
    old = {r["operation_create_id"]: r for r in before}
    result = fresh_sandbox.world.advance(new=12, settle=25)
    changes = vima_walk(http, fresh_sandbox, "operation_update_id", start=cursor)
    w = fresh_sandbox.world
    expected = {
        str(w.ids.create_id(w.create_slot(e)))
        for e in (*result.created, *result.settled)
        if w.has_vima(e) and (e in result.created or e in w.vima_settled)
    }
    assert {r["operation_create_id"] for r in changes} == expected
    for row in changes:
        if row["operation_create_id"] in old:  # a settled pending
            previous = old[row["operation_create_id"]]
            assert row["current_status"] in ("success", "fail")
            assert previous["current_status"] not in ("success", "fail")
            assert row["operation_modified_at"] > previous["operation_modified_at"]
            assert "complete_amount" in row or row["current_status"] == "fail"


def test_cursors_are_exclusive(shared_sandbox: SandboxHandle, http: httpx.Client) -> None:
    first = vima_get(http, shared_sandbox, count=3, descending="false").json()
    after = vima_get(
        http,
        shared_sandbox,
        count=2,
        descending="false",
        from_operation_create_id=first[0]["operation_create_id"],
    ).json()
    assert [r["operation_create_id"] for r in after] == [
        r["operation_create_id"] for r in first[1:3]
    ]


def test_descending_gives_newest_first(shared_sandbox: SandboxHandle, http: httpx.Client) -> None:
    rows = vima_get(http, shared_sandbox, count=50, descending="true").json()
    ids = [int(r["operation_create_id"]) for r in rows]
    assert ids == sorted(ids, reverse=True)
    assert ids[0] == max(_all_vima_create_ids(shared_sandbox))
