"""A PayShack pay-in seen pending, then successful, then refunded by three real syncs
(pipeline, PostgreSQL, the sandbox over HTTP): its timeline holds the three statuses in
order, each with its sync run, and the reversal's age is the time between the two syncs
that saw the success and the refund."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.config import SandboxConfig, WorldConfig
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sandbox.timeline import ms_of
from psp_dashboard.sync.service import sync_source
from tests.api.conftest import Api
from tests.support.runtime import runtime_with
from tests.sync.conftest import endpoints_for

WORLD = WorldConfig(seed=41, start=date(2026, 3, 1), days=1, per_day=600, end_at=None)


@pytest.fixture
def past(clean_db: Runtime) -> Iterator[SandboxHandle]:
    with (
        sandbox_thread(SandboxConfig(world=WORLD)) as handle,
        runtime_with(
            clean_db, endpoints=endpoints_for(handle), settings={"payshack_page_pause_ms": 0}
        ),
    ):
        yield handle


async def sync(runtime: Runtime) -> str:
    result = await sync_source(runtime, "payshack")
    assert result.status == "success", result.error
    return str(result.run_id)


async def histories(runtime: Runtime) -> dict[str, list[str]]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT source_id, status FROM transaction_status_history "
                 "WHERE source = 'payshack' ORDER BY seen_at, id")
        )  # fmt: skip
        out: dict[str, list[str]] = {}
        for source_id, status in rows:
            out.setdefault(source_id, []).append(status)
        return out


async def test_pending_then_success_then_refund_over_three_syncs(
    clean_db: Runtime, past: SandboxHandle, api: Api
) -> None:
    world = past.world
    first = await sync(clean_db)
    # The world's clock moves an hour; its oldest pendings settle (success or failure).
    with world.lock:
        world.advance(at=world.clock + timedelta(hours=1))
    world.change_aged(settle=40)
    second = await sync(clean_db)
    settled = [sid for sid, seen in (await histories(clean_db)).items()
               if seen == ["pending", "success"]]  # fmt: skip
    assert settled, "the world settled none of its pendings to success"
    # A day later the provider refunds exactly that pay-in (created at that second).
    async with clean_db.engine.connect() as conn:
        created: datetime = (
            await conn.execute(
                text("SELECT created_at FROM transactions WHERE source_id = :s"),
                {"s": settled[0]},
            )
        ).scalar_one()
    with world.lock:
        world.advance(at=world.clock + timedelta(days=1))
    age = timedelta(milliseconds=world.clock_ms - ms_of(created))
    # (Stored to the second: the provider's createdAt is within the second after.)
    _, refunded = world.change_aged(refund=1, min_age=age - timedelta(seconds=1), max_age=age)
    assert len(refunded) == 1
    third = await sync(clean_db)

    found = await api.data("/transactions", search=settled[0])
    (row,) = [r for r in found if r["source"] == "payshack"]
    timeline = await api.data(f"/transactions/{row['id']}/timeline")
    items = timeline["items"]
    assert [i["status"] for i in items] == ["pending", "success", "refunded"]
    assert [i["original_status"] for i in items][1:] in (
        ["Success", "Refunded"], ["SUCCESS", "Refunded"],
    )  # fmt: skip
    assert [i["sync_run_id"] for i in items] == [first, second, third]
    seen = [datetime.fromisoformat(i["seen_at"]) for i in items]
    assert seen[0] < seen[1] < seen[2]
    age_seconds = int((seen[2] - seen[1]).total_seconds())
    assert row["upi"] == {"deemed": False, "reversed": True, "reversal_age_seconds": age_seconds}
    flagged = await api.data("/transactions", flag="reversed", source="payshack", limit=100)
    assert [r["id"] for r in flagged] == [row["id"]]
