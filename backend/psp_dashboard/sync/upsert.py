"""Set-based load of normalized rows, keeping `transaction_rollup` in step.

New rows are COPYed straight in; changed rows go through a staging table and one
`INSERT … ON CONFLICT … WHERE data_hash IS DISTINCT FROM …` that also adds the new
version of each row to the rollup and subtracts the old one. Everything happens in the
caller's transaction; rows whose `data_hash` did not change are not written at all.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from asyncpg.exceptions import UniqueViolationError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.models.rollup import bucket_sql, bucket_start
from psp_dashboard.models.transaction import INGESTED_COLUMNS
from psp_dashboard.partitions import ensure_partitions
from psp_dashboard.payments.links import DEFAULT_RULE, LinkRule, keys_of, lock_keys, relink
from psp_dashboard.sync.records import NormalizedTransaction

# Staged columns, in COPY order (`id` and `ingested_at` come from table defaults).
COLUMNS = INGESTED_COLUMNS
_KEY = ("source", "source_id", "created_at")
_UPDATABLE = [c for c in COLUMNS if c not in _KEY]
_COLS = ", ".join(COLUMNS)
_DIMS = (
    "source, COALESCE(project, '') AS project, status, "
    "COALESCE(original_status, '') AS original_status, "
    "COALESCE(payment_method, '') AS payment_method, "
    "COALESCE(merchant_id, '') AS merchant_id, currency"
)
_DIM_NAMES = "source, project, status, original_status, payment_method, merchant_id, currency"

# Always taken from the new record: what identifies and values the payment.
_REPLACED = {"amount", "currency", "status", "original_status", "data_hash",
             "source_update_cursor", "updated_at"}  # fmt: skip
# A later record never erases what an earlier, richer one gave: the browser transport
# reads fewer PayShack fields than the API does, and must not blank the others.
_UPDATE_SET = ", ".join(
    f"{c} = EXCLUDED.{c}"
    if c in _REPLACED
    else f"{c} = transactions.raw_data || EXCLUDED.{c}"
    if c == "raw_data"
    else f"{c} = COALESCE(EXCLUDED.{c}, transactions.{c})"
    for c in _UPDATABLE
)

_OLD_COLS = ", ".join(
    f"t.{c}"
    for c in ("source", "project", "status", "original_status", "payment_method",
              "merchant_id", "currency", "created_at", "amount", "fee")
) + ", (t.counterpart_of IS NOT NULL)::int AS linked, t.direction"  # fmt: skip

# Written with every new row (seen_at and id from the table's defaults).
_HISTORY_COLUMNS = ("source", "source_id", "created_at", "status", "original_status", "sync_run_id")

STAGE_DDL = (
    "CREATE TEMP TABLE IF NOT EXISTS tx_stage "
    "(LIKE transactions INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
)

UPSERT_SQL = f"""
WITH old AS (
    SELECT {_OLD_COLS}, t.source_id
    FROM tx_stage s
    JOIN transactions t
      ON t.source = s.source AND t.source_id = s.source_id AND t.created_at = s.created_at
    WHERE t.data_hash IS DISTINCT FROM s.data_hash
),
up AS (
    INSERT INTO transactions ({_COLS})
    SELECT {_COLS} FROM tx_stage
    ON CONFLICT (source, source_id, created_at) DO UPDATE SET
        {_UPDATE_SET},
        ingested_at = NOW()
    WHERE transactions.data_hash IS DISTINCT FROM EXCLUDED.data_hash
    RETURNING source, project, status, original_status, payment_method, merchant_id,
              currency, created_at, amount, fee, (counterpart_of IS NOT NULL)::int AS linked,
              direction, source_id
),
-- Status history (models/status_history.py): inserted rows, and updated rows whose
-- status or provider status moved; seen_at defaults to now(), the rows' ingested_at.
-- A refund of a row seen successful before is marked as a reversal (docs/upi.md).
history AS (
    INSERT INTO transaction_status_history
        (source, source_id, created_at, status, original_status, sync_run_id, reversal)
    SELECT u.source, u.source_id, u.created_at, u.status, u.original_status,
           CAST(:sync_run_id AS uuid),
           u.status = 'refunded' AND (o.status IS NOT DISTINCT FROM 'success' OR EXISTS (
               SELECT 1 FROM transaction_status_history p
               WHERE p.source = u.source AND p.source_id = u.source_id
                 AND p.created_at = u.created_at AND p.status = 'success'))
    FROM up u
    LEFT JOIN old o
      ON o.source = u.source AND o.source_id = u.source_id AND o.created_at = u.created_at
    WHERE o.source_id IS NULL
       OR o.status IS DISTINCT FROM u.status
       OR o.original_status IS DISTINCT FROM u.original_status
    RETURNING 1
),
-- A linked row keeps its link through an update (payments/links.py re-checks it after):
-- its counterpart measures move with its count from the old dimensions to the new.
delta AS (
    -- The rollups sum pay-ins only (0013): pay-outs are read from their own index.
    SELECT {_DIMS}, created_at, 1 AS n, amount, COALESCE(fee, 0) AS fee, linked FROM up
    WHERE direction = 'payin'
    UNION ALL
    SELECT {_DIMS}, created_at, -1, -amount, -COALESCE(fee, 0), linked FROM old
    WHERE direction = 'payin'
),
agg AS (
    SELECT {bucket_sql("created_at")} AS bucket,
           {_DIM_NAMES}, SUM(n) AS count, SUM(amount) AS amount, SUM(fee) AS fee,
           SUM(n * linked) AS counterpart_count, SUM(amount * linked) AS counterpart_amount
    FROM delta
    GROUP BY 1, {_DIM_NAMES}
    -- One lock order for every writer: concurrent batches cannot deadlock on the rollup.
    ORDER BY 1, {_DIM_NAMES}
),
rolled AS (
    INSERT INTO transaction_rollup (bucket, {_DIM_NAMES}, count, amount, fee,
                                    counterpart_count, counterpart_amount)
    SELECT bucket, {_DIM_NAMES}, count, amount, fee, counterpart_count, counterpart_amount
    FROM agg
    ON CONFLICT ON CONSTRAINT pk_transaction_rollup DO UPDATE SET
        count = transaction_rollup.count + EXCLUDED.count,
        amount = transaction_rollup.amount + EXCLUDED.amount,
        fee = transaction_rollup.fee + EXCLUDED.fee,
        counterpart_count = transaction_rollup.counterpart_count
                            + EXCLUDED.counterpart_count,
        counterpart_amount = transaction_rollup.counterpart_amount
                             + EXCLUDED.counterpart_amount
    RETURNING 1
)
-- xmax cannot be read back from a partitioned table: rows that existed with another
-- hash are exactly the updated ones, the rest of `up` was inserted.
SELECT (SELECT COUNT(*) FROM up) - (SELECT COUNT(*) FROM old) AS inserted,
       (SELECT COUNT(*) FROM old) AS updated,
       (SELECT COUNT(*) FROM rolled) AS rollup_rows
"""


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    staged: int
    inserted: int
    updated: int

    @property
    def unchanged(self) -> int:
        return self.staged - self.inserted - self.updated


def canonical_json(raw: dict[str, Any]) -> str:
    """Sorted keys, no spaces: the same record always gives the same text (and hash)."""
    try:
        return orjson.dumps(raw, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        # orjson refuses integers beyond 64 bits; the standard encoder takes anything.
        return json.dumps(raw, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def data_hash(raw_text: str) -> str:
    return hashlib.sha256(raw_text.encode()).hexdigest()


def to_record(row: NormalizedTransaction, raw_text: str, digest: str) -> tuple[Any, ...]:
    return (
        row.source,
        row.source_id,
        row.reference_id,
        row.client_operation_id,
        row.order_id,
        row.project,
        row.merchant_id,
        row.amount,
        row.currency,
        row.fee,
        row.status,
        row.direction,
        row.original_status,
        row.user_id,
        row.user_email,
        row.user_phone,
        row.user_name,
        row.country,
        row.utr,
        row.payment_method,
        row.payment_product,
        row.created_at,
        row.updated_at,
        row.completed_at,
        row.source_create_cursor,
        row.source_update_cursor,
        raw_text,
        digest,
    )


def dedupe_last(rows: Iterable[NormalizedTransaction]) -> list[NormalizedTransaction]:
    """One row per key, the last seen winning: ON CONFLICT cannot touch a row twice, and
    a batch may hold an operation from both the create and the update walk."""
    latest: dict[tuple[str, str, Any], NormalizedTransaction] = {}
    for row in rows:
        latest[(row.source, row.source_id, row.created_at)] = row
    return list(latest.values())


# `source_id = ANY(...)` probes the (source, source_id, created_at) unique index of each
# partition; a join against unnest() let the planner pick a hash join that scanned the
# whole partition for every batch.
_EXISTING_SQL = """
SELECT source_id, created_at, data_hash FROM transactions
WHERE source = :source AND source_id = ANY(CAST(:ids AS text[]))
"""

_ROLLUP_ADD_SQL = """
INSERT INTO transaction_rollup (bucket, source, project, status, original_status,
                                payment_method, merchant_id, currency, count, amount, fee)
SELECT * FROM unnest(
    CAST(:bucket AS timestamptz[]), CAST(:source AS text[]), CAST(:project AS text[]),
    CAST(:status AS text[]), CAST(:original_status AS text[]),
    CAST(:payment_method AS text[]), CAST(:merchant_id AS text[]),
    CAST(:currency AS text[]), CAST(:count AS bigint[]), CAST(:amount AS numeric[]),
    CAST(:fee AS numeric[]))
ON CONFLICT ON CONSTRAINT pk_transaction_rollup DO UPDATE SET
    count = transaction_rollup.count + EXCLUDED.count,
    amount = transaction_rollup.amount + EXCLUDED.amount,
    fee = transaction_rollup.fee + EXCLUDED.fee
"""

Prepared = tuple[NormalizedTransaction, tuple[Any, ...]]


def rollup_of(rows: Sequence[NormalizedTransaction]) -> dict[str, list[Any]]:
    """Rollup increments for newly inserted rows, as column arrays in one lock order."""
    sums: dict[tuple[Any, ...], list[Any]] = {}
    for r in rows:
        if r.direction != "payin":
            continue  # the rollups sum pay-ins only; pay-outs are read from their index
        key = (bucket_start(r.created_at), r.source, r.project or "", r.status,
               r.original_status or "", r.payment_method or "", r.merchant_id or "",
               r.currency)  # fmt: skip
        acc = sums.setdefault(key, [0, Decimal(0), Decimal(0)])
        acc[0] += 1
        acc[1] += r.amount
        acc[2] += r.fee or 0
    names = ("bucket", "source", "project", "status", "original_status", "payment_method",
             "merchant_id", "currency", "count", "amount", "fee")  # fmt: skip
    columns: dict[str, list[Any]] = {n: [] for n in names}
    for key in sorted(sums):
        for name, value in zip(names, (*key, *sums[key]), strict=True):
            columns[name].append(value)
    return columns


async def existing_hashes(
    conn: AsyncConnection, source: str, rows: Sequence[NormalizedTransaction]
) -> dict[tuple[str, datetime], str | None]:
    result = await conn.execute(
        text(_EXISTING_SQL),
        {"ids": [r.source_id for r in rows], "source": source},
    )
    return {(r[0], r[1]): r[2] for r in result}


async def _copy_new(
    conn: AsyncConnection, prepared: Sequence[Prepared], sync_run_id: uuid.UUID | None
) -> None:
    """Fast path for rows that do not exist yet: straight COPY, rollup from Python."""
    driver = (await conn.get_raw_connection()).driver_connection
    assert driver is not None
    await driver.copy_records_to_table(
        "transactions", records=[record for _, record in prepared], columns=COLUMNS
    )
    await driver.copy_records_to_table(
        "transaction_status_history",
        records=[
            (r.source, r.source_id, r.created_at, r.status, r.original_status, sync_run_id)
            for r, _ in prepared
        ],
        columns=_HISTORY_COLUMNS,
    )
    await conn.execute(text(_ROLLUP_ADD_SQL), rollup_of([row for row, _ in prepared]))


async def _stage_and_upsert(
    conn: AsyncConnection, prepared: Sequence[Prepared], sync_run_id: uuid.UUID | None
) -> tuple[int, int]:
    """General path (changed rows, races): COPY to stage, one upsert with rollup deltas."""
    await conn.execute(text(STAGE_DDL))
    driver = (await conn.get_raw_connection()).driver_connection
    assert driver is not None
    await driver.copy_records_to_table(
        "tx_stage", records=[record for _, record in prepared], columns=COLUMNS
    )
    result = (await conn.execute(text(UPSERT_SQL), {"sync_run_id": sync_run_id})).one()
    # ON COMMIT DELETE ROWS empties the stage at commit; a second batch in the same
    # transaction must not see this one's rows.
    await conn.execute(text("TRUNCATE tx_stage"))
    return int(result[0]), int(result[1])


async def upsert_transactions(
    conn: AsyncConnection,
    rows: Sequence[NormalizedTransaction],
    *,
    months_ahead: int = 0,
    link_rule: LinkRule = DEFAULT_RULE,
    sync_run_id: uuid.UUID | None = None,
) -> UpsertCounts:
    """Upsert `rows` within the caller's transaction; unchanged rows are not written.

    One lookup of the stored hashes splits the batch: unchanged rows are dropped, new
    rows are COPYed straight into `transactions`, changed rows go through the staged
    upsert. Should a concurrent writer insert one of the "new" keys first, the COPY's
    savepoint rolls back and the batch takes the staged path, which handles conflicts.
    Both paths add to the status history: every new row, and every changed row whose
    status or original status moved (tagged with `sync_run_id` when given).
    The written rows' payment links are then brought in line (`payments/links.py`),
    still in the caller's transaction.
    """
    unique = dedupe_last(rows)
    if not unique:
        return UpsertCounts(0, 0, 0)
    inserted = updated = 0
    by_source: dict[str, list[NormalizedTransaction]] = {}
    for row in unique:
        by_source.setdefault(row.source, []).append(row)
    await ensure_partitions(conn, {r.created_at for r in unique}, ahead=months_ahead)
    # Before any write, in one sorted order: deadlock-free (payments/links.py).
    await lock_keys(conn, keys_of(r for r in unique if r.project in link_rule.projects))
    written: list[NormalizedTransaction] = []
    for source, group in by_source.items():
        stored = await existing_hashes(conn, source, group)
        new: list[Prepared] = []
        changed: list[Prepared] = []
        for row in group:
            raw_text = canonical_json(row.raw_data)
            digest = data_hash(raw_text)
            key = (row.source_id, row.created_at)
            if key not in stored:
                new.append((row, to_record(row, raw_text, digest)))
            elif stored[key] != digest:
                changed.append((row, to_record(row, raw_text, digest)))
        if new:
            try:
                async with conn.begin_nested():
                    await _copy_new(conn, new, sync_run_id)
                inserted += len(new)
            except (IntegrityError, UniqueViolationError):
                changed += new
        if changed:
            added, modified = await _stage_and_upsert(conn, changed, sync_run_id)
            inserted += added
            updated += modified
        written += [row for row, _ in (*new, *changed)]
    await relink(conn, keys_of(written), link_rule)
    return UpsertCounts(staged=len(unique), inserted=inserted, updated=updated)
