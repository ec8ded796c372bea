"""Amounts in files: each currency's decimals (ISO 4217), exactly, in Python and in SQL."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from sqlalchemy import Numeric, String, column, select, values

from psp_dashboard.kit.money import currency_exponent, format_amount
from psp_dashboard.kit.tabular import sql_csv_cell, xlsx_money_format
from psp_dashboard.runtime import Runtime


@pytest.mark.parametrize(
    ("code", "exponent"),
    [("INR", 2), ("usd", 2), ("EUR", 2), ("JPY", 0), ("KRW", 0), ("BHD", 3), ("KWD", 3),
     ("OMR", 3), ("CLF", 4), ("XXX", 2), (None, 2), ("", 2)],
)  # fmt: skip
def test_exponents(code: str | None, exponent: int) -> None:
    assert currency_exponent(code) == exponent


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [
        ("100.0000", "INR", "100.00"),  # the issue's `100.0000`
        ("0.0000", "INR", "0.00"),  # and its fee
        ("-0.0000", "INR", "0.00"),
        ("1234567.5000", "USD", "1234567.50"),
        ("-50.1000", "INR", "-50.10"),
        ("0.0001", "INR", "0.0001"),  # more digits than the currency: kept, not rounded
        ("100.1250", "INR", "100.125"),
        ("12345678901234.5678", "INR", "12345678901234.5678"),
        ("1500.0000", "JPY", "1500"),
        ("1500.5000", "JPY", "1500.5"),
        ("1.2340", "BHD", "1.234"),
        ("1.2000", "BHD", "1.200"),
        ("10.0000", None, "10.00"),
    ],
)
def test_format_amount(amount: str, currency: str | None, text: str) -> None:
    assert format_amount(Decimal(amount), currency) == text


def test_format_amount_is_exact_and_never_shorter_than_the_currency() -> None:
    rng = random.Random(19)
    for _ in range(5000):
        amount = Decimal(rng.randint(-(10**17), 10**17)).scaleb(-4)
        currency = rng.choice(["INR", "JPY", "BHD", "USD"])
        text = format_amount(amount, currency)
        assert Decimal(text) == amount
        assert len(text.partition(".")[2]) >= currency_exponent(currency)
        assert "E" not in text and "e" not in text


def test_xlsx_formats() -> None:
    assert [xlsx_money_format(e) for e in (0, 2, 3)] == ["#,##0", "#,##0.00", "#,##0.000"]


async def test_sql_writes_what_python_writes(clean_db: Runtime) -> None:
    """COPY renders the transactions CSV: its money cells must be the same text."""
    rng = random.Random(5)
    cases = [
        (Decimal(rng.randint(-(10**12), 10**12)).scaleb(-4), code)
        for code in ("INR", "JPY", "BHD", "KWD", "CLF", "ZZZ")
        for _ in range(200)
    ]
    cases += [(Decimal(a), c) for a in ("0.0000", "100.0000", "0.0001") for c in ("INR", "JPY")]
    rows = values(column("amount", Numeric(18, 4)), column("currency", String(3)), name="v").data(
        cases
    )
    stmt = select(sql_csv_cell(rows.c.amount, "money", rows.c.currency), rows.c.amount,
                  rows.c.currency)  # fmt: skip
    async with clean_db.engine.connect() as conn:
        got = (await conn.execute(stmt)).all()
    assert len(got) == len(cases)
    for text, amount, currency in got:
        assert text == format_amount(Decimal(amount), currency), (amount, currency)
