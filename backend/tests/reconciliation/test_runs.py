"""Runs: atomic, superseding, carrying resolutions over, one at a time per day."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.auth.deps import SYSTEM
from psp_dashboard.errors import Conflict, ValidationFailed
from psp_dashboard.reconciliation import exposure, service
from psp_dashboard.reconciliation.runs import day_lock, run_day
from psp_dashboard.reconciliation.tasks import next_fire_time, run_scheduled
from psp_dashboard.runtime import Runtime
from tests.reconciliation.support import (
    at,
    comparable,
    insert,
    mark_synced,
    payshack,
    results,
    run,
    vima,
    with_settings,
)

D = date(2026, 3, 10)
NEXT = D + timedelta(days=1)


def _day_rows() -> list[object]:
    return [
        vima("M", at(D, 9)), payshack("M", at(D, 9)),
        vima("A", at(D, 10), "100.00"), payshack("A", at(D, 10), "99.00"),
        vima("S", at(D, 11), status="success"), payshack("S", at(D, 11), status="failed"),
        vima("X", at(D, 12)),
        payshack("Y", at(D, 13)),
    ]  # fmt: skip


async def _runs(rt: Runtime) -> list[dict[str, object]]:
    async with rt.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT id, status, is_current, error FROM reconciliation_runs ORDER BY started_at"
            )
        )
        return [dict(r._mapping) for r in rows]


async def _row(rt: Runtime, run_id: object, key: str) -> dict[str, object]:
    return next(r for r in await results(rt, run_id) if r["client_operation_id"] == key)  # type: ignore[arg-type]


async def test_rerun_gives_the_same_rows_and_supersedes(rt: Runtime) -> None:
    await insert(rt, _day_rows())  # type: ignore[arg-type]
    first = await run(rt, D)
    second = await run(rt, D)
    # The superseded run keeps its discrepancies (history), not its matched pairs.
    kept = await comparable(rt, first.run_id)
    assert [r.key for r in kept] == ["A", "S", "X", "Y"]
    runs = await _runs(rt)
    assert [(r["id"], r["is_current"]) for r in runs] == [
        (first.run_id, False),
        (second.run_id, True),
    ]
    again = await comparable(rt, second.run_id)
    assert [(r.key, r.match_status) for r in again] == [
        ("A", "discrepancy"), ("M", "matched"), ("S", "discrepancy"),
        ("X", "missing_payshack"), ("Y", "missing_vima"),
    ]  # fmt: skip
    assert second.summary is not None
    assert second.summary["changes"] == {"new": 0, "cleared": 0, "changed_type": 0}
    assert first.summary is not None and first.summary["changes"] is None


async def test_resolution_carries_over_to_same_key_and_type(rt: Runtime) -> None:
    await insert(rt, _day_rows())  # type: ignore[arg-type]
    first = await run(rt, D)
    amount = await _row(rt, first.run_id, "A")
    status = await _row(rt, first.run_id, "S")
    await service.resolve(rt, SYSTEM, amount["id"], "acknowledged", "refund pending")  # type: ignore[arg-type]
    await service.resolve(rt, SYSTEM, status["id"], "resolved", "fixed by ops")  # type: ignore[arg-type]
    # S's PayShack row changes status: S is now matched; A stays an amount discrepancy.
    await insert(rt, [payshack("S", at(D, 11), status="success", source_id="p-S")])
    async with rt.engine.begin() as conn:
        await conn.execute(
            text("DELETE FROM transactions WHERE client_operation_id = 'S' AND source_id <> 'p-S' "
                 "AND source = 'payshack'")
        )  # fmt: skip
    second = await run(rt, D)
    carried = await _row(rt, second.run_id, "A")
    assert (carried["resolution"], carried["note"], carried["resolved_by"]) == (
        "acknowledged",
        "refund pending",
        "system",
    )
    assert carried["first_seen_at"] == amount["first_seen_at"]
    assert carried["change"] == "unchanged"
    assert second.summary is not None
    assert second.summary["changes"] == {"new": 0, "cleared": 1, "changed_type": 0}


async def test_changed_type_reopens_and_changes_are_listed(rt: Runtime) -> None:
    await insert(rt, [vima("A", at(D, 10)), payshack("A", at(D, 10), "90.00", source_id="pA")])
    first = await run(rt, D)
    row = await _row(rt, first.run_id, "A")
    await service.resolve(rt, SYSTEM, row["id"], "acknowledged", None)  # type: ignore[arg-type]
    await insert(
        rt,
        [
            payshack("A", at(D, 10), "90.00", status="failed", source_id="pA"),  # now status
            vima("N", at(D, 14)),  # new
        ],
    )
    second = await run(rt, D)
    moved = await _row(rt, second.run_id, "A")
    assert (moved["discrepancy_type"], moved["resolution"], moved["change"]) == (
        "status",
        "open",
        "changed_type",
    )
    assert second.summary is not None
    assert second.summary["changes"] == {"new": 1, "cleared": 0, "changed_type": 1}
    async with rt.engine.connect() as conn:
        new = await service.list_changes(conn, SYSTEM, second.run_id, "new", 1, 50)
        changed = await service.list_changes(conn, SYSTEM, second.run_id, "changed_type", 1, 50)
    assert [r["client_operation_id"] for r in new["data"]] == ["N"]
    assert [r["client_operation_id"] for r in changed["data"]] == ["A"]


async def test_a_failed_run_leaves_the_previous_run_current(rt: Runtime) -> None:
    await insert(rt, _day_rows())  # type: ignore[arg-type]
    first = await run(rt, D)

    async def explode(conn: AsyncConnection) -> None:
        raise RuntimeError("disk full (injected)")

    failed = await run_day(rt, D, SYSTEM, before_commit=explode)
    assert failed.status == "failed"
    assert failed.message == "run failed: RuntimeError"
    runs = {r["id"]: r for r in await _runs(rt)}
    assert runs[first.run_id]["is_current"] is True
    assert (runs[failed.run_id]["status"], runs[failed.run_id]["is_current"]) == ("failed", False)
    assert await results(rt, failed.run_id) == []
    assert len(await comparable(rt, first.run_id)) == 5
    async with rt.engine.connect() as conn:
        summary = await service.build_summary(conn, D)
    assert summary["run_id"] == first.run_id


async def test_every_shard_count_gives_the_same_rows(rt: Runtime) -> None:
    """Keys are split over shards by hash; any number of shards classifies alike (one
    shard gets all keys; with 5, most shards get one or two of these keys, some none)."""
    await insert(rt, _day_rows())  # type: ignore[arg-type]
    outcomes = [await run(with_settings(rt, recon_workers=n), D) for n in (1, 2, 5)]
    # Superseded runs keep their discrepant rows, not their matched pairs.
    rows = [
        sorted(repr(r) for r in await comparable(rt, o.run_id) if r.match_status != "matched")
        for o in outcomes
    ]
    assert len(rows[0]) == 4
    assert rows[1] == rows[0] and rows[2] == rows[0]
    assert len(await comparable(rt, outcomes[-1].run_id)) == 5
    assert [o.summary["matched"] for o in outcomes if o.summary] == [1, 1, 1]
    async with rt.engine.connect() as conn:
        chunks = await conn.execute(
            text("SELECT chunk, cardinality(keys) FROM reconciliation_matches ORDER BY chunk")
        )
        # Only the current run keeps its pairs: the one key matched, in its shard's chunk.
        assert [n for _, n in chunks] == [1]


async def test_rows_of_a_run_whose_process_died_are_deleted_by_the_next_run(
    rt: Runtime,
) -> None:
    """A process that died mid-run leaves its run `running` with the rows its shards had
    committed: no reader shows them, and the next run of the day deletes them."""
    await insert(rt, _day_rows())  # type: ignore[arg-type]
    async with rt.engine.begin() as conn:
        dead = (
            await conn.execute(
                text(
                    "INSERT INTO reconciliation_runs (recon_date, status, triggered_by, "
                    "settings) VALUES (:d, 'running', 'system', '{}') RETURNING id"
                ),
                {"d": D},
            )
        ).scalar_one()
        await conn.execute(
            text(
                "INSERT INTO reconciliation_results (id, recon_date, recon_run_id, "
                "client_operation_id, match_status, discrepancy_type) "
                "VALUES (gen_random_uuid(), :d, :r, 'Z', 'discrepancy', 'amount')"
            ),
            {"d": D, "r": dead},
        )
        await conn.execute(
            text(
                "INSERT INTO reconciliation_matches (recon_run_id, chunk, recon_date, keys, "
                "vima_txn_ids, payshack_txn_ids) VALUES (:r, 0, :d, '{}', '{}', '{}')"
            ),
            {"d": D, "r": dead},
        )
    async with rt.engine.connect() as conn:
        listed = await service.list_discrepancies(
            conn, SYSTEM, service.ResultFilter(run_id=dead), page=1, limit=50
        )
    assert listed["data"] == [] and listed["meta"]["total"] == 0
    fresh = await run(rt, D)
    runs = {r["id"]: r for r in await _runs(rt)}
    assert runs[dead]["status"] == "failed"
    assert runs[fresh.run_id]["is_current"] is True
    assert await results(rt, dead) == []
    async with rt.engine.connect() as conn:
        left = await conn.execute(
            text("SELECT count(*) FROM reconciliation_matches WHERE recon_run_id = :r"),
            {"r": dead},
        )
        assert left.scalar_one() == 0


async def test_a_constraint_failure_rolls_the_run_back(rt: Runtime) -> None:
    await insert(rt, _day_rows())  # type: ignore[arg-type]
    first = await run(rt, D)
    async with rt.engine.begin() as conn:
        await conn.execute(
            text(
                "ALTER TABLE reconciliation_results ADD CONSTRAINT test_no_missing "
                "CHECK (match_status <> 'missing_vima') NOT VALID"
            )
        )
    try:
        failed = await run_day(rt, D, SYSTEM)
    finally:
        async with rt.engine.begin() as conn:
            await conn.execute(
                text("ALTER TABLE reconciliation_results DROP CONSTRAINT test_no_missing")
            )
    assert failed.status == "failed"
    # The shard's own error, not the task group around it.
    assert failed.message == "run failed: IntegrityError"
    assert await results(rt, failed.run_id) == []
    assert [r["is_current"] for r in await _runs(rt)] == [True, False]
    assert len(await comparable(rt, first.run_id)) == 5


async def test_a_second_run_of_the_day_meanwhile_is_a_conflict(rt: Runtime) -> None:
    await insert(rt, _day_rows())  # type: ignore[arg-type]
    started = asyncio.Event()
    release = asyncio.Event()

    async def hold(conn: AsyncConnection) -> None:
        started.set()
        await release.wait()

    first = asyncio.create_task(run_day(rt, D, SYSTEM, before_commit=hold))
    await started.wait()
    with pytest.raises(Conflict):
        await run_day(rt, D, SYSTEM)
    other_day = await run_day(rt, NEXT - timedelta(days=2), SYSTEM)  # other days run freely
    release.set()
    assert (await first).status == "completed"
    assert other_day.status == "completed"
    assert [r["status"] for r in await _runs(rt)] == ["completed", "completed"]


async def test_lock_holder_blocks_runs_and_is_released(rt: Runtime) -> None:
    async with day_lock(rt.engine, D):
        with pytest.raises(Conflict):
            await run_day(rt, D, SYSTEM)
    assert (await run_day(rt, D, SYSTEM)).status == "completed"


async def test_resolving_while_the_day_runs_or_after_it_was_superseded(rt: Runtime) -> None:
    await insert(rt, _day_rows())  # type: ignore[arg-type]
    first = await run(rt, D)
    row = await _row(rt, first.run_id, "X")
    started = asyncio.Event()
    release = asyncio.Event()

    async def hold(conn: AsyncConnection) -> None:
        started.set()
        await release.wait()

    second = asyncio.create_task(run_day(rt, D, SYSTEM, before_commit=hold))
    await started.wait()
    with pytest.raises(Conflict, match="running"):
        await service.resolve(rt, SYSTEM, row["id"], "resolved", None)  # type: ignore[arg-type]
    release.set()
    await second
    with pytest.raises(Conflict, match="superseded"):
        await service.resolve(rt, SYSTEM, row["id"], "resolved", None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("vima_at", "payshack_at", "coverage"),
    [
        (at(NEXT, 2), at(NEXT, 2), "complete"),  # exactly day end + grace
        (at(NEXT, 1, 59), at(NEXT, 3), "partial"),
        (at(NEXT, 3), None, "partial"),
        (None, at(NEXT, 3), "partial"),
    ],
)
async def test_coverage_by_watermark(
    rt: Runtime, vima_at: datetime | None, payshack_at: datetime | None, coverage: str
) -> None:
    await insert(rt, _day_rows())  # type: ignore[arg-type]
    await mark_synced(rt, vima_at, payshack_at)
    outcome = await run(rt, D)
    async with rt.engine.connect() as conn:
        summary = await service.build_summary(conn, D)
    assert summary["coverage"] == coverage
    assert summary["watermarks"]["required"] == "2026-03-11T02:00:00Z"
    flags = {r["client_operation_id"]: r["provisional"] for r in await results(rt, outcome.run_id)}
    missing = coverage == "partial"
    assert flags == {"A": False, "S": False, "X": missing, "Y": missing}


async def test_a_vima_sync_that_ran_out_of_pages_is_no_watermark(rt: Runtime) -> None:
    await mark_synced(rt, None, at(NEXT, 3))
    async with rt.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO sync_runs (source, kind, status, started_at, pages) "
                "VALUES ('vima', 'incremental', 'success', :t, :p)"
            ),
            {"t": at(NEXT, 5), "p": rt.settings.vima_max_pages_per_run},
        )
    await run(rt, D)
    async with rt.engine.connect() as conn:
        summary = await service.build_summary(conn, D)
    assert (summary["coverage"], summary["watermarks"]["vima"]) == ("partial", None)


async def test_money_at_risk(rt: Runtime) -> None:
    await insert(rt, _day_rows())  # type: ignore[arg-type]
    first = await run(rt, D)
    async with rt.engine.connect() as conn:
        before = await exposure.money_at_risk(conn, first.run_id)
    assert before["by_type"] == {
        "amount": Decimal("1.00"),
        "missing_payshack": Decimal("100.00"),
        "missing_vima": Decimal("100.00"),
        "status": Decimal("100.00"),
    }
    assert before["total"] == Decimal("301.00")
    row = await _row(rt, first.run_id, "S")
    await service.resolve(rt, SYSTEM, row["id"], "resolved", None)  # type: ignore[arg-type]
    async with rt.engine.connect() as conn:
        after = await exposure.money_at_risk(conn, first.run_id)
    assert (after["total"], after["open_count"]) == (Decimal("201.00"), 3)
    assert after["oldest_open_at"] == row["first_seen_at"]


async def test_future_days_are_refused_today_runs(rt: Runtime) -> None:
    today = datetime.now(UTC).date()
    with pytest.raises(ValidationFailed):
        await run_day(rt, today + timedelta(days=1), SYSTEM)
    assert (await run_day(rt, today, SYSTEM)).status == "completed"


async def test_scheduled_run_reconciles_yesterday(rt: Runtime) -> None:
    outcome = await run_scheduled(rt)
    assert outcome is not None and outcome.status == "completed"
    assert outcome.day == datetime.now(UTC).date() - timedelta(days=1)


def test_next_fire_time_in_the_reconciliation_zone(rt: Runtime) -> None:
    s = with_settings(rt, recon_timezone="Asia/Kolkata", recon_schedule=time(2, 0)).settings
    before = datetime(2026, 3, 10, 20, 0, tzinfo=UTC)  # 01:30 IST on the 11th
    assert next_fire_time(s, before) == datetime(2026, 3, 10, 20, 30, tzinfo=UTC)
    after = datetime(2026, 3, 10, 20, 30, tzinfo=UTC)
    assert next_fire_time(s, after) == datetime(2026, 3, 11, 20, 30, tzinfo=UTC)
    ny = with_settings(rt, recon_timezone="America/New_York", recon_schedule=time(2, 30)).settings
    # 8 March 2026: New York skips 02:00-03:00; the run fires when the clock jumps.
    fire = next_fire_time(ny, datetime(2026, 3, 8, 5, 0, tzinfo=UTC))
    assert fire == datetime(2026, 3, 8, 7, 30, tzinfo=UTC)


async def test_resolution_of_a_cross_midnight_duplicate_carries_over(rt: Runtime) -> None:
    """A duplicate reported on both days (rule 1 within the window) keeps each day's
    resolution over a re-run, and a resolution on one day does not touch the other's."""
    await insert(rt, [payshack("K", at(D, 23, 30)), payshack("K", at(NEXT, 0, 30))])  # type: ignore[list-item]
    first_d, first_next = await run(rt, D), await run(rt, NEXT)
    row_d = await _row(rt, first_d.run_id, "K")
    assert (row_d["match_status"], row_d["discrepancy_type"]) == ("discrepancy", "duplicate")
    await service.resolve(rt, SYSTEM, row_d["id"], "resolved", "refunded twice")  # type: ignore[arg-type]
    again_d, again_next = await run(rt, D), await run(rt, NEXT)
    carried = await _row(rt, again_d.run_id, "K")
    assert (carried["resolution"], carried["note"], carried["change"]) == (
        "resolved", "refunded twice", "unchanged",
    )  # fmt: skip
    other = await _row(rt, again_next.run_id, "K")
    assert (other["discrepancy_type"], other["resolution"]) == ("duplicate", "open")
    assert first_next.run_id != again_next.run_id
