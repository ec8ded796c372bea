"""GET /export/transactions: CSV and XLSX round trips, the row cap, audit, masking,
streaming and hang-ups."""

from __future__ import annotations

import csv
import io
import random
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import openpyxl
from sqlalchemy import text

from psp_dashboard.auth.principal import Principal
from psp_dashboard.export import transactions
from psp_dashboard.kit.streaming import copy_csv, cursor_batches, file_body, to_asyncpg
from psp_dashboard.kit.tabular import FORMULA_PREFIXES
from psp_dashboard.main import create_app
from psp_dashboard.runtime import Runtime
from psp_dashboard.transactions import repository
from psp_dashboard.transactions.filters import TransactionFilters
from tests.api import asgi
from tests.api.conftest import Api
from tests.api.factory import db_rows, load, make_transaction, random_dataset

AT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
TRICKY = [
    {"user_name": '=HYPERLINK("http://x","y")', "user_phone": "+919000000001"},
    {"user_name": 'Rao, "Asha"\nsecond line', "user_email": "-x@example.com"},
    {"user_name": "Ünïcødé ₹ नाम", "user_id": "@admin", "payment_product": "\tTAB"},
    {"user_name": "carriage\rreturn", "reference_id": ""},
    {"amount": Decimal("12345678901234.5678"), "fee": Decimal("0.0001")},  # 18 digits
    {"amount": Decimal("0.0001"), "fee": None, "project": None, "merchant_id": None},
    {"amount": Decimal("100.0000"), "fee": Decimal("0.0000"), "client_operation_id": "inr-100"},
    {"amount": Decimal("1500.0000"), "fee": Decimal("12.5000"), "currency": "JPY"},
    {"amount": Decimal("1.2340"), "fee": Decimal("0.0100"), "currency": "BHD"},
]


async def seed(runtime: Runtime) -> list[dict[str, Any]]:
    rng = random.Random(21)
    rows = random_dataset(21, date(2026, 3, 1), 3, 60)
    rows += [
        make_transaction(rng, 900 + i, AT + timedelta(seconds=i, microseconds=i * 7), **changes)
        for i, changes in enumerate(TRICKY)
    ]
    await load(runtime, rows)
    return await db_rows(runtime)


def expected_money(value: Decimal, currency: str) -> str:
    """The currency's decimals (INR 2, JPY 0, BHD 3), unless that would drop a digit."""
    places = {"JPY": 0, "BHD": 3}.get(currency, 2)
    text = f"{value:.{places}f}"
    return text if Decimal(text) == value else f"{value.normalize():f}"


def expected_text(value: Any, currency: str = "INR") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ").replace(".000000Z", "Z")
    if isinstance(value, Decimal):
        return expected_money(value, currency)
    text_value = str(value)
    return "'" + text_value if text_value.startswith(FORMULA_PREFIXES) else text_value


def ooxml_unescape(value: Any) -> Any:
    """XLSX stores control characters as `_xHHHH_` (Excel shows them decoded)."""
    if not isinstance(value, str):
        return value or None
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), value) or None


def parse_csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


async def test_csv_round_trip_is_exact(api: Api) -> None:
    rows = {str(r["id"]): r for r in await seed(api.runtime)}
    response = await api.get("/export/transactions", format="csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    parsed = parse_csv(response.content)
    assert len(parsed) == len(rows) == int(response.headers["x-export-rows"])
    assert list(parsed[0]) == list(repository.FIELDS)
    for line in parsed:
        db = rows[line["id"]]
        for name in repository.FIELDS:
            assert line[name] == expected_text(db[name], db["currency"]), (name, db[name])
        assert Decimal(line["amount"]) == db["amount"]  # exact
    created = [line["created_at"] for line in parsed]
    assert created == sorted(created, reverse=True)


async def test_xlsx_round_trip_is_exact(api: Api) -> None:
    rows = {str(r["id"]): r for r in await seed(api.runtime)}
    response = await api.get("/export/transactions", format="xlsx", from_date="2026-03-01")
    assert response.status_code == 200
    assert "spreadsheetml" in response.headers["content-type"]
    assert 'filename="transactions_2026-03-01_' in response.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Transactions"]
    header, *lines = list(sheet.iter_rows(values_only=True))
    assert list(header) == list(repository.FIELDS)
    assert len(lines) == len(rows)
    assert response.headers["x-export-timezone"] == "UTC"
    amount_col = repository.FIELDS.index("amount") + 1
    created_col = repository.FIELDS.index("created_at") + 1
    amounts = [sheet.cell(row=r, column=amount_col) for r in range(2, len(rows) + 2)]
    formats = {c.number_format for c in amounts if not isinstance(c.value, str)}
    assert formats == {"#,##0.00", "#,##0", "#,##0.000"}  # INR/USD, JPY, BHD
    assert sheet.cell(row=2, column=created_col).number_format == "yyyy-mm-dd hh:mm:ss"
    for values in lines:
        line = dict(zip(repository.FIELDS, values, strict=True))
        db = rows[line["id"]]
        for name in repository.FIELDS:
            got, want = line[name], db[name]
            if isinstance(want, Decimal):
                if isinstance(got, float):  # numeric cell: the float's shortest repr is exact
                    got = Decimal(repr(got))
                else:  # more digits than a double holds: kept as exact text
                    assert len(want.normalize().as_tuple().digits) > 15
                    got = Decimal(got)
                assert got == want, (name, want)
            elif isinstance(want, datetime):
                # A real Excel date-time in UTC (Excel keeps milliseconds at best).
                assert isinstance(got, datetime), (name, got)
                naive = want.astimezone(UTC).replace(tzinfo=None)
                assert abs(got - naive) < timedelta(milliseconds=1), (name, got, want)
            else:
                assert ooxml_unescape(got) == (str(want) if want else None), (name, want)


async def test_csv_amounts_have_their_currency_decimals(api: Api) -> None:
    """The issue's `100.0000` / fee `0.0000`: rupees leave with 2 decimals, JPY with none,
    BHD with 3; a value with more digits than its currency keeps them (never rounded)."""
    await seed(api.runtime)
    for role in ("analyst", "admin"):  # the COPY path and the same bytes for both roles
        response = await api.get("/export/transactions", role=role, from_date="2026-03-02")
        assert response.headers["x-export-timezone"] == "UTC"
        by_currency: dict[str, set[str]] = {}
        for line in parse_csv(response.content):
            by_currency.setdefault(line["currency"], set()).add(line["amount"])
            if line["client_operation_id"] == "inr-100":
                assert (line["amount"], line["fee"]) == ("100.00", "0.00")
        assert "1500" in by_currency["JPY"]
        assert "1.234" in by_currency["BHD"]
        assert "0.0001" in by_currency["INR"]
        assert "12345678901234.5678" in by_currency["INR"]
        decimals = {len(a.partition(".")[2]) for a in by_currency["INR"]}
        assert decimals <= {2, 3, 4}
        assert not [a for a in by_currency["INR"] if len(a.partition(".")[2]) > 2 and a[-1] == "0"]


async def test_xlsx_money_cells_are_exact_numbers(api: Api) -> None:
    await seed(api.runtime)
    response = await api.get("/export/transactions", format="xlsx", from_date="2026-03-02")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Transactions"]
    header = [c.value for c in sheet[1]]
    found = {}
    for row in sheet.iter_rows(min_row=2):
        cells = dict(zip(header, row, strict=True))
        found[cells["client_operation_id"].value] = cells
    inr = found["inr-100"]
    assert inr["amount"].value == 100 and inr["amount"].number_format == "#,##0.00"
    assert inr["fee"].value == 0 and inr["fee"].number_format == "#,##0.00"
    created = inr["created_at"].value
    assert isinstance(created, datetime)
    assert inr["created_at"].number_format == "yyyy-mm-dd hh:mm:ss"
    # TRICKY[6]: AT + 6 s + 42 µs, in UTC.
    assert abs(created - AT.replace(tzinfo=None) - timedelta(seconds=6)) < timedelta(milliseconds=1)
    assert found_amount(found, "JPY") == (1500, "#,##0")


def found_amount(found: dict[str, Any], currency: str) -> tuple[Any, str]:
    for cells in found.values():
        if cells["currency"].value == currency:
            return cells["amount"].value, cells["amount"].number_format
    raise AssertionError(currency)


async def test_filters_and_sort_apply_to_the_export(api: Api) -> None:
    rows = await seed(api.runtime)
    response = await api.get(
        "/export/transactions", source="vima", status="success", sort_by="amount", order="asc"
    )
    parsed = parse_csv(response.content)
    want = sorted(
        (r for r in rows if r["source"] == "vima" and r["status"] == "success"),
        key=lambda r: (r["amount"], r["id"]),
    )
    assert [line["id"] for line in parsed] == [str(r["id"]) for r in want]


async def test_row_cap_gives_a_clear_400(api: Api) -> None:
    await seed(api.runtime)
    settings = api.runtime.settings
    before = settings.export_max_rows
    settings.export_max_rows = 10
    try:
        response = await api.get("/export/transactions", format="xlsx")
        filtered = await api.get("/export/transactions", search="vima-1")
    finally:
        settings.export_max_rows = before
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["reason"] == "export_too_large"
    assert error["details"]["max_rows"] == 10
    assert error["details"]["rows"] > 10
    assert "at most 10" in error["message"]
    assert filtered.status_code == 200


async def test_every_export_is_audited_with_filters_and_rows(api: Api) -> None:
    await seed(api.runtime)
    await api.get("/export/transactions", source="payshack", from_date="2026-03-02")
    async with api.runtime.engine.connect() as conn:
        entry = (
            await conn.execute(
                text(
                    "SELECT actor_email, params FROM audit_log WHERE action = 'export.transactions'"
                )
            )
        ).one()
    assert entry.actor_email == "analyst@tests.local"
    assert entry.params["source"] == "payshack"
    assert entry.params["from_date"] == "2026-03-02"
    assert entry.params["format"] == "csv"
    assert entry.params["rows"] > 0


async def test_viewers_may_not_export(api: Api) -> None:
    response = await api.get("/export/transactions", role="viewer")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"


async def test_masked_export_goes_through_mask_export_row(clean_db: Runtime) -> None:
    """Exports are an analyst right today; should the policy ever let a masked role
    export, its rows pass through `mask_export_row` (the cursor path, not COPY)."""
    await seed(clean_db)
    viewer = Principal(id=uuid.uuid4(), email="v@tests.local", role="viewer")
    export = await transactions.export_transactions(
        clean_db.engine, viewer, TransactionFilters(), fmt="csv", sort_by="created_at",
        order="desc", cap=1000, today=date(2026, 3, 5),
    )  # fmt: skip
    body = b"".join([chunk async for chunk in export.body])
    parsed = parse_csv(body)
    assert len(parsed) == export.rows
    assert all("***" in line["user_name"] for line in parsed if line["user_name"])
    assert "@example.com" not in body.decode().lower().replace("***@example.com", "")


async def test_copy_and_cursor_paths_write_identical_bytes(clean_db: Runtime) -> None:
    await seed(clean_db)
    admin = Principal(id=uuid.uuid4(), email="a@tests.local", role="admin")
    filters = TransactionFilters()
    columns = transactions.COLUMNS
    copy_stmt = transactions._copy_statement(filters, "created_at", "desc", 1000)
    by_copy = b"".join([c async for c in copy_csv(clean_db.engine, columns, copy_stmt)])
    sql, args = to_asyncpg(repository.select_rows(filters, "created_at", "desc").limit(1000))
    batches = cursor_batches(clean_db.engine, sql, args, transactions._masked(admin))
    body, _ = file_body("csv", columns, "Transactions", batches)
    by_cursor = b"".join([c async for c in body])
    assert by_copy == by_cursor


async def test_hanging_up_mid_export_releases_the_connection(api: Api) -> None:
    await load(api.runtime, random_dataset(22, date(2026, 3, 1), 2, 6000))
    headers = await api.headers("analyst")
    app = create_app(api.runtime.settings, runtime=api.runtime)
    pool = api.runtime.engine.pool
    stream = await asgi.call(
        app, "/api/v1/export/transactions", headers, until=lambda s: len(s.chunks) >= 2
    )
    assert stream.status == 200
    assert not stream.ended
    assert pool.checkedout() == 0  # type: ignore[attr-defined]
    again = await api.get("/export/transactions", from_date="2026-03-01", to_date="2026-03-01")
    assert again.status_code == 200
    assert len(parse_csv(again.content)) == int(again.headers["x-export-rows"])
