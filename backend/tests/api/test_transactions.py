"""GET /transactions and /transactions/{id}: contract shapes, filters, search, paging."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from psp_dashboard.models import transactions as t
from psp_dashboard.runtime import Runtime
from psp_dashboard.transactions import repository, schemas
from psp_dashboard.transactions.filters import TransactionFilters
from tests.api import daily_level
from tests.api.conftest import Api
from tests.api.factory import db_rows, load, make_transaction, random_dataset

CONTRACT_FIELDS = {
    "id", "source", "source_id", "reference_id", "client_operation_id", "order_id",
    "project", "merchant_id", "amount", "currency", "fee", "status", "direction",
    "original_status",
    "user_id", "user_email", "user_phone", "user_name", "country", "utr", "payment_method",
    "payment_product", "created_at", "updated_at", "completed_at",
}  # fmt: skip
FIRST = date(2026, 3, 2)


async def seed(runtime: Runtime, count: int = 120, days: int = 4, seed: int = 7) -> None:
    await load(runtime, random_dataset(seed, FIRST, days, count))


async def test_list_has_the_contract_shape_and_meta(api: Api) -> None:
    await seed(api.runtime)
    response = await api.get("/transactions", limit=10)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert set(body["meta"]) == {"page", "limit", "total", "total_pages", "next_cursor"}
    total = len(await db_rows(api.runtime))
    next_cursor = body["meta"].pop("next_cursor")
    assert isinstance(next_cursor, str)  # the way into keyset paging (test_keyset_paging)
    assert body["meta"] == {
        "page": 1,
        "limit": 10,
        "total": total,
        "total_pages": (total + 9) // 10,
    }
    assert len(body["data"]) == 10
    for item in body["data"]:
        assert set(item) == CONTRACT_FIELDS | {"upi"}  # docs/upi.md
        schemas.Transaction.model_validate(item)
        assert item["created_at"].endswith("Z")
    created = [item["created_at"] for item in body["data"]]
    assert created == sorted(created, reverse=True)  # default: newest first


async def test_amounts_are_exact_json_numbers(api: Api) -> None:
    row = make_transaction(
        random.Random(1),
        1,
        datetime(2026, 3, 2, 10, tzinfo=UTC),
        amount=Decimal("12345678901.2345"),
        fee=Decimal("0.0001"),
    )
    await load(api.runtime, [row])
    response = await api.get("/transactions")
    assert '"amount":12345678901.2345' in response.text
    assert '"fee":0.0001' in response.text


async def test_filters_match_sql(api: Api) -> None:
    await seed(api.runtime, count=300)
    rows = await db_rows(api.runtime)
    ist = ZoneInfo("Asia/Kolkata")
    cases = [
        ({"source": "vima"}, lambda r: r["source"] == "vima"),
        ({"status": "failed"}, lambda r: r["status"] == "failed"),
        ({"project": "91game"}, lambda r: r["project"] == "91game"),
        (
            {"from_date": "2026-03-03", "to_date": "2026-03-03"},
            lambda r: r["created_at"].date() == date(2026, 3, 3),
        ),
        (
            {"from_date": "2026-03-03", "to_date": "2026-03-04", "timezone": "Asia/Kolkata"},
            lambda r: (
                date(2026, 3, 3) <= r["created_at"].astimezone(ist).date() <= date(2026, 3, 4)
            ),
        ),
        (
            {"source": "payshack", "status": "success", "from_date": "2026-03-03"},
            lambda r: (
                r["source"] == "payshack"
                and r["status"] == "success"
                and r["created_at"] >= datetime(2026, 3, 3, tzinfo=UTC)
            ),
        ),
    ]
    for params, keep in cases:
        expected = sorted((r for r in rows if keep(r)), key=lambda r: (r["created_at"], r["id"]))
        body = (await api.get("/transactions", limit=100, **params)).json()
        assert body["meta"]["total"] == len(expected), params
        got = [item["id"] for item in body["data"]]
        assert got == [str(r["id"]) for r in reversed(expected)][:100], params


async def test_search_finds_each_identifier_exactly(api: Api) -> None:
    await seed(api.runtime, count=60)
    rows = await db_rows(api.runtime)
    target = next(r for r in rows if r["source"] == "payshack")
    terms = [
        str(target["id"]),
        target["source_id"],
        target["order_id"],
        target["client_operation_id"],
        target["utr"],
        target["user_email"].upper(),  # e-mail matches in any case
        target["user_phone"],
    ]
    for term in terms:
        body = (await api.get("/transactions", search=term)).json()
        assert [item["id"] for item in body["data"]] == [str(target["id"])], term
        assert body["meta"]["total"] == 1
    partial = (await api.get("/transactions", search=target["source_id"][:-1])).json()
    assert all(item["id"] != str(target["id"]) for item in partial["data"])  # exact, not LIKE


async def test_sorting_by_each_key_and_direction(api: Api) -> None:
    await seed(api.runtime, count=80)
    rows = await db_rows(api.runtime)
    for sort_by in ("created_at", "amount", "status", "updated_at"):
        for order in ("asc", "desc"):
            body = (await api.get("/transactions", limit=100, sort_by=sort_by, order=order)).json()
            values = [r[sort_by] for r in rows]
            got = [item[sort_by] for item in body["data"]]
            if sort_by == "amount":
                got = [Decimal(str(v)) for v in got]
                expected = sorted(values, reverse=order == "desc")[:100]
            elif sort_by == "status":
                expected = sorted(values, reverse=order == "desc")[:100]
            else:
                expected = [
                    v.strftime("%Y-%m-%dT%H:%M:%S.%fZ").replace(".000000Z", "Z")
                    for v in sorted(values, reverse=order == "desc")[:100]
                ]
            assert got == expected, (sort_by, order)


async def test_pages_partition_the_result(api: Api) -> None:
    await seed(api.runtime, count=45)
    seen: list[str] = []
    page = 1
    while True:
        body = (await api.get("/transactions", limit=7, page=page)).json()
        if not body["data"]:
            break
        seen += [item["id"] for item in body["data"]]
        page += 1
    assert page - 1 == body["meta"]["total_pages"]
    assert len(seen) == len(set(seen)) == body["meta"]["total"]


async def test_limit_above_100_and_bad_params_are_400_envelopes(api: Api) -> None:
    for params, field in [
        ({"limit": 101}, "limit"),
        ({"page": 0}, "page"),
        ({"sort_by": "user_email"}, "sort_by"),
        ({"order": "up"}, "order"),
        ({"status": "ok"}, "status"),
        ({"from_date": "15-01-2026"}, "from_date"),
        ({"from_date": "2026-01-10", "to_date": "2026-01-09"}, "to_date"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "UTC+5"}, "timezone"),
        ({"page": 5000}, "page"),  # deeper than the offset cap at limit 50
    ]:
        response = await api.get("/transactions", **params)
        assert response.status_code == 400, params
        error = response.json()["error"]
        assert error["code"] == "VALIDATION_ERROR"
        assert error["details"]["field"] == field, params


async def test_detail_returns_raw_data_exactly(api: Api) -> None:
    row = make_transaction(
        random.Random(2),
        5,
        datetime(2026, 3, 2, 9, 15, 1, 250000, tzinfo=UTC),
        raw_data={"amount": {"value": 10050, "exact": "100.50"}, "rate": 0.1, "n": 1},
    )
    await load(api.runtime, [row])
    [stored] = await db_rows(api.runtime)
    response = await api.get(f"/transactions/{stored['id']}")
    assert response.status_code == 200
    data = response.json()["data"]
    assert set(data) == CONTRACT_FIELDS | {"raw_data", "upi"}
    schemas.TransactionDetail.model_validate(data)
    assert data["raw_data"] == {"amount": {"value": 10050, "exact": "100.50"}, "rate": 0.1, "n": 1}
    assert '"rate":0.1' in response.text  # the provider's digits, not a float's repr
    assert data["created_at"] == "2026-03-02T09:15:01.250000Z"


async def test_detail_unknown_id_is_404_and_bad_id_is_400(api: Api) -> None:
    missing = await api.get(f"/transactions/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "NOT_FOUND"
    bad = await api.get("/transactions/not-a-uuid")
    assert bad.status_code == 400
    assert bad.json()["error"]["details"]["field"] == "transaction_id"


async def test_viewer_sees_masked_payer_data_in_list_search_and_detail(api: Api) -> None:
    await seed(api.runtime, count=5)
    [first, *_] = await db_rows(api.runtime)
    listing = (await api.get("/transactions", role="viewer")).json()["data"]
    found = (await api.get("/transactions", role="viewer", search=first["source_id"])).json()
    detail = (await api.get(f"/transactions/{first['id']}", role="viewer")).json()["data"]
    for item in [*listing, *found["data"], detail]:
        assert "@example.com" not in item["user_email"].lower() or "***" in item["user_email"]
        assert "***" in item["user_name"]
    assert found["meta"]["total"] == 1


async def test_a_viewer_cannot_search_by_the_payer_data_it_sees_masked(api: Api) -> None:
    """Finding 2: `?search=<full phone>` answered `total 1` to a viewer shown
    `******5478`: a phone fell in at most 10⁶ guesses."""
    await seed(api.runtime, count=5)
    [first, *_] = await db_rows(api.runtime)
    probes = [first["user_phone"], first["user_email"], first["user_email"].upper()]
    for term in probes:
        hidden = (await api.get("/transactions", role="viewer", search=term)).json()
        assert (hidden["meta"]["total"], hidden["data"]) == (0, []), term
        seen = (await api.get("/transactions", role="analyst", search=term)).json()
        assert seen["meta"]["total"] == 1, term


async def test_count_from_rollup_equals_table_count(clean_db: Runtime) -> None:
    """Whole UTC days are counted from the daily level, IST days' edges and open ends
    from the 30-minute rollup."""
    await load(clean_db, random_dataset(3, FIRST, 5, 400))
    assert await daily_level.days(clean_db) > 0
    utc = ZoneInfo("UTC")
    variants = [
        TransactionFilters(),
        TransactionFilters(source="vima", status="pending"),
        TransactionFilters(project="monetix", from_date=date(2026, 3, 3), tz=utc),
        TransactionFilters(
            from_date=date(2026, 3, 3), to_date=date(2026, 3, 5), tz=ZoneInfo("Asia/Kolkata")
        ),
        TransactionFilters(to_date=date(2026, 3, 4), status="failed", tz=ZoneInfo("Asia/Kolkata")),
    ]
    async with clean_db.engine.connect() as conn:
        for filters in variants:
            assert repository.countable_from_rollup(filters)
            table = repository.conditions(filters)
            truth = (
                await conn.execute(select(func.count()).select_from(t).where(*table))
            ).scalar_one()
            assert await repository.count(conn, filters) == truth


async def test_quarter_hour_zone_counts_the_table(clean_db: Runtime) -> None:
    kathmandu = TransactionFilters(
        from_date=date(2026, 3, 3), to_date=date(2026, 3, 3), tz=ZoneInfo("Asia/Kathmandu")
    )
    assert not repository.countable_from_rollup(kathmandu)
    start = kathmandu.start
    assert start is not None
    rows = [
        make_transaction(random.Random(4), i, start + timedelta(minutes=5 * i - 20))
        for i in range(10)
    ]
    await load(clean_db, rows)
    async with clean_db.engine.connect() as conn:
        assert await repository.count(conn, kathmandu) == 6
