"""Helpers for reconciliation tests: rows in, a run, results out as comparable rows.

Rows go in through the ingestion's own upsert (sync/upsert.py), as the pipeline writes
them. Results come out as the sandbox truth's `ReconRow` (ids are source ids), so the
engine can be compared with the independent reading in sandbox/recon_rules.py.
"""

from __future__ import annotations

import dataclasses
import itertools
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from psp_dashboard.auth.deps import SYSTEM
from psp_dashboard.reconciliation.runs import RunOutcome, run_day
from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.recon_rules import ReconRow
from psp_dashboard.sync.records import NormalizedTransaction
from psp_dashboard.sync.upsert import upsert_transactions

_ids = itertools.count(1)

# Every status of the normalized vocabulary, and an original spelling for each.
STATUSES = ("success", "failed", "pending", "refunded")
VIMA_ORIGINAL = {"success": "success", "failed": "fail", "pending": "in_process",
                 "refunded": "refunded"}  # fmt: skip
PAYSHACK_ORIGINAL = {"success": "Success", "failed": "Failed", "pending": "Initiated",
                     "refunded": "Refunded"}  # fmt: skip


@dataclass(frozen=True)
class Txn:
    """One stored transaction, as a test states it."""

    source: str  # vima | payshack
    key: str | None
    at: datetime
    amount: str = "100.00"
    status: str = "success"
    project: str | None = "91game"
    source_id: str = ""

    def normalized(self) -> NormalizedTransaction:
        sid = self.source_id or f"{self.source[0]}-{next(_ids)}"
        original = (VIMA_ORIGINAL if self.source == "vima" else PAYSHACK_ORIGINAL).get(
            self.status, self.status
        )
        return NormalizedTransaction(
            source="vima" if self.source == "vima" else "payshack",
            source_id=sid,
            created_at=self.at,
            amount=Decimal(self.amount),
            status=self.status,  # type: ignore[arg-type]
            client_operation_id=self.key,
            order_id=self.key if self.source == "payshack" else None,
            project=self.project,
            original_status=original,
            raw_data={"id": sid, "key": self.key, "amount": self.amount, "status": self.status},
        )


def vima(key: str | None, at: datetime, amount: str = "100.00", status: str = "success",
         **kw: Any) -> Txn:  # fmt: skip
    return Txn("vima", key, at, amount, status, **kw)


def payshack(key: str | None, at: datetime, amount: str = "100.00", status: str = "success",
             **kw: Any) -> Txn:  # fmt: skip
    return Txn("payshack", key, at, amount, status, **kw)


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=UTC)


async def insert(runtime: Runtime, rows: Iterable[Txn | NormalizedTransaction]) -> None:
    normalized = [r.normalized() if isinstance(r, Txn) else r for r in rows]
    async with runtime.engine.begin() as conn:
        await upsert_transactions(conn, normalized)


def with_settings(runtime: Runtime, **changes: Any) -> Runtime:
    """The same runtime (engine, cache) with other settings."""
    return dataclasses.replace(runtime, settings=runtime.settings.model_copy(update=changes))


async def run(runtime: Runtime, day: date, **kw: Any) -> RunOutcome:
    outcome = await run_day(runtime, day, SYSTEM, **kw)
    assert outcome.status == "completed", outcome.message
    return outcome


async def mark_synced(
    runtime: Runtime, vima_at: datetime | None, payshack_at: datetime | None
) -> None:
    """Watermarks as the sync leaves them: a successful Vima run started at `vima_at`,
    PayShack's watermark at `payshack_at`."""
    async with runtime.engine.begin() as conn:
        await conn.execute(text("DELETE FROM sync_runs"))
        if vima_at is not None:
            await conn.execute(
                text(
                    "INSERT INTO sync_runs (source, kind, status, started_at, pages) "
                    "VALUES ('vima', 'incremental', 'success', :t, 1)"
                ),
                {"t": vima_at},
            )
        await conn.execute(
            text("UPDATE sync_state SET watermark = :t WHERE source = 'payshack'"),
            {"t": payshack_at},
        )


FAR_FUTURE = datetime(2100, 1, 1, tzinfo=UTC)


async def results(runtime: Runtime, run_id: uuid.UUID) -> list[dict[str, Any]]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT * FROM reconciliation_results WHERE recon_run_id = :r "
                "ORDER BY client_operation_id, id"
            ),
            {"r": run_id},
        )
        return [dict(r._mapping) for r in rows]


async def comparable(runtime: Runtime, run_id: uuid.UUID) -> list[ReconRow]:
    """The run's rows (matched pairs included) as the truth's rows, ids as source ids."""
    async with runtime.engine.connect() as conn:
        txns = {
            r.id: r
            for r in await conn.execute(
                text("SELECT id, source_id, status, created_at FROM transactions")
            )
        }
        stored = [dict(r._mapping) for r in await conn.execute(
            text("SELECT * FROM reconciliation_results WHERE recon_run_id = :r"), {"r": run_id}
        )]  # fmt: skip
        matches = (
            await conn.execute(
                text(
                    "SELECT m.k, m.v, m.p FROM reconciliation_matches rm, "
                    "unnest(rm.keys, rm.vima_txn_ids, rm.payshack_txn_ids) AS m(k, v, p) "
                    "WHERE rm.recon_run_id = :r"
                ),
                {"r": run_id},
            )
        ).all()

    def sids(ids: Sequence[Any]) -> tuple[str, ...]:
        rows = sorted(
            (txns[uuid.UUID(str(i))] for i in ids), key=lambda t: (t.created_at, t.source_id)
        )
        return tuple(t.source_id for t in rows)

    out: list[ReconRow] = []
    for r in stored:
        details = r["details"] or {}
        if r["discrepancy_type"] == "duplicate":
            v_ids, p_ids = sids(details["vima_ids"]), sids(details["payshack_ids"])
        else:
            v_ids = sids([r["vima_txn_id"]] if r["vima_txn_id"] else [])
            p_ids = sids([r["payshack_txn_id"]] if r["payshack_txn_id"] else [])
        out.append(
            ReconRow(
                key=r["client_operation_id"],
                match_status=r["match_status"],
                discrepancy_type=r["discrepancy_type"],
                vima_ids=v_ids,
                payshack_ids=p_ids,
                vima_status=r["vima_status"],
                payshack_status=r["payshack_status"],
                amount_diff=r["amount_diff"],
                details=details,
            )
        )
    for key, v, p in matches:
        out.append(
            ReconRow(
                key, "matched", None, sids([v]), sids([p]), txns[v].status, txns[p].status, None
            )
        )
    return sorted_rows(out)


def sorted_rows(rows: Iterable[ReconRow]) -> list[ReconRow]:
    return sorted(rows, key=lambda r: (r.key is None, r.key or "", r.vima_ids, r.payshack_ids))


def brief(rows: Iterable[ReconRow]) -> list[tuple[Any, ...]]:
    """What must agree key by key (amount_diff normalized: 4 decimals in storage)."""
    return [
        (
            r.key,
            r.match_status,
            r.discrepancy_type,
            r.vima_ids,
            r.payshack_ids,
            r.vima_status,
            r.payshack_status,
            None if r.amount_diff is None else Decimal(r.amount_diff).quantize(Decimal("0.0001")),
        )
        for r in sorted_rows(rows)
    ]


def day_after(day: date, n: int = 1) -> date:
    return day + timedelta(days=n)
