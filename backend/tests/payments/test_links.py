"""The payment links, kept by the upsert: both arrival orders, duplicates, the window,
idempotent re-syncs, updates of a linked row, and the backfill giving the same links."""

from __future__ import annotations

import random
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from httpx import AsyncClient
from sqlalchemy import text

from psp_dashboard.payments.links import DEFAULT_RULE, relink_all
from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.records import NormalizedTransaction
from psp_dashboard.sync.upsert import upsert_transactions
from tests.api import daily_level
from tests.api.conftest import Api

DAY = datetime(2026, 2, 10, tzinfo=UTC)

# The 30-minute rollup against the rows, counterpart measures included.
ROLLUP_MISMATCHES = text(
    """
    WITH truth AS (
        SELECT date_bin('30 minutes', created_at, TIMESTAMPTZ '2000-01-01Z') AS bucket,
               source, COALESCE(project, '') AS project, status,
               COALESCE(original_status, '') AS original_status,
               COALESCE(payment_method, '') AS payment_method,
               COALESCE(merchant_id, '') AS merchant_id, currency,
               COUNT(*) AS count, SUM(amount) AS amount,
               COUNT(counterpart_of) AS counterpart_count,
               COALESCE(SUM(amount) FILTER (WHERE counterpart_of IS NOT NULL), 0)
                   AS counterpart_amount
        FROM transactions GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
    ),
    rolled AS (
        SELECT bucket, source, project, status, original_status, payment_method,
               merchant_id, currency, count, amount, counterpart_count, counterpart_amount
        FROM transaction_rollup
        WHERE count <> 0 OR amount <> 0 OR counterpart_count <> 0 OR counterpart_amount <> 0
    )
    SELECT COUNT(*) FROM (
        (SELECT * FROM truth EXCEPT SELECT * FROM rolled)
        UNION ALL
        (SELECT * FROM rolled EXCEPT SELECT * FROM truth)
    ) diff
    """
)


def vima(key: str | None, at: datetime, amount: str = "100.00", **kw: Any) -> NormalizedTransaction:
    return NormalizedTransaction(
        source="vima",
        source_id=kw.pop("source_id", f"op-{key}-{at.isoformat()}"),
        created_at=at,
        amount=Decimal(amount),
        status=kw.pop("status", "success"),
        client_operation_id=key,
        project=kw.pop("project", "91game"),
        raw_data={"k": key, "at": at.isoformat(), **kw},
    )


def payshack(
    key: str | None, at: datetime, amount: str = "100.00", **kw: Any
) -> NormalizedTransaction:
    return NormalizedTransaction(
        source="payshack",
        source_id=kw.pop("source_id", f"ps-{key}-{at.isoformat()}"),
        created_at=at,
        amount=Decimal(amount),
        status=kw.pop("status", "success"),
        order_id=key,
        project=kw.pop("project", "91game"),
        utr=f"UTR-{key}",
        raw_data={"k": key, "at": at.isoformat(), **kw},
    )


async def write(runtime: Runtime, rows: list[NormalizedTransaction]) -> None:
    async with runtime.engine.begin() as conn:
        await upsert_transactions(conn, rows)


async def links(runtime: Runtime) -> dict[str, str]:
    """PayShack source_id → the source_id of the Vima row it is the counterpart of."""
    async with runtime.engine.connect() as conn:
        result = await conn.execute(
            text(
                "SELECT p.source_id, v.source_id FROM transactions p "
                "JOIN transactions v ON v.id = p.counterpart_of WHERE p.source = 'payshack'"
            )
        )
        return {row[0]: row[1] for row in result}


async def consistent(runtime: Runtime) -> bool:
    async with runtime.engine.connect() as conn:
        rollup = int((await conn.execute(ROLLUP_MISMATCHES)).scalar_one())
    return rollup == 0 and await daily_level.mismatches(runtime) == 0


async def test_a_counterpart_links_in_either_arrival_order(clean_db: Runtime) -> None:
    first = [vima("A", DAY + timedelta(hours=3)), payshack("B", DAY + timedelta(hours=4))]
    await write(clean_db, first)
    assert await links(clean_db) == {}
    # A sync later: A's PayShack row arrives after its Vima row, B's Vima row after its
    # PayShack row.
    later = [
        payshack("A", DAY + timedelta(hours=3, minutes=1)),
        vima("B", DAY + timedelta(hours=5)),
    ]
    await write(clean_db, later)
    got = await links(clean_db)
    assert got == {later[0].source_id: first[0].source_id, first[1].source_id: later[1].source_id}
    assert await consistent(clean_db)


async def test_resync_is_idempotent_and_an_update_keeps_the_rollup_exact(
    clean_db: Runtime,
) -> None:
    rows = [vima("A", DAY + timedelta(hours=1)), payshack("A", DAY + timedelta(hours=1, minutes=2))]
    await write(clean_db, rows)
    await write(clean_db, rows)
    assert len(await links(clean_db)) == 1
    # The linked PayShack row changes status and amount: its counterpart measures move
    # with it to the new rollup row.
    changed = replace(rows[1], status="failed", amount=Decimal("99.5000"), raw_data={"v": 2})
    await write(clean_db, [changed])
    assert len(await links(clean_db)) == 1
    assert await consistent(clean_db)


async def test_a_duplicate_is_never_linked_twice(clean_db: Runtime) -> None:
    v = vima("D", DAY + timedelta(hours=10))
    near = payshack("D", DAY + timedelta(hours=10, minutes=5), source_id="near")
    far = payshack("D", DAY + timedelta(hours=11), source_id="far")
    await write(clean_db, [far, v])
    await write(clean_db, [near])
    assert await links(clean_db) == {"near": v.source_id}
    # Two operations with one key and one pay-in: the closer operation is the record.
    w = vima("E", DAY + timedelta(hours=14), source_id="early")
    x = vima("E", DAY + timedelta(hours=15), source_id="late")
    await write(
        clean_db, [w, x, payshack("E", DAY + timedelta(hours=14, minutes=58), source_id="p")]
    )
    assert (await links(clean_db))["p"] == "late"
    assert len(await links(clean_db)) == 2
    assert await consistent(clean_db)


async def test_only_reconciled_projects_within_the_window_are_linked(clean_db: Runtime) -> None:
    await write(
        clean_db,
        [
            # Another project: both rows are payments of their own (not reconciled).
            vima("M", DAY + timedelta(hours=2), project="monetix"),
            payshack("M", DAY + timedelta(hours=2), project="monetix"),
            # Same key, but the pay-in is after the Vima row's day + grace (120 min).
            vima("W", DAY + timedelta(hours=20)),
            payshack("W", DAY + timedelta(days=1, hours=2, minutes=1)),
            # Inside the grace window after midnight: linked.
            vima("G", DAY + timedelta(hours=23, minutes=50)),
            payshack("G", DAY + timedelta(days=1, hours=1, minutes=59), source_id="g"),
        ],
    )
    assert set(await links(clean_db)) == {"g"}
    assert await consistent(clean_db)


async def test_a_key_that_changes_relinks_its_old_partner(clean_db: Runtime) -> None:
    v = vima("K", DAY + timedelta(hours=6), source_id="v")
    await write(clean_db, [v, payshack("K", DAY + timedelta(hours=6, minutes=1), source_id="p")])
    assert await links(clean_db) == {"p": "v"}
    await write(clean_db, [replace(v, client_operation_id="K2", raw_data={"k": "K2"})])
    assert await links(clean_db) == {}
    assert await consistent(clean_db)


async def test_the_backfill_finds_the_same_links(clean_db: Runtime) -> None:
    rows = [
        vima("A", DAY + timedelta(hours=1)),
        payshack("A", DAY + timedelta(hours=1, minutes=3)),
        vima("B", DAY + timedelta(hours=2)),
        payshack("B", DAY + timedelta(hours=2, minutes=1), source_id="b1"),
        payshack("B", DAY + timedelta(hours=2, minutes=9), source_id="b2"),
    ]
    await write(clean_db, rows)
    before = await links(clean_db)
    assert len(before) == 2
    async with clean_db.engine.begin() as conn:
        # An installation from before the links: no link, no counterpart measures.
        await conn.execute(text("UPDATE transactions SET counterpart_of = NULL"))
        await conn.execute(
            text("UPDATE transaction_rollup SET counterpart_count = 0, counterpart_amount = 0")
        )
        assert await relink_all(conn, DEFAULT_RULE) == 2
    assert await links(clean_db) == before
    assert await consistent(clean_db)


async def test_a_linked_pair_reads_as_one_payment(clean_db: Runtime, client: AsyncClient) -> None:
    v = vima("P", DAY + timedelta(hours=8), source_id="v")
    p = payshack("P", DAY + timedelta(hours=8, minutes=2), source_id="p")
    lone = vima("L", DAY + timedelta(hours=9), source_id="lone")
    await write(clean_db, [v, p, lone])
    async with clean_db.engine.connect() as conn:
        ids = dict((await conn.execute(text("SELECT source_id, id FROM transactions"))).all())
    api = Api(client, clean_db)
    for asked in ("v", "p"):
        data = await api.data(f"/payments/{ids[asked]}", role="viewer")
        assert data["linked"] is True
        assert (data["record"]["source_id"], data["counterpart"]["source_id"]) == ("v", "p")
        assert "@" not in str(data["counterpart"]["user_email"] or "")  # masked for viewers
    single = await api.data(f"/payments/{ids['lone']}")
    assert (single["linked"], single["record"]["source_id"], single["counterpart"]) == (
        False, "lone", None,
    )  # fmt: skip
    found = await api.data("/payments/links", id=[str(ids[s]) for s in ("v", "p", "lone")])
    assert {(x["id"], x["partner_id"]) for x in found} == {
        (str(ids["v"]), str(ids["p"])), (str(ids["p"]), str(ids["v"])),
    }  # fmt: skip
    missing = await api.get(f"/payments/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert (await api.get("/payments/links", id="not-a-uuid")).status_code == 400


async def test_incremental_links_equal_the_backfill_on_random_keys(clean_db: Runtime) -> None:
    """Random keys with several rows per side, around midnight and the grace edge,
    written in random batches: the links kept batch by batch equal the set-based
    backfill's, and no row is in two links."""
    rng = random.Random(7)
    rows: list[NormalizedTransaction] = []
    for i in range(150):
        key = f"r{i % 60}"  # keys repeat: duplicates on both sides
        at = DAY + timedelta(hours=22) + timedelta(minutes=rng.randrange(-600, 400))
        project = rng.choice(("91game", "91game", "monetix"))
        make = vima if rng.random() < 0.5 else payshack
        rows.append(make(key, at, project=project, source_id=f"s{i}"))
    rng.shuffle(rows)
    for start in range(0, len(rows), 17):
        await write(clean_db, rows[start : start + 17])
    kept = await links(clean_db)
    assert len(kept) > 10
    assert len(set(kept.values())) == len(kept)
    async with clean_db.engine.begin() as conn:
        await conn.execute(text("UPDATE transactions SET counterpart_of = NULL"))
        await conn.execute(
            text("UPDATE transaction_rollup SET counterpart_count = 0, counterpart_amount = 0")
        )
        await relink_all(conn, DEFAULT_RULE)
    assert await links(clean_db) == kept
    assert await consistent(clean_db)
