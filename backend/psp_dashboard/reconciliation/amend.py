"""Amending a run: one key re-classified inside the day's current run, recorded.

After a re-fetch (sync/refetch.py) only one key may have changed; re-running the day
would take seconds to minutes and supersede the run. Instead the engine's own
statements (engine_sql: STREAM, DUPS, STORE) run restricted to that key — the shard
filter replaced by `k = :key`, the matched pairs written to a temp table — so the key
is classified by exactly the rules of a full run (no second implementation). Then, in
one transaction under the day's advisory lock (a full run of the day meanwhile → 409):
the key's old rows leave the run, its new rows come in with what carries over (the
resolution, note and first sighting of the same identity and type, as across re-runs),
the matched pairs and the run's summary counts are brought in line, and an amendment
row records before/after, who and why. Readers see the run before or after, never a mix.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.audit.service import record
from psp_dashboard.auth.principal import Principal
from psp_dashboard.cache import recon_summary_key
from psp_dashboard.reconciliation import engine, repository
from psp_dashboard.reconciliation import engine_sql as sql
from psp_dashboard.reconciliation.runs import day_lock, engine_params, summarize
from psp_dashboard.reconciliation.workbench import actor_id
from psp_dashboard.runtime import Runtime

_SHARD_FILTER = sql.SHARD_SQL.format(k="s.k")
_MATCHES_INSERT = "INSERT INTO reconciliation_matches ("


def _key_only(statement: str) -> str:
    """The engine's stream restricted to one key; its matched pairs into a temp table."""
    assert statement.count(_SHARD_FILTER) == 2 and statement.count(_MATCHES_INSERT) == 1
    return statement.replace(_SHARD_FILTER, "s.k = :key").replace(
        _MATCHES_INSERT, "INSERT INTO recon_key_matches ("
    )


KEY_STREAM = text(_key_only(str(sql.STREAM.text)))
_CREATE_KEY_MATCHES = text(
    "CREATE TEMP TABLE recon_key_matches (recon_run_id uuid, chunk int, recon_date date, "
    "keys text[], vima_txn_ids uuid[], payshack_txn_ids uuid[]) ON COMMIT DROP"
)
# What carries over: the key's own rows in this run (resolution of the same identity and
# type, first sighting of the same identity), as STORE reads a previous run's.
_CREATE_PREV = text(
    f"""
    CREATE TEMP TABLE recon_prev ON COMMIT DROP AS
    SELECT {sql.IDENTITY_SQL.format(t="")} AS ident, {sql.API_TYPE_SQL.format(t="")} AS api_type,
           resolution, resolved_by, resolved_at, note, first_seen_at
    FROM reconciliation_results WHERE recon_run_id = :prev_run_id AND client_operation_id = :key
    """
)
_OLD_ROWS = text(
    f"SELECT id, {sql.API_TYPE_SQL.format(t='')} AS api_type FROM reconciliation_results "
    "WHERE recon_run_id = :run AND client_operation_id = :key ORDER BY id"
)
_DROP_OLD = text(
    "DELETE FROM reconciliation_results WHERE recon_run_id = :run AND client_operation_id = :key"
)
# The key out of the run's matched arrays (the three arrays stay parallel).
_UNMATCH = text(
    """
    UPDATE reconciliation_matches m SET
        keys = array(SELECT k FROM unnest(m.keys, m.vima_txn_ids, m.payshack_txn_ids)
                     WITH ORDINALITY u(k, v, p, i) WHERE k IS DISTINCT FROM :key ORDER BY i),
        vima_txn_ids = array(SELECT v FROM unnest(m.keys, m.vima_txn_ids, m.payshack_txn_ids)
                     WITH ORDINALITY u(k, v, p, i) WHERE k IS DISTINCT FROM :key ORDER BY i),
        payshack_txn_ids = array(SELECT p FROM unnest(m.keys, m.vima_txn_ids,
                     m.payshack_txn_ids) WITH ORDINALITY u(k, v, p, i)
                     WHERE k IS DISTINCT FROM :key ORDER BY i)
    WHERE m.recon_run_id = :run AND :key = ANY(m.keys)
    RETURNING 1
    """
)
_ADD_MATCHES = text(
    """
    INSERT INTO reconciliation_matches (recon_run_id, chunk, recon_date, keys, vima_txn_ids,
                                        payshack_txn_ids)
    SELECT :run, (SELECT coalesce(max(chunk), -1) + 1 FROM reconciliation_matches
                  WHERE recon_run_id = :run),
           :day, keys, vima_txn_ids, payshack_txn_ids
    FROM recon_key_matches
    """
)
_MATCHED_COUNT = text(
    "SELECT coalesce(sum(cardinality(keys)), 0) FROM reconciliation_matches "
    "WHERE recon_run_id = :run"
)
# `change` of the new rows against the previous run of the day, as a full run sets it.
_FIX_CHANGE = text(
    f"""
    UPDATE reconciliation_results r SET change = CASE
        WHEN CAST(:prev AS uuid) IS NULL THEN NULL
        WHEN p.api_type IS NULL THEN 'new'
        WHEN p.api_type = {sql.API_TYPE_SQL.format(t="r.")} THEN 'unchanged'
        ELSE 'changed_type' END
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (
        SELECT {sql.API_TYPE_SQL.format(t="o.")} AS api_type FROM reconciliation_results o
        WHERE o.recon_run_id = :prev AND o.client_operation_id = :key LIMIT 1
    ) p ON true
    WHERE r.recon_run_id = :run AND r.client_operation_id = :key
    """
)
_INSERT_AMENDMENT = text(
    """
    INSERT INTO reconciliation_amendments (recon_run_id, recon_date, client_operation_id,
        before_statuses, after_statuses, actor_id, actor_email, reason, fetched)
    VALUES (:run, :day, :key, :before, :after, :actor_id, :actor_email, :reason,
            CAST(:fetched AS jsonb))
    RETURNING id, recon_run_id AS run_id, recon_date, client_operation_id,
              before_statuses AS before, after_statuses AS after, actor_email AS by, at, reason
    """
)
AMENDMENT_COLUMNS = (
    "id, recon_run_id AS run_id, recon_date, client_operation_id, before_statuses AS before, "
    "after_statuses AS after, actor_email AS by, at, reason"
)


@dataclass(frozen=True, slots=True)
class Amended:
    amendment: dict[str, Any]
    result_ids: list[uuid.UUID]  # the key's rows in the run now (none: matched)
    changed: bool  # the classification differs from before


async def reclassify_key(
    runtime: Runtime,
    day: date,
    key: str,
    principal: Principal,
    *,
    reason: str,
    fetched: dict[str, int] | None = None,
    keep_id: uuid.UUID | None = None,
) -> Amended | None:
    """Re-classify `key` in `day`'s current run and record the amendment; None when the
    day has no run or does not report the key. `keep_id`: the row the caller shows
    keeps its id when the key still has exactly one row (the panel stays on it)."""
    params = engine_params(runtime.settings)
    async with day_lock(runtime.engine, day) as conn, conn.begin():
        run_id = await repository.lock_current_run(conn, day)
        if run_id is None:
            return None
        run = await repository.get_run(conn, run_id)
        assert run is not None
        before = [(uuid.UUID(str(r.id)), str(r.api_type)) for r in await conn.execute(
            _OLD_ROWS, {"run": run_id, "key": key})]  # fmt: skip
        was_matched = bool(
            (await conn.execute(text(
                "SELECT 1 FROM reconciliation_matches WHERE recon_run_id = :run "
                "AND :key = ANY(keys)"), {"run": run_id, "key": key})).first()
        )  # fmt: skip
        bounds = await engine.day_bounds(conn, day, params.timezone, params.grace)
        now = (await conn.execute(text("SELECT clock_timestamp()"))).scalar_one()
        stream = engine.stream_params(
            run_id=run_id,
            previous_run_id=run_id,
            started_at=now,
            bounds=bounds,
            params=params,
            partial=run["coverage"] == "partial",
            shards=1,
        ) | {"shard": 0, "key": key, "id_prefix": engine.result_id_prefix(now)}
        await conn.execute(sql.CREATE_OTHER)
        await conn.execute(sql.CREATE_MEMBERS)
        await conn.execute(_CREATE_KEY_MATCHES)
        await conn.execute(KEY_STREAM, engine.only(stream, (*_STREAM_PARAMS, "key")))
        await conn.execute(sql.DUPS, engine.only(stream, engine._PROBE_PARAMS))
        await conn.execute(_CREATE_PREV, {"prev_run_id": run_id, "key": key})
        await conn.execute(_DROP_OLD, {"run": run_id, "key": key})
        if was_matched:
            await conn.execute(_UNMATCH, {"run": run_id, "key": key})
        await conn.execute(sql.STORE, engine.only(stream, engine.STORE_PARAMS))
        await conn.execute(_FIX_CHANGE, {"run": run_id, "prev": run["previous_run_id"], "key": key})
        await conn.execute(_ADD_MATCHES, {"run": run_id, "day": day})
        after_rows = [(uuid.UUID(str(r.id)), str(r.api_type)) for r in await conn.execute(
            _OLD_ROWS, {"run": run_id, "key": key})]  # fmt: skip
        now_matched = bool((await conn.execute(
            text("SELECT 1 FROM recon_key_matches LIMIT 1"))).first())  # fmt: skip
        if keep_id is not None and len(after_rows) == 1 and len(before) == 1:
            await conn.execute(
                text("UPDATE reconciliation_results SET id = :keep WHERE id = :new"),
                {"keep": keep_id, "new": after_rows[0][0]},
            )
            after_rows = [(keep_id, after_rows[0][1])]
        await _recount(conn, run_id, run)
        before_types = [t for _, t in before] + (["matched"] if was_matched else [])
        after_types = [t for _, t in after_rows] + (["matched"] if now_matched else [])
        if not before_types and not after_types:
            return None  # the day does not report the key (nothing was changed)
        amendment = dict(
            (
                await conn.execute(
                    _INSERT_AMENDMENT,
                    {
                        "run": run_id,
                        "day": day,
                        "key": key,
                        "before": before_types,
                        "after": after_types,
                        "actor_id": actor_id(principal),
                        "actor_email": principal.email,
                        "reason": reason,
                        "fetched": json.dumps(fetched or {}),
                    },
                )
            )
            .one()
            ._mapping
        )
        await record(
            conn, principal, "recon.amend", target=key,
            params={"run_id": str(run_id), "date": day.isoformat(), "reason": reason,
                    "before": before_types, "after": after_types},
        )  # fmt: skip
    await runtime.cache.delete(recon_summary_key(day.isoformat()))
    return Amended(
        amendment, [i for i, _ in after_rows], sorted(before_types) != sorted(after_types)
    )


_STREAM_PARAMS = engine._STREAM_PARAMS


async def _recount(conn: AsyncConnection, run_id: uuid.UUID, run: dict[str, Any]) -> None:
    """The run's summary counts from its rows and matched pairs, as a full run counts."""
    matched = int((await conn.execute(_MATCHED_COUNT, {"run": run_id})).scalar_one())
    result = await engine.count_run(conn, run_id, run["previous_run_id"], matched)
    summary = summarize(result)
    if run["previous_run_id"] is None:
        summary["changes"] = None
    summary["coverage"] = run["coverage"]
    await conn.execute(
        text(
            "UPDATE reconciliation_runs SET summary = CAST(:s AS jsonb), total = :t WHERE id = :id"
        ),
        {"s": json.dumps(summary, default=str), "t": summary["total_transactions"], "id": run_id},
    )


async def amendments_of(conn: AsyncConnection, run_ids: list[uuid.UUID]) -> dict[str, list[Any]]:
    """Each run's amendments, oldest first."""
    if not run_ids:
        return {}
    rows = await conn.execute(
        text(
            f"SELECT {AMENDMENT_COLUMNS} FROM reconciliation_amendments "
            "WHERE recon_run_id = ANY(:ids) ORDER BY at, id"
        ),
        {"ids": run_ids},
    )
    out: dict[str, list[Any]] = {}
    for r in rows:
        out.setdefault(str(r.run_id), []).append(dict(r._mapping))
    return out
