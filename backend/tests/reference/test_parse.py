"""Field tolerance of the reference parser: names and forms of the balance, exactly."""

from __future__ import annotations

from decimal import Decimal

import pytest

from psp_dashboard.reference.parse import ReferenceRowRejected, parse_client, parse_entry


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("balance", 123456.7, Decimal("123456.7000")),
        ("balance", 100, Decimal("100.0000")),
        ("walletBalance", "98765.43", Decimal("98765.4300")),
        ("availableBalance", "₹1,23,456.70", Decimal("123456.7000")),
        ("availableBalance", "-1,234.50", Decimal("-1234.5000")),
        ("currentBalance", Decimal("0.1"), Decimal("0.1000")),
        ("balance", 0.1 + 0.2, Decimal("0.3000")),  # repr 0.30000000000000004 → 4 dp
    ],
)
def test_balance_spellings_and_forms(field: str, value: object, expected: Decimal) -> None:
    parsed = parse_client({"clientId": "c1", "name": "A", field: value})
    assert parsed.balance == expected and not parsed.balance_unreadable


@pytest.mark.parametrize("value", ["n/a", "12O.00", True, {"amount": 1}])
def test_an_unreadable_balance_is_flagged_not_guessed(value: object) -> None:
    parsed = parse_client({"_id": "c1", "clientName": "A", "balance": value})
    assert parsed.balance is None and parsed.balance_unreadable


def test_no_balance_is_none_and_status_sets_active() -> None:
    parsed = parse_client({"id": 7, "name": " A ", "status": "INACTIVE"})
    assert (parsed.client_id, parsed.name, parsed.balance, parsed.active) == ("7", "A", None, False)
    assert parse_client({"clientId": "x", "name": "B", "isActive": True}).active


@pytest.mark.parametrize("row", [{"name": "A"}, {"clientId": "c"}, {"clientId": " ", "name": "A"}])
def test_a_client_without_id_or_name_is_rejected(row: dict[str, object]) -> None:
    with pytest.raises(ReferenceRowRejected):
        parse_client(row)


def test_entries_take_their_id_spellings() -> None:
    sp = parse_entry({"serviceProviderId": "sp-1", "spName": "UPI"}, ("spId", "serviceProviderId"),
                     ("name", "spName"))  # fmt: skip
    assert (sp.key, sp.name, sp.active) == ("sp-1", "UPI", True)
    with pytest.raises(ReferenceRowRejected):
        parse_entry({"name": "x"}, ("spId",), ("name",))
