"""Random transactions for the read-API tests, loaded through the pipeline's own upsert
(which maintains `transaction_rollup` in the same transaction, as production does)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.records import NormalizedTransaction, Status
from psp_dashboard.sync.upsert import upsert_transactions

PROJECTS = ("91game", "monetix", "caroussel", None)
METHODS = ("UPI_INTENT", "apm", None)
MERCHANTS = ("91G_TECH_PVT_LTD", "MNCL_M5_Pvt_Ltd", "vima-acc-1", None)
ORIGINAL = {
    "vima": {
        "success": ("success",),
        "failed": ("fail", "declined"),
        "pending": ("in_process", "user_input_required"),
        "refunded": ("refund",),
    },
    "payshack": {
        "success": ("Success", "SUCCESS"),
        "failed": ("Failed", "Tampered"),
        "pending": ("INITIATED", "Pending"),
        "refunded": ("Refunded",),
    },
}
STATUS_WEIGHTS: tuple[tuple[Status, int], ...] = (
    ("success", 70),
    ("failed", 15),
    ("pending", 10),
    ("refunded", 5),
)


def random_amount(rng: random.Random) -> Decimal:
    # 4 decimals, sometimes tiny, sometimes large: sums must stay exact.
    scale = rng.choice((1, 100, 10_000, 1_000_000))
    return Decimal(rng.randint(1, scale * 10_000)) / Decimal(10_000)


def make_transaction(
    rng: random.Random, index: int, created_at: datetime, **overrides: Any
) -> NormalizedTransaction:
    source = rng.choice(("vima", "payshack"))
    status = rng.choices([s for s, _ in STATUS_WEIGHTS], [w for _, w in STATUS_WEIGHTS])[0]
    amount = random_amount(rng)
    row = NormalizedTransaction(
        source=source,  # type: ignore[arg-type]
        source_id=f"{source}-{index}",
        created_at=created_at,
        amount=amount,
        status=status,
        reference_id=f"ref-{index}",
        client_operation_id=f"cop-{index}",
        order_id=f"ord-{index}" if source == "payshack" else None,
        project=rng.choice(PROJECTS),
        merchant_id=rng.choice(MERCHANTS),
        fee=(amount * Decimal("0.0125")).quantize(Decimal("0.0001")) if index % 3 else None,
        original_status=rng.choice(ORIGINAL[source][status]),
        user_id=f"user-{index % 50}",
        user_email=f"Payer.{index}@Example.com",
        user_phone=f"90000{index:05d}",
        user_name=f"Payer Number{index}",
        country="IN",
        utr=f"UTR{index:09d}" if source == "payshack" else None,
        payment_method=rng.choice(METHODS),
        payment_product="upi",
        updated_at=created_at + timedelta(minutes=rng.randint(0, 90)),
        completed_at=created_at + timedelta(minutes=2) if status == "success" else None,
        raw_data={"id": f"{source}-{index}", "amount": str(amount), "n": index},
    )
    return replace(row, **overrides)


def boundary_instants(first: date, days: int) -> list[datetime]:
    """Instants on and just around UTC and IST day/hour edges, where bucketing errs."""
    out: list[datetime] = []
    for offset in range(days):
        midnight = datetime.combine(first + timedelta(days=offset), datetime.min.time(), UTC)
        ist_midnight = midnight - timedelta(hours=5, minutes=30)
        for edge in (midnight, ist_midnight, midnight + timedelta(hours=7, minutes=30)):
            out += [edge, edge - timedelta(microseconds=1), edge + timedelta(minutes=29)]
    return out


def random_dataset(
    seed: int, first: date, days: int, count: int, **overrides: Any
) -> list[NormalizedTransaction]:
    rng = random.Random(seed)
    start = datetime.combine(first, datetime.min.time(), UTC)
    span = int(timedelta(days=days).total_seconds() * 1_000_000)
    instants = [start + timedelta(microseconds=rng.randrange(span)) for _ in range(count)]
    instants += [i for i in boundary_instants(first, days) if start <= i < start + timedelta(days)]
    return [make_transaction(rng, n, at, **overrides) for n, at in enumerate(instants)]


async def load(runtime: Runtime, rows: Sequence[NormalizedTransaction]) -> None:
    async with runtime.engine.begin() as conn:
        for offset in range(0, len(rows), 2000):
            await upsert_transactions(conn, rows[offset : offset + 2000])
    # The pipeline drops the metrics cache after it changed data; so do the tests.
    await runtime.cache.invalidate_metrics()


async def db_rows(runtime: Runtime) -> list[dict[str, Any]]:
    async with runtime.engine.connect() as conn:
        result = await conn.execute(text("SELECT * FROM transactions"))
        return [dict(row._mapping) for row in result]
