"""The engine's plans stay linear in the size of a day (issue #21).

A re-run joins its result rows with the previous run's by identity. Planned from an
unnested array (estimated at 10 rows) against a just-written run's results (estimated
at a few dozen), that join was a nested loop: thousands × thousands of comparisons,
24 s of a 25 s shard at 200k rows a day. The guard: on a day whose re-run carries
thousands of rows over, every join of the result statement and of the duplicates
statement is a hash or merge join, never a nested loop over two tables.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.partitions import ensure_partitions
from psp_dashboard.reconciliation import engine
from psp_dashboard.reconciliation import engine_sql as sql
from psp_dashboard.reconciliation.runs import engine_params
from psp_dashboard.runtime import Runtime
from tests.reconciliation.support import run

DAY = datetime(2026, 2, 10, tzinfo=UTC)
KEYS = 20_000

# Every fourth key is discrepant (amount, status or missing), every 50th a duplicate.
_SEED = """
INSERT INTO transactions (id, source, source_id, client_operation_id, order_id, project,
                          amount, currency, status, original_status, created_at, raw_data)
SELECT gen_random_uuid(), 'vima', 'v' || i, 'op-' || i, NULL, '91game', 100, 'INR',
       'success', 'success', CAST(:day AS timestamptz) + i * interval '4 s', '{}'::jsonb
FROM generate_series(1, CAST(:n AS int)) i
UNION ALL
SELECT gen_random_uuid(), 'vima', 'vd' || i, 'op-' || i, NULL, '91game', 100, 'INR',
       'success', 'success', CAST(:day AS timestamptz) + i * interval '4 s' + interval '1 min',
       '{}'::jsonb
FROM generate_series(1, CAST(:n AS int)) i WHERE i % 50 = 0
UNION ALL
SELECT gen_random_uuid(), 'payshack', 'p' || i, 'op-' || i, 'op-' || i, '91game',
       CASE WHEN i % 4 = 1 THEN 99 ELSE 100 END, 'INR',
       CASE WHEN i % 4 = 2 THEN 'failed' ELSE 'success' END, 'Success',
       CAST(:day AS timestamptz) + i * interval '4 s' + interval '10 s', '{}'::jsonb
FROM generate_series(1, CAST(:n AS int)) i WHERE i % 4 <> 3
"""


def _joins(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan] if "Join" in plan["Node Type"] or plan["Node Type"] == "Nested Loop" else []
    for child in plan.get("Plans", []):
        found += _joins(child)
    return found


def _relations(plan: dict[str, Any]) -> set[str]:
    names = {plan["Relation Name"]} if "Relation Name" in plan else set()
    for child in plan.get("Plans", []):
        names |= _relations(child)
    return names


async def _plan(conn: AsyncConnection, statement: str, params: dict[str, Any]) -> dict[str, Any]:
    rows = await conn.execute(text("EXPLAIN (FORMAT JSON) " + statement), params)
    raw = rows.scalar_one()
    return (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]  # type: ignore[no-any-return]


async def test_a_rerun_joins_with_the_previous_run_by_hash_not_by_loop(rt: Runtime) -> None:
    async with rt.engine.begin() as conn:
        await ensure_partitions(conn, [DAY])
        await conn.execute(text(_SEED), {"day": DAY, "n": KEYS})
        await conn.execute(text("ANALYZE transactions"))
    first = await run(rt, DAY.date())
    assert first.summary is not None
    assert first.summary["discrepancies"] > 5_000  # a mid-size carry-over

    async with rt.engine.connect() as conn, conn.begin():
        bounds = await engine.day_bounds(
            conn, DAY.date(), "UTC", timedelta(minutes=rt.settings.recon_grace_minutes)
        )
        stream = engine.stream_params(
            run_id=first.run_id,  # an existing run: its rows are rolled back below
            previous_run_id=first.run_id,
            started_at=datetime.now(UTC),
            bounds=bounds,
            params=engine_params(rt.settings),
            partial=False,
            shards=1,
        )
        stream |= {"shard": 0, "id_prefix": uuid.uuid4().hex[:24]}
        # The run's matched pairs are stored again under the same (run, chunk).
        await conn.execute(
            text("DELETE FROM reconciliation_matches WHERE recon_run_id = :id"),
            {"id": first.run_id},
        )
        await engine.classify_shard(conn, stream)
        store = await _plan(conn, sql.STORE.text, engine.only(stream, engine.STORE_PARAMS))
        await conn.rollback()

    carried = [j for j in _joins(store) if {"recon_other", "recon_prev"} <= _relations(j)]
    assert carried, "the result statement no longer joins the previous run's rows"
    lowest = min(carried, key=lambda j: len(json.dumps(j)))
    assert lowest["Node Type"] in ("Hash Join", "Merge Join"), lowest["Node Type"]
    loops = [j for j in _joins(store) if j["Node Type"] == "Nested Loop" and len(_relations(j)) > 1]
    assert not loops, [sorted(_relations(j)) for j in loops]
