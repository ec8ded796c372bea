"""Keyset (cursor) paging of GET /transactions, and search by payer VPA and name."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from psp_dashboard.auth.principal import Principal
from psp_dashboard.kit import keyset
from psp_dashboard.partitions import ensure_partitions
from psp_dashboard.runtime import Runtime
from psp_dashboard.transactions import schemas, service
from psp_dashboard.transactions.filters import TransactionFilters
from tests.api.conftest import Api
from tests.api.factory import db_rows, load, make_transaction, random_dataset

FIRST = date(2026, 3, 2)
ANALYST = Principal(id=uuid.uuid4(), email="walker@example.com", role="analyst")


async def walk(api: Api, limit: int, **params: Any) -> list[dict[str, Any]]:
    """Every row of the list, following `next_cursor` from page 1."""
    body = (await api.get("/transactions", limit=limit, **params)).json()
    rows = list(body["data"])
    while body["meta"]["next_cursor"] is not None:
        response = await api.get(
            "/transactions", limit=limit, cursor=body["meta"]["next_cursor"], **params
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "page" not in body["meta"]
        schemas.PageMeta.model_validate(body["meta"])
        rows += body["data"]
    return rows


async def test_cursor_walk_equals_the_offset_order_for_every_sort(api: Api) -> None:
    """Ties on every sort key (equal amounts and statuses, NULL updated_at) are where a
    keyset condition skips or repeats rows."""
    rng = random.Random(3)
    base = datetime(2026, 3, 2, 12, tzinfo=UTC)
    rows = [
        make_transaction(
            rng,
            n,
            base + timedelta(seconds=n // 4),  # four rows per instant
            amount=Decimal(rng.choice(("10.0000", "10.5000", "99.9900"))),
            updated_at=None if n % 3 == 0 else base + timedelta(minutes=n % 7),
        )
        for n in range(90)
    ]
    await load(api.runtime, rows)
    for sort_by in ("created_at", "amount", "status", "updated_at"):
        for order in ("asc", "desc"):
            walked = await walk(api, 7, sort_by=sort_by, order=order)
            full = (await api.get("/transactions", limit=100, sort_by=sort_by, order=order)).json()
            assert [r["id"] for r in walked] == [r["id"] for r in full["data"]], (sort_by, order)
            assert len(walked) == 90


async def test_page_mode_meta_carries_next_cursor_until_the_last_page(api: Api) -> None:
    await load(api.runtime, random_dataset(5, FIRST, 2, 30))
    total = len(await db_rows(api.runtime))
    first = (await api.get("/transactions", limit=10)).json()["meta"]
    assert first["page"] == 1 and isinstance(first["next_cursor"], str)
    last_page = -(-total // 10)
    last = (await api.get("/transactions", limit=10, page=last_page)).json()["meta"]
    assert last["next_cursor"] is None
    # The cursor of page 1 leads to exactly page 2.
    via_cursor = (await api.get("/transactions", limit=10, cursor=first["next_cursor"])).json()
    page_two = (await api.get("/transactions", limit=10, page=2)).json()
    assert via_cursor["data"] == page_two["data"]


async def test_filters_apply_to_cursor_pages_and_search_too(api: Api) -> None:
    await load(api.runtime, random_dataset(6, FIRST, 3, 120))
    rows = await db_rows(api.runtime)
    walked = await walk(api, 9, status="success", source="payshack")
    expected = {
        str(r["id"]) for r in rows if r["status"] == "success" and r["source"] == "payshack"
    }
    assert [r["id"] for r in walked] and {r["id"] for r in walked} == expected
    assert len(walked) == len(expected)
    user = rows[0]["user_id"]
    searched = await walk(api, 2, search=user)
    assert {r["id"] for r in searched} == {str(r["id"]) for r in rows if r["user_id"] == user}


async def test_bad_cursors_are_400_envelopes(api: Api) -> None:
    await load(api.runtime, random_dataset(7, FIRST, 1, 20))
    good = (await api.get("/transactions", limit=5)).json()["meta"]["next_cursor"]
    head, _, tail = good.partition(".")
    flipped = head[:-2] + ("A" if head[-2] != "A" else "B") + head[-1]
    forged = keyset.encode("transactions:created_at:desc", keyset.Cursor(("yesterday",), "x"))
    discrepancy_cursor = keyset.encode(
        "discrepancies", keyset.Cursor(("a", "b", "c", "d", "e"), "f")
    )
    cases: list[tuple[dict[str, Any], str]] = [
        ({"cursor": f"{flipped}.{tail}"}, "invalid"),  # altered
        ({"cursor": head}, "invalid"),  # truncated
        ({"cursor": "%%%.!!"}, "invalid"),  # not base64
        ({"cursor": good, "sort_by": "amount"}, "invalid"),  # another sort
        ({"cursor": good, "order": "asc"}, "invalid"),
        ({"cursor": forged}, "invalid"),  # checksum holds, values do not parse
        ({"cursor": discrepancy_cursor}, "invalid"),  # another list
        ({"cursor": good, "page": 2}, "with_page"),
    ]
    for params, reason in cases:
        response = await api.get("/transactions", limit=5, **params)
        assert response.status_code == 400, params
        error = response.json()["error"]
        assert error["code"] == "VALIDATION_ERROR"
        assert error["details"]["field"] == "cursor", params
        assert error["details"]["reason"] == reason, params
    too_long = await api.get("/transactions", cursor="a" * 513)
    assert too_long.status_code == 400
    assert too_long.json()["error"]["details"]["field"] == "cursor"


async def test_search_by_payer_vpa_and_name_for_unmasked_roles_only(api: Api) -> None:
    rng = random.Random(9)
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    target = make_transaction(
        rng, 1, at, source="payshack", user_id="harpreet492@ybl", user_name="Harpreet Kaur"
    )
    others = [make_transaction(rng, n, at + timedelta(minutes=n)) for n in range(2, 12)]
    await load(api.runtime, [target, *others])
    [stored] = [r for r in await db_rows(api.runtime) if r["user_id"] == "harpreet492@ybl"]
    for term in ("harpreet492@ybl", "HARPREET492@YBL", "harpreet kaur", " Harpreet Kaur "):
        for role in ("analyst", "admin"):
            body = (await api.get("/transactions", role=role, search=term)).json()
            assert [r["id"] for r in body["data"]] == [str(stored["id"])], (term, role)
            assert body["meta"]["total"] == 1
        # A viewer is shown these masked: a hit would confirm a guess (an oracle).
        hidden = (await api.get("/transactions", role="viewer", search=term)).json()
        assert (hidden["meta"]["total"], hidden["data"]) == (0, []), term
    partial = (await api.get("/transactions", search="harpreet492")).json()
    assert partial["meta"]["total"] == 0  # whole values only, never LIKE


async def test_vpa_and_name_search_use_their_indexes(clean_db: Runtime) -> None:
    async with clean_db.engine.connect() as conn:
        # An empty table is best scanned; forbidding that shows whether indexes exist.
        await conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            str(row[0])
            for row in await conn.execute(
                text(
                    "EXPLAIN SELECT id FROM transactions WHERE lower(user_id) = 'a@ybl' "
                    "OR lower(user_name) = 'a b'"
                )
            )
        )
    assert "BitmapOr" in plan, plan
    assert "Index Cond: (lower((user_id)::text)" in plan, plan
    assert "Index Cond: (lower((user_name)::text)" in plan, plan


# ------------------------------------------------------------ 250,000 rows, walking


async def _bulk_insert(conn: Any, count: int, start: datetime) -> None:
    """`count` rows, one per 100 ms from `start`, several sharing each instant (ties),
    with the rollup the pipeline would have written (the list's total reads it)."""
    await conn.execute(
        text(
            """
            INSERT INTO transactions (source, source_id, amount, status, created_at,
                                      updated_at, client_operation_id, project)
            SELECT 'vima', 'bulk-' || g, 100, 'success',
                   CAST(:start AS timestamptz) + (g / 3) * interval '300 milliseconds',
                   NULL, 'cop-' || g, 'bulk'
            FROM generate_series(1, :count) AS g
            """
        ),
        {"start": start, "count": count},
    )
    await conn.execute(
        text(
            """
            INSERT INTO transaction_rollup (bucket, source, project, status, currency,
                                            count, amount, fee)
            SELECT date_bin('30 minutes', created_at, TIMESTAMPTZ '2000-01-01'), source,
                   coalesce(project, ''), status, currency, count(*), sum(amount), 0
            FROM transactions GROUP BY 1, 2, 3, 4, 5
            """
        )
    )


async def test_a_cursor_walk_of_250k_rows_misses_and_repeats_nothing_under_inserts(
    clean_db: Runtime,
) -> None:
    total = 250_000
    start = datetime(2026, 4, 1, tzinfo=UTC)
    async with clean_db.engine.begin() as conn:
        await ensure_partitions(conn, [start, start + timedelta(days=1)])
        await _bulk_insert(conn, total, start)
        await conn.execute(text("ANALYZE transactions"))
    rng = random.Random(11)
    filters = TransactionFilters()
    seen: list[str] = []
    inserted_behind: set[str] = set()  # sort after the cursor when inserted: must be seen
    inserted_ahead: set[str] = set()  # sort before it: must not be seen
    cursor: str | None = None
    last_created: datetime | None = None
    serial = 0
    while True:
        async with clean_db.engine.connect() as conn:
            body = await service.list_transactions(
                conn,
                ANALYST,
                filters,
                page=1,
                limit=5_000,
                sort_by="created_at",
                order="desc",
                cursor=cursor,
            )
        seen += [str(r["id"]) for r in body["data"]]
        if body["data"]:
            last_created = body["data"][-1]["created_at"]
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            break
        assert last_created is not None
        # Between pages: new rows on both sides of the cursor, some on its very instant.
        batch = []
        for when in (
            last_created - timedelta(seconds=rng.randint(1, 3000)),
            last_created + timedelta(seconds=rng.randint(1, 3000)),
        ):
            serial += 1
            batch.append(make_transaction(rng, 10_000_000 + serial, when, source="payshack"))
        await load(clean_db, batch)
        async with clean_db.engine.connect() as conn:
            for row in batch:
                found = (
                    await conn.execute(
                        text("SELECT id FROM transactions WHERE source_id = :s"),
                        {"s": row.source_id},
                    )
                ).scalar_one()
                target = inserted_behind if row.created_at < last_created else inserted_ahead
                target.add(str(found))
    assert len(seen) == len(set(seen)), "a row was repeated"
    async with clean_db.engine.connect() as conn:
        bulk = {
            str(r[0])
            for r in await conn.execute(
                text("SELECT id FROM transactions WHERE source_id LIKE 'bulk-%'")
            )
        }
    assert len(bulk) == total
    assert bulk | inserted_behind == set(seen), "a row was missed"
    assert not inserted_ahead & set(seen)
    assert len(inserted_behind) >= 40  # the walk really had inserts behind its cursor
