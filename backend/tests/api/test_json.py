"""kit.json: Decimal-exact JSON, contract timestamps, money and percent rounding."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from psp_dashboard.kit.json import ExactJSONResponse, dumps, money, percent


def test_decimals_are_number_literals_with_their_own_digits() -> None:
    text = dumps({"a": Decimal("0.1"), "b": Decimal("12345678901234.5678"), "c": Decimal("1E+2")})
    assert text == '{"a":0.1,"b":12345678901234.5678,"c":100}'
    assert json.loads(text, parse_float=Decimal)["b"] == Decimal("12345678901234.5678")


def test_contract_types_are_rendered() -> None:
    ist = timezone(timedelta(hours=5, minutes=30))
    value = {
        "t": datetime(2026, 1, 15, 5, 30, tzinfo=ist),
        "u": datetime(2026, 1, 15, 0, 0, 0, 250, tzinfo=UTC),
        "d": date(2026, 1, 15),
        "id": uuid.UUID(int=1),
        "list": [None, True, False, 3, 'é"\n'],
    }
    assert json.loads(dumps(value)) == {
        "t": "2026-01-15T00:00:00Z",
        "u": "2026-01-15T00:00:00.000250Z",
        "d": "2026-01-15",
        "id": "00000000-0000-0000-0000-000000000001",
        "list": [None, True, False, 3, 'é"\n'],
    }


def test_naive_datetimes_and_non_finite_numbers_are_refused() -> None:
    with pytest.raises(ValueError):
        dumps(datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        dumps(Decimal("NaN"))
    with pytest.raises(TypeError):
        dumps(object())


def test_money_keeps_four_decimals_and_shows_at_least_two() -> None:
    assert str(money(Decimal("100"))) == "100.00"
    assert str(money(Decimal("100.5000"))) == "100.50"
    assert str(money(Decimal("0.0125"))) == "0.0125"
    assert str(money(Decimal("1.00005"))) == "1.0001"  # half up at the 4th decimal
    assert str(money(Decimal("-0.00001"))) == "0.00"


def test_percent_has_one_decimal_and_is_null_without_a_base() -> None:
    assert percent(921, 1000) == Decimal("92.1")
    assert percent(2, 3) == Decimal("66.7")
    assert percent(1, 0) is None


def test_response_class_renders_exactly() -> None:
    body = ExactJSONResponse({"data": {"amount": Decimal("1542000.00")}}).body
    assert body == b'{"data":{"amount":1542000.00}}'
