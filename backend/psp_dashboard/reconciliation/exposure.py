"""Money at risk of a run: the definition (docs/reconciliation.md, "Money at risk") as
SQL, plus what is awaited and how old the unresolved rows are.

Every unresolved row (open or acknowledged) of the run falls in exactly one class:
- awaiting: an amount, status or missing row with a side still `pending` — money on its
  way, not at risk; counted apart with the payment's amount (Vima's, else PayShack's);
- at risk, by type:
  - amount: |vima − payshack|, when a side succeeded (statuses agree on amount rows);
  - status: the succeeded side's amount, when one side succeeded;
  - missing_payshack / missing_vima: the present side's amount, when it succeeded;
- nothing: time-only rows, duplicates, failed (or refunded) on both sides, missing rows
  that did not succeed, and the later half of a cross-window pair (a missing row whose
  key has one row a side, the other side's earlier: the pair counts once, on the
  earlier row's day).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.kit.json import money
from psp_dashboard.reconciliation.engine_sql import API_TYPE_SQL

RISK_TYPES = ("amount", "missing_vima", "missing_payshack", "status")
AGE_BUCKETS = ("lt_1d", "d1_3", "gt_3d")
DEFINITION = (
    "Unresolved rows only. Amount differences (absolute), missing rows whose present side "
    "succeeded, status mismatches where one side succeeded (that side's amount). Not "
    "time-only rows, duplicates, failed on both sides, nor rows with a pending side "
    "(shown apart as awaiting). A pair split across days outside the window counts once."
)

# The age bucket of a row by when it was first seen (`now` is the statement's instant).
AGE_BUCKET_SQL = """CASE
    WHEN now() - {t}first_seen_at < interval '1 day' THEN 'lt_1d'
    WHEN now() - {t}first_seen_at < interval '3 days' THEN 'd1_3'
    ELSE 'gt_3d' END"""
# The `age=` filter of the discrepancy list: the same boundaries.
AGE_CONDITIONS = {
    "lt_1d": "r.first_seen_at > now() - interval '1 day'",
    "d1_3": "r.first_seen_at <= now() - interval '1 day' "
    "AND r.first_seen_at > now() - interval '3 days'",
    "gt_3d": "r.first_seen_at <= now() - interval '3 days'",
}

# A missing row whose key has exactly one row on each side, the other side's earlier
# (so outside the window: a missing row has none inside it), is the later half of a
# cross-window pair (counterparts.py): the pair is counted once, on its earlier row's
# day. With more rows of the key, one of them may be a real extra payment: counted.
_PROJECTS = """(SELECT jsonb_array_elements_text(u.settings -> 'projects')
    FROM reconciliation_runs u WHERE u.id = r.recon_run_id)"""


def _linked_later(status: str, own: str, other: str, own_key: str, other_key: str) -> str:
    """The condition for rows of `status` (present side `own`); keys spelled out per
    side so each probe uses the index on its key column."""
    return f"""(r.match_status = '{status}' AND EXISTS (
        SELECT 1 FROM transactions t0 JOIN transactions o
          ON o.source = '{other}' AND o.{other_key} = r.client_operation_id
         AND o.created_at < t0.created_at AND o.project IN {_PROJECTS}
        WHERE t0.id = r.{own}_txn_id
          AND NOT EXISTS (SELECT 1 FROM transactions o2 WHERE o2.source = '{other}'
              AND o2.{other_key} = r.client_operation_id AND o2.id <> o.id
              AND o2.project IN {_PROJECTS})
          AND NOT EXISTS (SELECT 1 FROM transactions t2 WHERE t2.source = '{own}'
              AND t2.{own_key} = r.client_operation_id AND t2.id <> t0.id
              AND t2.project IN {_PROJECTS})))"""


_LINKED_LATER = (
    "(r.client_operation_id IS NOT NULL AND ("
    + _linked_later("missing_payshack", "vima", "payshack", "client_operation_id", "order_id")
    + " OR "
    + _linked_later("missing_vima", "payshack", "vima", "order_id", "client_operation_id")
    + "))"
)
_COUNTED = "t.type IN ('amount', 'status', 'missing_vima', 'missing_payshack')"
_PENDING = "'pending' IN (coalesce(t.vs, ''), coalesce(t.ps, ''))"
_SUCCESS = "'success' IN (coalesce(t.vs, ''), coalesce(t.ps, ''))"
_CLASSIFIED = f"""
    SELECT t.type, t.bucket,
           CASE WHEN t.linked_later THEN 'none'
                WHEN {_COUNTED} AND {_PENDING} THEN 'awaiting'
                WHEN {_COUNTED} AND {_SUCCESS} THEN 'risk'
                ELSE 'none' END AS klass,
           CASE WHEN {_COUNTED} AND {_PENDING} THEN coalesce(t.va, t.pa)
                WHEN t.type = 'amount' THEN abs(t.amount_diff)
                WHEN t.vs = 'success' THEN t.va
                WHEN t.ps = 'success' THEN t.pa
                ELSE 0 END AS amount,
           t.first_seen_at
    FROM (
        SELECT {API_TYPE_SQL.format(t="r.")} AS type, r.vima_status AS vs,
               r.payshack_status AS ps, r.vima_amount AS va, r.payshack_amount AS pa,
               r.amount_diff, r.first_seen_at, {AGE_BUCKET_SQL.format(t="r.")} AS bucket,
               {_LINKED_LATER} AS linked_later
        FROM reconciliation_results r
        WHERE r.recon_run_id = :run AND r.resolution <> 'resolved'
    ) t
"""

_EXPOSURE = text(
    f"""
    SELECT c.klass, c.type, c.bucket, count(*) AS n, coalesce(sum(c.amount), 0) AS amount,
           min(c.first_seen_at) AS oldest
    FROM ({_CLASSIFIED}) c
    GROUP BY c.klass, c.type, c.bucket
    """
)


def _zero() -> dict[str, Any]:
    return {"count": 0, "amount": Decimal(0)}


def empty_money_at_risk() -> dict[str, Any]:
    return shape({})


def shape(groups: dict[tuple[str, str, str], tuple[int, Decimal, Any]]) -> dict[str, Any]:
    """The summary's `money_at_risk` from (class, type, bucket) → (count, amount, oldest)."""
    by_type = dict.fromkeys(RISK_TYPES, Decimal(0))
    awaiting = _zero()
    buckets = {b: _zero() for b in AGE_BUCKETS}
    oldest = None
    open_count = 0
    for (klass, type_, bucket), (n, amount, first) in groups.items():
        open_count += n
        if first is not None and (oldest is None or first < oldest):
            oldest = first
        buckets[bucket]["count"] += n
        if klass == "risk":
            by_type[type_] += amount
            buckets[bucket]["amount"] += amount
        elif klass == "awaiting":
            awaiting["count"] += n
            awaiting["amount"] += amount
    return {
        "total": money(sum(by_type.values(), Decimal(0))),
        "by_type": {t: money(v) for t, v in by_type.items()},
        "oldest_open_at": oldest,
        "open_count": open_count,
        "awaiting": {"count": awaiting["count"], "amount": money(awaiting["amount"])},
        "age_buckets": {
            b: {"count": v["count"], "amount": money(v["amount"])} for b, v in buckets.items()
        },
        "definition": DEFINITION,
    }


async def money_at_risk(conn: AsyncConnection, run_id: uuid.UUID) -> dict[str, Any]:
    rows = await conn.execute(_EXPOSURE, {"run": run_id})
    groups = {(r.klass, r.type, r.bucket): (int(r.n), Decimal(r.amount), r.oldest) for r in rows}
    return shape(groups)
