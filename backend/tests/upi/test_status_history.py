"""The status history ingestion writes: one entry per new row and per status change,
none for re-syncs or changes of other fields; the timeline and reversal flag read it."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.records import NormalizedTransaction
from psp_dashboard.sync.upsert import upsert_transactions
from tests.api.conftest import Api
from tests.api.factory import make_transaction

CREATED = datetime(2026, 5, 3, 9, 15, tzinfo=UTC)


def payin(status: str, original: str, **changes: object) -> NormalizedTransaction:
    row = make_transaction(
        random.Random(1), 1, CREATED, source="payshack", source_id="ps-1", project="mncl_m5",
        status=status, original_status=original, amount=Decimal("1234.5600"),
    )  # fmt: skip
    return replace(row, raw_data={"status": original, **changes}, **changes)  # type: ignore[arg-type]


async def history(runtime: Runtime) -> list[tuple[str, str, datetime]]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT status, original_status, seen_at FROM transaction_status_history "
                 "ORDER BY seen_at, id")
        )  # fmt: skip
        return [(r[0], r[1], r[2]) for r in rows]


async def write(runtime: Runtime, row: NormalizedTransaction) -> None:
    """One sync batch: its own database transaction (so its own seen_at)."""
    async with runtime.engine.begin() as conn:
        await upsert_transactions(conn, [row])


async def test_each_status_seen_is_recorded_once_in_order(clean_db: Runtime) -> None:
    await write(clean_db, payin("pending", "INITIATED"))
    await write(clean_db, payin("pending", "INITIATED"))  # unchanged: not written at all
    await write(clean_db, payin("pending", "Pending"))  # the provider's status moved
    await write(clean_db, payin("pending", "Pending", utr="UTR1"))  # other field: no entry
    await write(clean_db, payin("success", "Success"))
    await write(clean_db, payin("refunded", "Cb_Refunded"))
    seen = await history(clean_db)
    assert [(s, o) for s, o, _ in seen] == [
        ("pending", "INITIATED"), ("pending", "Pending"), ("success", "Success"),
        ("refunded", "Cb_Refunded"),
    ]  # fmt: skip
    times = [t for _, _, t in seen]
    assert times == sorted(times) and len(set(times)) == 4


async def test_an_entry_is_seen_when_its_row_was_ingested(clean_db: Runtime) -> None:
    await write(clean_db, payin("pending", "INITIATED"))
    await write(clean_db, payin("success", "Success"))
    async with clean_db.engine.connect() as conn:
        ingested = (await conn.execute(text("SELECT ingested_at FROM transactions"))).scalar_one()
    assert (await history(clean_db))[-1][2] == ingested


async def test_timeline_and_reversal_age_through_the_api(clean_db: Runtime, api: Api) -> None:
    for status, original in (("pending", "INITIATED"), ("success", "Success"),
                             ("refunded", "Refunded")):  # fmt: skip
        await write(clean_db, payin(status, original))
    # Known instants: a success seen on day 1, the refund three days later.
    paid, refunded = CREATED + timedelta(hours=1), CREATED + timedelta(days=3, hours=2)
    async with clean_db.engine.begin() as conn:
        for status, at in (("pending", CREATED), ("success", paid), ("refunded", refunded)):
            await conn.execute(
                text("UPDATE transaction_status_history SET seen_at = :at WHERE status = :s"),
                {"at": at, "s": status},
            )
    listed = await api.data("/transactions", flag="reversed")
    assert [r["source_id"] for r in listed] == ["ps-1"]
    row = listed[0]
    expected_age = int((refunded - paid).total_seconds())
    assert row["upi"] == {"deemed": False, "reversed": True, "reversal_age_seconds": expected_age}
    detail = await api.data(f"/transactions/{row['id']}")
    assert detail["upi"]["reversal_age_seconds"] == expected_age
    timeline = await api.data(f"/transactions/{row['id']}/timeline")
    assert [(i["status"], i["original_status"]) for i in timeline["items"]] == [
        ("pending", "INITIATED"), ("success", "Success"), ("refunded", "Refunded"),
    ]  # fmt: skip
    assert [datetime.fromisoformat(i["seen_at"]) for i in timeline["items"]] == [
        CREATED, paid, refunded,
    ]  # fmt: skip
    assert timeline["reversal"]["age_seconds"] == expected_age


async def test_a_row_first_seen_refunded_is_not_a_reversal(clean_db: Runtime, api: Api) -> None:
    await write(clean_db, payin("refunded", "Refunded"))
    assert await api.data("/transactions", flag="reversed") == []
    (row,) = await api.data("/transactions")
    assert row["upi"] == {"deemed": False, "reversed": False, "reversal_age_seconds": None}


async def test_timeline_of_an_unknown_id_is_404(clean_db: Runtime, api: Api) -> None:
    response = await api.get("/transactions/00000000-0000-4000-8000-000000000000/timeline")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
