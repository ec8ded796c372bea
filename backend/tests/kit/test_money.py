"""Exact money parsing and Indian-grouping formatting."""

from __future__ import annotations

from decimal import Decimal

import pytest

from psp_dashboard.kit.money import (
    format_inr,
    group_indian,
    minor_to_major,
    parse_amount,
    parse_rupees,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100, "100.0000"),
        (0, "0.0000"),
        (100.0, "100.0000"),
        (100.1, "100.1000"),  # through repr, not the binary expansion
        (0.1 + 0.2, "0.3000"),  # 0.30000000000000004 rounds at 4 dp
        (2.675, "2.6750"),
        ("123.45", "123.4500"),
        ("  7.5 ", "7.5000"),
        ("-50", "-50.0000"),
        ("1e3", "1000.0000"),
        (Decimal("1.23456"), "1.2346"),
        (Decimal("-0.00001"), "0.0000"),
        (99999999999999, "99999999999999.0000"),
    ],
)
def test_parse_amount_is_exact(value: object, expected: str) -> None:
    assert str(parse_amount(value)) == expected


@pytest.mark.parametrize(
    "value",
    [
        True,
        False,
        float("nan"),
        float("inf"),
        "NaN",
        "Infinity",
        "",
        "   ",
        "abc",
        "1_000",
        "12,50",
        None,
        [1],
        {"value": 1},
        Decimal("NaN"),
        10**14,
        "1e40",
    ],
)
def test_parse_amount_rejects(value: object) -> None:
    with pytest.raises(ValueError):
        parse_amount(value)


@pytest.mark.parametrize(
    ("minor", "major"),
    [
        (10000, Decimal("100.00")),
        (10050, Decimal("100.50")),
        (1, Decimal("0.01")),
        (0, Decimal("0")),
        ("2599", Decimal("25.99")),
        (12345678901, Decimal("123456789.01")),
    ],
)
def test_minor_to_major_divides_by_100_exactly(minor: object, major: Decimal) -> None:
    result = minor_to_major(minor)
    assert result == major
    assert result.as_tuple().exponent == -4


def test_minor_to_major_rejects_non_numeric() -> None:
    with pytest.raises(ValueError):
        minor_to_major("ten")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("₹1,23,456.50", Decimal("123456.50")),
        ("1,23,456.50", Decimal("123456.50")),
        ("₹0.01", Decimal("0.01")),
        ("-₹50.00", Decimal("-50.00")),
        ("₹-50.00", Decimal("-50.00")),
        ("−₹50.00", Decimal("-50.00")),  # typographic minus
        ("Rs. 1,000", Decimal("1000")),
        ("Rs 1,000.5", Decimal("1000.5")),
        ("INR 250", Decimal("250")),
        ("₹ 12,34,56,789.00", Decimal("123456789.00")),
        ("₹\u00a099.99", Decimal("99.99")),  # no-break space from rendered HTML
        ("1,234,567.25", Decimal("1234567.25")),  # Western grouping
        ("100", Decimal("100")),
        ("₹999", Decimal("999")),
        ("0.5", Decimal("0.5")),
    ],
)
def test_parse_rupees(text: str, expected: Decimal) -> None:
    assert parse_rupees(text) == expected


@pytest.mark.parametrize(
    "text", ["", "₹", "₹1,2,3", "1,23,45", "₹12.3.4", "₹1.", "--₹5", "-₹-5", "five", "₹1,0000"]
)
def test_parse_rupees_rejects_malformed(text: str) -> None:
    with pytest.raises(ValueError):
        parse_rupees(text)


@pytest.mark.parametrize(
    ("digits", "grouped"),
    [("1", "1"), ("123", "123"), ("1234", "1,234"), ("123456", "1,23,456"),
     ("1234567", "12,34,567"), ("123456789", "12,34,56,789")],
)  # fmt: skip
def test_group_indian(digits: str, grouped: str) -> None:
    assert group_indian(digits) == grouped


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (Decimal("123456.5"), "₹1,23,456.50"),
        (Decimal("0.01"), "₹0.01"),
        (Decimal("-50"), "-₹50.00"),
        (Decimal("1000"), "₹1,000.00"),
        (Decimal("0.005"), "₹0.01"),  # half-up for display
        (Decimal("12345678.9"), "₹1,23,45,678.90"),
    ],
)
def test_format_inr(amount: Decimal, text: str) -> None:
    assert format_inr(amount) == text


@pytest.mark.parametrize(
    "amount", [Decimal("123456.5"), Decimal("0.01"), Decimal("-50"), Decimal("98765432.1")]
)
def test_format_then_parse_round_trips(amount: Decimal) -> None:
    assert parse_rupees(format_inr(amount)) == amount
    assert parse_rupees(format_inr(amount, symbol=False)) == amount
