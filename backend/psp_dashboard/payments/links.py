"""Which rows are the same payment: the PayShack row of a reconciled pay-in is the
counterpart of its Vima row (docs/payments.md).

A pay-in of a reconciled project goes through Vima (the collector) and PayShack (the
provider), and both sync it. The Vima row is the record; the PayShack row with the same
key (Vima `client_operation_id` = PayShack `order_id`), the same project, created inside
the Vima row's reconciliation window (its day in RECON_TIMEZONE widened by
RECON_GRACE_MINUTES on both sides, as `reconciliation.md` reads the two sides) is its
counterpart: `transactions.counterpart_of` holds the Vima row's id. When a key has
several candidates, a pair is linked only when each row is the other's closest in time
(ties by id), so no row is ever in two links and no payment is subtracted twice.

The rollup carries the links (`counterpart_count`, `counterpart_amount` on the PayShack
row's bucket), so "payments" = rows - counterparts is summed without reading rows.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.config import Settings
from psp_dashboard.models.rollup import bucket_sql
from psp_dashboard.sync.records import NormalizedTransaction

# One advisory-lock space for linking; keys hash into this many slots, so a batch takes
# at most this many locks (the shared lock table is small) in one sorted order.
LOCK_CLASS = 0x5053_5031
LOCK_SLOTS = 64


@dataclass(frozen=True, slots=True)
class LinkRule:
    projects: tuple[str, ...]
    timezone: str
    grace: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> LinkRule:
        return cls(
            tuple(settings.recon_projects),
            settings.recon_timezone,
            timedelta(minutes=settings.recon_grace_minutes),
        )

    def params(self) -> dict[str, object]:
        return {"projects": list(self.projects), "tz": self.timezone, "grace": self.grace}


# The reconciliation's defaults (config.py); the pipeline passes the configured rule.
DEFAULT_RULE = LinkRule(("91game",), "UTC", timedelta(minutes=120))

_DIMS = "source, project, status, original_status, payment_method, merchant_id, currency"
_ROW_DIMS = (
    "t.source, COALESCE(t.project, '') AS project, t.status, "
    "COALESCE(t.original_status, '') AS original_status, "
    "COALESCE(t.payment_method, '') AS payment_method, "
    "COALESCE(t.merchant_id, '') AS merchant_id, t.currency"
)


def _relink_sql(vima_keys: str, payshack_keys: str) -> str:
    """One statement: the wanted links of the PayShack rows whose key passes
    `payshack_keys` (against Vima rows passing `vima_keys`), written where they differ,
    with the rollup moved by the difference. `v`/`p`: the two sides of the keys."""
    # MATERIALIZED: computed once. Inlined, the planner re-ran the window functions of
    # `best` once per PayShack row (measured: 2 s for a batch of 1,000 keys).
    return f"""
WITH v AS MATERIALIZED (
    SELECT id, client_operation_id AS k, project, created_at,
           (date_trunc('day', created_at AT TIME ZONE :tz) AT TIME ZONE :tz) AS ds,
           ((date_trunc('day', created_at AT TIME ZONE :tz) + interval '1 day')
                AT TIME ZONE :tz) AS de
    FROM transactions
    WHERE source = 'vima' AND project = ANY(CAST(:projects AS text[])) AND {vima_keys}
),
p AS MATERIALIZED (
    SELECT id, order_id AS k, project, created_at, counterpart_of
    FROM transactions
    WHERE source = 'payshack' AND {payshack_keys}
),
cand AS MATERIALIZED (
    SELECT v.id AS vid, p.id AS pid, abs(extract(epoch FROM p.created_at - v.created_at)) AS d
    FROM v JOIN p ON p.k = v.k AND p.project = v.project
    WHERE p.created_at >= v.ds - CAST(:grace AS interval)
      AND p.created_at <= v.de + CAST(:grace AS interval)
),
best AS MATERIALIZED (
    SELECT vid, pid FROM (
        SELECT vid, pid,
               row_number() OVER (PARTITION BY vid ORDER BY d, pid) AS rv,
               row_number() OVER (PARTITION BY pid ORDER BY d, vid) AS rp
        FROM cand
    ) r
    WHERE rv = 1 AND rp = 1
),
change AS MATERIALIZED (
    SELECT p.id, p.created_at, b.vid AS want, p.counterpart_of AS had
    FROM p LEFT JOIN best b ON b.pid = p.id
    WHERE p.counterpart_of IS DISTINCT FROM b.vid
),
moved AS (
    UPDATE transactions t SET counterpart_of = c.want
    FROM change c
    WHERE t.source = 'payshack' AND t.id = c.id AND t.created_at = c.created_at
      -- Primary-key probes in each partition, not a scan of the PayShack rows.
      AND t.id = ANY(ARRAY(SELECT id FROM change))
    RETURNING {_ROW_DIMS}, t.created_at, t.amount,
              (c.want IS NOT NULL)::int - (c.had IS NOT NULL)::int AS n
),
agg AS (
    SELECT {bucket_sql("created_at")} AS bucket, {_DIMS},
           SUM(n) AS n, SUM(n * amount) AS amount
    FROM moved WHERE n <> 0
    GROUP BY 1, {_DIMS}
    -- The upsert's lock order: concurrent writers cannot deadlock on the rollup.
    ORDER BY 1, {_DIMS}
),
rolled AS (
    INSERT INTO transaction_rollup (bucket, {_DIMS}, count, amount, fee,
                                    counterpart_count, counterpart_amount)
    SELECT bucket, {_DIMS}, 0, 0, 0, n, amount FROM agg
    ON CONFLICT ON CONSTRAINT pk_transaction_rollup DO UPDATE SET
        counterpart_count = transaction_rollup.counterpart_count + EXCLUDED.counterpart_count,
        counterpart_amount = transaction_rollup.counterpart_amount + EXCLUDED.counterpart_amount
    RETURNING 1
)
SELECT (SELECT COUNT(*) FROM moved) AS moved, (SELECT COUNT(*) FROM rolled) AS rolled
"""


# Every key at once, set-based (the migration's backfill): tables then have statistics
# and the joins are hashed.
RELINK_ALL_SQL = _relink_sql("client_operation_id IS NOT NULL", "order_id IS NOT NULL")
# The same once pay-outs exist (0013): a pay-out is never the same payment as a pay-in.
# (0009 runs RELINK_ALL_SQL before the `direction` column exists.)
RELINK_ALL_PAYINS_SQL = _relink_sql(
    "client_operation_id IS NOT NULL", "order_id IS NOT NULL AND direction = 'payin'"
)

# One hop from the batch's keys: the keys of rows a batch row was linked to before (a
# key that changed leaves its old partner to be re-linked, or unlinked).
_PARTNER_KEYS_SQL = """
SELECT p.order_id FROM transactions p
WHERE p.source = 'payshack' AND p.counterpart_of = ANY(ARRAY(
    SELECT id FROM transactions
    WHERE source = 'vima' AND client_operation_id = ANY(CAST(:keys AS text[]))))
UNION
SELECT v.client_operation_id FROM transactions v
WHERE v.source = 'vima' AND v.id = ANY(ARRAY(
    SELECT counterpart_of FROM transactions
    WHERE source = 'payshack' AND order_id = ANY(CAST(:keys AS text[]))
      AND counterpart_of IS NOT NULL))
"""

_LOCK_SQL = """
SELECT pg_advisory_xact_lock(CAST(:cls AS int), slot)
FROM unnest(CAST(:slots AS int[])) AS slot ORDER BY slot
"""


def keys_of(rows: Iterable[NormalizedTransaction]) -> list[str]:
    """The link keys a batch touches (either side; ingestion stores keys trimmed)."""
    keys: set[str] = set()
    for row in rows:
        if row.direction != "payin":
            continue  # a pay-out is never the same payment as a pay-in
        key = row.client_operation_id if row.source == "vima" else row.order_id
        if key:
            keys.add(key)
    return sorted(keys)


def _slot(key: str) -> int:
    # Stable across processes (Python's str hash is salted per process).
    return sum(key.encode()) % LOCK_SLOTS


async def lock_keys(conn: AsyncConnection, keys: Sequence[str]) -> None:
    """Serialize writers of the same keys until commit. Two batches that write the two
    sides of one payment concurrently would otherwise each miss the other's
    uncommitted row; with the lock the second relinks after the first committed (each
    statement of READ COMMITTED sees what committed before it started). Only rows of
    reconciled projects can link, so only their keys are locked: other projects'
    batches never wait. Taken before any write, in one sorted order: no deadlock; the
    price is that concurrent batches of reconciled rows write one after the other."""
    if keys:
        slots = sorted({_slot(k) for k in keys})
        await conn.execute(text(_LOCK_SQL), {"cls": LOCK_CLASS, "slots": slots})


@dataclass(frozen=True, slots=True)
class Side:
    """A row of either side as the matcher needs it."""

    id: uuid.UUID
    created_at: datetime
    key: str
    project: str | None
    counterpart_of: uuid.UUID | None = None


def window(created_at: datetime, rule: LinkRule) -> tuple[datetime, datetime]:
    """The Vima row's reconciliation window: its local day widened by the grace."""
    tz = ZoneInfo(rule.timezone)
    day = created_at.astimezone(tz).date()
    start = datetime.combine(day, time(0), tz).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), tz).astimezone(UTC)
    return start - rule.grace, end + rule.grace


def wanted_links(
    vima: Iterable[Side], payshack: Iterable[Side], rule: LinkRule
) -> dict[uuid.UUID, uuid.UUID]:
    """PayShack id → Vima id, by the rule (the SQL of `RELINK_ALL_SQL` says the same):
    same key and project (a reconciled one), inside the Vima row's window, and each the
    other's closest in time (ties by id)."""
    by_key: dict[tuple[str, str | None], list[Side]] = defaultdict(list)
    for v in vima:
        if v.project in rule.projects:
            by_key[(v.key, v.project)].append(v)
    best_v: dict[uuid.UUID, tuple[timedelta, uuid.UUID]] = {}
    best_p: dict[uuid.UUID, tuple[timedelta, uuid.UUID]] = {}
    for p in payshack:
        for v in by_key.get((p.key, p.project), ()):
            lo, hi = window(v.created_at, rule)
            if not lo <= p.created_at <= hi:
                continue
            d = abs(p.created_at - v.created_at)
            if v.id not in best_v or (d, p.id) < best_v[v.id]:
                best_v[v.id] = (d, p.id)
            if p.id not in best_p or (d, v.id) < best_p[p.id]:
                best_p[p.id] = (d, v.id)
    return {pid: vid for pid, (_, vid) in best_p.items() if best_v[vid][1] == pid}


_SIDES_SQL = """
SELECT source, id, created_at, COALESCE(client_operation_id, order_id), project,
       counterpart_of
FROM transactions
WHERE source = 'vima' AND project = ANY(CAST(:projects AS text[]))
  AND client_operation_id = ANY(CAST(:keys AS text[]))
UNION ALL
SELECT source, id, created_at, order_id, project, counterpart_of
FROM transactions
WHERE source = 'payshack' AND order_id = ANY(CAST(:keys AS text[])) AND direction = 'payin'
"""

# The changed links, written with the rollup moved by the difference. `= ANY(:ids)`:
# primary-key probes in each partition, whatever the planner knows of the tables.
_APPLY_SQL = f"""
WITH c AS (
    SELECT * FROM unnest(CAST(:ids AS uuid[]), CAST(:ats AS timestamptz[]),
                         CAST(:wants AS uuid[]), CAST(:ns AS int[]))
        AS c(id, created_at, want, n)
),
moved AS (
    UPDATE transactions t SET counterpart_of = c.want
    FROM c
    WHERE t.source = 'payshack' AND t.id = c.id AND t.created_at = c.created_at
      AND t.id = ANY(CAST(:ids AS uuid[]))
    RETURNING {_ROW_DIMS}, t.created_at, t.amount, c.n
),
agg AS (
    SELECT {bucket_sql("created_at")} AS bucket, {_DIMS},
           SUM(n) AS n, SUM(n * amount) AS amount
    FROM moved WHERE n <> 0
    GROUP BY 1, {_DIMS}
    -- The upsert's lock order: concurrent writers cannot deadlock on the rollup.
    ORDER BY 1, {_DIMS}
)
INSERT INTO transaction_rollup (bucket, {_DIMS}, count, amount, fee,
                                counterpart_count, counterpart_amount)
SELECT bucket, {_DIMS}, 0, 0, 0, n, amount FROM agg
ON CONFLICT ON CONSTRAINT pk_transaction_rollup DO UPDATE SET
    counterpart_count = transaction_rollup.counterpart_count + EXCLUDED.counterpart_count,
    counterpart_amount = transaction_rollup.counterpart_amount + EXCLUDED.counterpart_amount
"""


async def relink(conn: AsyncConnection, keys: Sequence[str], rule: LinkRule) -> int:
    """Bring the links of `keys` in line with the rule; returns the rows re-linked.

    The rows of the keys are read by index probes and matched here (`wanted_links`): a
    statement joining the two sides was planned as a nested loop whenever a partition
    had no statistics yet (a new month, a test), 1.5 s for 1,000 keys."""
    if not keys:
        return 0
    found = await conn.execute(text(_PARTNER_KEYS_SQL), {"keys": list(keys)})
    everything = sorted({*keys, *(k for (k,) in found if k)})
    rows = await conn.execute(
        text(_SIDES_SQL), {"keys": everything, "projects": list(rule.projects)}
    )
    vima: list[Side] = []
    payshack: list[Side] = []
    for source, row_id, created_at, key, project, counterpart_of in rows:
        side = Side(row_id, created_at, key, project, counterpart_of)
        (vima if source == "vima" else payshack).append(side)
    wanted = wanted_links(vima, payshack, rule)
    changes = []
    for p in payshack:
        want = wanted.get(p.id)
        if want != p.counterpart_of:
            moved = int(want is not None) - int(p.counterpart_of is not None)
            changes.append((p.id, p.created_at, want, moved))
    if changes:
        ids, ats, wants, ns = (list(column) for column in zip(*changes, strict=True))
        await conn.execute(text(_APPLY_SQL), {"ids": ids, "ats": ats, "wants": wants, "ns": ns})
    return len(changes)


async def relink_all(conn: AsyncConnection, rule: LinkRule) -> int:
    """Every key at once (the migration's backfill, a changed RECON_PROJECTS)."""
    result = await conn.execute(text(RELINK_ALL_PAYINS_SQL), rule.params())
    return int(result.one()[0])
