"""PayShack reference rows → typed records. Pure: no I/O, no clock.

PayShack documents no field list for its reference endpoints, so the parser accepts the
spellings seen or plausible for each field (`balance`, `walletBalance`,
`availableBalance`…; `clientId`, `_id`…). A balance is money: a JSON number goes through
its shortest round-trip text and a string may be plain (`12345.60`) or a rupee string
(`₹12,345.60`), both to an exact `Decimal`; never a float.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from psp_dashboard.kit.money import parse_amount, parse_rupees

CLIENT_ID_KEYS = ("clientId", "client_id", "_id", "id")
CLIENT_NAME_KEYS = ("name", "clientName", "client_name", "companyName")
BALANCE_KEYS = (
    "balance",
    "walletBalance",
    "availableBalance",
    "wallet_balance",
    "available_balance",
    "currentBalance",
)
RESELLER_ID_KEYS = ("resellerId", "reseller_id", "_id", "id")
RESELLER_NAME_KEYS = ("name", "resellerName", "reseller_name")
SP_ID_KEYS = ("spId", "sp_id", "serviceProviderId", "_id", "id")
SP_NAME_KEYS = ("name", "spName", "serviceProviderName")
# A `status` with one of these words marks a listed client that is not active.
_INACTIVE = frozenset({"inactive", "disabled", "blocked", "suspended", "closed", "deleted"})


class ReferenceRowRejected(ValueError):
    """A reference row without the id or name it is stored under."""


@dataclass(frozen=True, slots=True)
class ParsedClient:
    client_id: str
    name: str
    reseller_id: str | None
    balance: Decimal | None  # None when absent or not a number (counted, not guessed)
    balance_unreadable: bool
    currency: str
    active: bool
    raw: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """A reseller or a service provider: an id and a name."""

    key: str
    name: str | None
    active: bool
    raw: Mapping[str, Any]


def _text(row: Mapping[str, Any], keys: Sequence[str]) -> str | None:
    for key in keys:
        value = row.get(key)
        if value is None or isinstance(value, bool | dict | list):
            continue
        text = str(value).strip()
        if text:
            return text
    return None


def parse_balance(value: Any) -> Decimal:
    """One balance value as an exact Decimal; ValueError when it is not a number."""
    if isinstance(value, str):
        return parse_rupees(value)
    return parse_amount(value)


def _balance(row: Mapping[str, Any]) -> tuple[Decimal | None, bool]:
    for key in BALANCE_KEYS:
        if key in row and row[key] is not None and row[key] != "":
            try:
                return parse_balance(row[key]), False
            except ValueError:
                return None, True
    return None, False


def _active(row: Mapping[str, Any]) -> bool:
    flag = row.get("active", row.get("isActive"))
    if isinstance(flag, bool):
        return flag
    status = _text(row, ("status",))
    return status is None or status.casefold() not in _INACTIVE


def parse_client(row: Mapping[str, Any]) -> ParsedClient:
    if not isinstance(row, Mapping):
        raise ReferenceRowRejected("client row is not an object")
    client_id, name = _text(row, CLIENT_ID_KEYS), _text(row, CLIENT_NAME_KEYS)
    if client_id is None or name is None:
        raise ReferenceRowRejected("client row without an id or a name")
    balance, unreadable = _balance(row)
    currency = (_text(row, ("currency",)) or "INR").upper()[:3]
    return ParsedClient(
        client_id=client_id,
        name=name,
        reseller_id=_text(row, RESELLER_ID_KEYS[:2]),
        balance=balance,
        balance_unreadable=unreadable,
        currency=currency,
        active=_active(row),
        raw=row,
    )


def parse_entry(
    row: Mapping[str, Any], id_keys: Sequence[str], name_keys: Sequence[str]
) -> ParsedEntry:
    if not isinstance(row, Mapping):
        raise ReferenceRowRejected("row is not an object")
    key = _text(row, id_keys)
    if key is None:
        raise ReferenceRowRejected("row without an id")
    return ParsedEntry(key=key, name=_text(row, name_keys), active=_active(row), raw=row)
