"""Random small days, reconciled by the engine and by the sandbox's independent reading
of the rules (sandbox/recon_rules.py): they must agree key by key.

Rows cluster around the day's edges in its time zone (grace windows, DST days), on
few keys (so duplicates, neighbours' pairs and orphans happen), with amounts and
times at and around the tolerances.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.config import ReconParams
from psp_dashboard.sandbox.recon_rules import reconcile_day
from psp_dashboard.sandbox.truth_records import TruthRecord
from tests.reconciliation.support import (
    STATUSES,
    Txn,
    brief,
    comparable,
    insert,
    run,
    with_settings,
)

# 8 March 2026 is a 23-hour day in New York.
DAYS = (date(2026, 3, 8), date(2026, 3, 10))
ZONES = ("UTC", "Asia/Kolkata", "America/New_York")
KEYS = ("K1", "K2", "K3", "K4", None)
AMOUNTS = ("100.00", "100.01", "100.50", "99.50", "0.01")


@st.composite
def worlds(draw: st.DrawFn) -> dict[str, Any]:
    day = draw(st.sampled_from(DAYS))
    zone = draw(st.sampled_from(ZONES))
    grace = draw(st.sampled_from((0, 30, 120)))
    tolerance = Decimal(draw(st.sampled_from(("0", "0.01", "0.50"))))
    minutes = draw(st.sampled_from((0, 1, 30)))
    start = datetime.combine(day, time(0), ZoneInfo(zone))
    end = datetime.combine(day + timedelta(days=1), time(0), ZoneInfo(zone))
    # Instants near what matters: the day's edges, their grace bounds, the day itself.
    g = timedelta(minutes=grace)
    half = timedelta(hours=12)
    anchors = [start, end, start - g, end + g, start + half, start - half, end + half]
    rows = []
    for _ in range(draw(st.integers(0, 10))):
        anchor = draw(st.sampled_from(anchors))
        shift = draw(st.sampled_from((0, 1, -1, 60, -60, 1800, -1800, 1801, 7200)))
        rows.append(
            Txn(
                source=draw(st.sampled_from(("vima", "payshack"))),
                key=draw(st.sampled_from(KEYS)),
                at=anchor + timedelta(seconds=shift),
                amount=draw(st.sampled_from(AMOUNTS)),
                status=draw(st.sampled_from(STATUSES)),
                project=draw(st.sampled_from(("91game", "91game", "91game", "monetix"))),
                source_id=f"s{len(rows)}",
            )
        )
    return {"day": day, "zone": zone, "grace": grace, "tol": tolerance, "t": minutes,
            "rows": rows}  # fmt: skip


def truth(world: dict[str, Any]) -> list[Any]:
    params = ReconParams(
        timezone=world["zone"],
        grace_minutes=world["grace"],
        amount_tolerance=world["tol"],
        time_tolerance_minutes=world["t"],
        projects=("91game",),
    )
    records = [
        TruthRecord(r.source, r.source_id, r.key, r.project, r.at, Decimal(r.amount),
                    r.status, r.status, i)  # type: ignore[arg-type]
        for i, r in enumerate(world["rows"])
    ]  # fmt: skip
    vima = [r for r in records if r.source == "vima"]
    payshack = [r for r in records if r.source == "payshack"]
    return reconcile_day(world["day"], vima, payshack, params)


@settings(
    max_examples=60,
    database=None,  # no .hypothesis directory in the repo
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
async def test_engine_agrees_with_the_rules_key_by_key(rt: Runtime, world: dict[str, Any]) -> None:
    async with rt.engine.begin() as conn:
        await conn.execute(
            text("TRUNCATE transactions, reconciliation_results, reconciliation_runs CASCADE")
        )
    configured = with_settings(
        rt,
        recon_timezone=world["zone"],
        recon_grace_minutes=world["grace"],
        recon_amount_tolerance=world["tol"],
        recon_time_tolerance_minutes=world["t"],
        # 1 to 3 shards across the examples: the split by key never changes a row.
        recon_workers=1 + len(world["rows"]) % 3,
    )
    await insert(configured, world["rows"])
    outcome = await run(configured, world["day"])
    assert brief(await comparable(configured, outcome.run_id)) == brief(truth(world))
