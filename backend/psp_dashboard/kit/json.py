"""Exact JSON: `Decimal` becomes a JSON number literal with its own digits, never a float.

FastAPI's default encoder turns `Decimal` into `float`, so `0.1 + 0.2`-style noise (and
silent rounding of large amounts) would reach clients. This encoder writes the decimal's
text as the number literal instead, and renders the other types the API returns the way
the contract wants them: timestamps ISO-8601 UTC with `Z`, dates `YYYY-MM-DD`, UUIDs as
strings.

Money is produced with at most 4 decimals by `money()` (and percentages with one by
`percent()`) before it reaches the encoder, which writes every Decimal's digits as given.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

from pydantic import WithJsonSchema
from starlette.responses import JSONResponse

MONEY_QUANTUM = Decimal("0.0001")
_encode_str = json.encoder.encode_basestring  # C-accelerated; keeps non-ASCII as is

# Schema-only annotations: the value is a Decimal in Python and a number in JSON. Pydantic
# would document a serialized Decimal as a string, which is not what clients receive.
JsonMoney = Annotated[
    Decimal,
    WithJsonSchema({"type": "number", "description": "Exact decimal, at most 4 decimals"}),
]
JsonPercent = Annotated[
    Decimal, WithJsonSchema({"type": "number", "description": "Percentage, one decimal"})
]


def money(value: Decimal) -> Decimal:
    """Money for output: exact, 4 decimals at most, at least 2 (`100.50`, `0.0125`).

    The minimum of two is only presentation; the value is never rounded away from 4 dp.
    """
    quantized = value.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)
    if not quantized:
        quantized = abs(quantized)  # no "-0.00"
    text = f"{quantized:f}"
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0").ljust(2, "0")
    return Decimal(f"{whole}.{fraction}")


def percent(numerator: int | Decimal, denominator: int | Decimal) -> Decimal | None:
    """numerator / denominator × 100 with one decimal (half up); None when undefined."""
    if not denominator:
        return None
    value = Decimal(numerator) * 100 / Decimal(denominator)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def format_decimal(value: Decimal) -> str:
    """The decimal's own digits. Not rounded here: `raw_data` numbers (parsed as Decimal)
    must come back exactly as the provider sent them; money is rounded by `money()`."""
    if not value.is_finite():
        raise ValueError(f"cannot encode {value!r} as a JSON number")
    # `f` never produces exponent notation (`1E+2`), which JSON allows but humans misread.
    return f"{value:f}"


def format_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("naive datetime cannot be encoded as a UTC timestamp")
    utc = value.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}"
    return text + "Z"


def _encode(value: Any, out: list[str]) -> None:
    # Order: the common cases of API payloads first.
    if value is None:
        out.append("null")
    elif isinstance(value, str):
        out.append(_encode_str(value))
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(int(value)))
    elif isinstance(value, Decimal):
        out.append(format_decimal(value))
    elif isinstance(value, Mapping):
        out.append("{")
        first = True
        for key, item in value.items():
            if not first:
                out.append(",")
            first = False
            out.append(_encode_str(str(key)))
            out.append(":")
            _encode(item, out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _encode(item, out)
        out.append("]")
    elif isinstance(value, datetime):
        out.append(_encode_str(format_datetime(value)))
    elif isinstance(value, date):
        out.append(_encode_str(value.isoformat()))
    elif isinstance(value, uuid.UUID):
        out.append(_encode_str(str(value)))
    elif isinstance(value, float):
        # Only non-money values may be floats (none today); keep them valid JSON.
        if not math.isfinite(value):
            raise ValueError(f"cannot encode {value!r} as a JSON number")
        out.append(repr(value))
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    out: list[str] = []
    _encode(value, out)
    return "".join(out)


class ExactJSONResponse(JSONResponse):
    """A JSONResponse whose body is rendered by `dumps` (Decimal-exact)."""

    def render(self, content: Any) -> bytes:
        return dumps(content).encode("utf-8")


class RawJSONResponse(JSONResponse):
    """A body that is already JSON text (e.g. a cached payload)."""

    def render(self, content: Any) -> bytes:
        if isinstance(content, bytes):
            return content
        if isinstance(content, str):
            return content.encode("utf-8")
        raise TypeError("RawJSONResponse takes JSON text")
