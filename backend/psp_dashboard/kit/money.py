"""Exact money handling: provider values and rupee strings to `Decimal`, and back.

Every amount in the system is a `Decimal` quantized to 4 decimal places, the scale of
the `DECIMAL(18,4)` columns. Floats never take part in arithmetic: a JSON float from a
provider is converted through its shortest round-trip text (`repr`), so `100.1` becomes
`Decimal("100.1")` and not `100.099999999999994315658113919198513031005859375`.

Parsing failures raise `ValueError` with a short message, so a normalizer can turn them
into `RecordRejected` without knowing the details.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

MONEY_PLACES = 4
MONEY_QUANTUM = Decimal(1).scaleb(-MONEY_PLACES)  # Decimal("0.0001")
# DECIMAL(18,4) keeps 14 integer digits; anything larger would fail at insert time,
# so it is rejected here where the record can still be quarantined with a reason.
_MAX_ABS = Decimal(10) ** (18 - MONEY_PLACES)

_CURRENCY_PREFIXES = ("₹", "rs.", "rs", "inr")
# Indian grouping: the last three digits, then groups of two (1,23,45,678).
_INDIAN_GROUPED = re.compile(r"\d{1,2}(?:,\d{2})*,\d{3}")
# Western grouping is accepted too: some exports render 1,234,567.00.
_WESTERN_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")
_PLAIN_DIGITS = re.compile(r"\d+")
# What a JSON number looks like as text. `Decimal()` alone would also take "NaN",
# "Infinity" and "1_000", none of which a provider means as an amount.
_NUMERIC_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_FRACTION = re.compile(r"\d+")
# Characters a rendered table may put around a number: spaces of all kinds.
_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
_MINUS_SIGNS = ("-", "\u2212")  # ASCII hyphen-minus and the typographic minus


def _finite(value: Decimal, original: object) -> Decimal:
    if not value.is_finite():
        raise ValueError(f"amount is not a finite number: {original!r}")
    # Checked before quantizing: quantizing 1E+40 would itself overflow the context.
    if abs(value) >= _MAX_ABS:
        raise ValueError(f"amount out of range: {original!r}")
    quantized = value.quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)
    if abs(quantized) >= _MAX_ABS:  # 99999999999999.99995 rounds up past the limit
        raise ValueError(f"amount out of range: {original!r}")
    # `+ 0` turns -0.0000 into 0.0000 so equal amounts compare and hash alike in reports.
    return quantized + 0 if quantized.is_zero() else quantized


def parse_amount(value: object) -> Decimal:
    """A provider's JSON number (int, float, numeric string or Decimal) as an exact Decimal.

    Rejects booleans (JSON `true` is not an amount even though `bool` is an `int`),
    NaN/Infinity, empty strings and anything non-numeric.
    """
    if isinstance(value, bool):
        raise ValueError(f"amount is a boolean: {value!r}")
    if isinstance(value, Decimal):
        return _finite(value, value)
    if isinstance(value, int):
        return _finite(Decimal(value), value)
    if isinstance(value, float):
        # repr is the shortest text that round-trips, i.e. what the provider wrote.
        return _finite(Decimal(repr(value)), value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("amount is empty")
        if not _NUMERIC_TEXT.fullmatch(text):
            raise ValueError(f"amount is not numeric: {value!r}")
        return _finite(Decimal(text), value)
    raise ValueError(f"amount has unsupported type {type(value).__name__}")


def minor_to_major(value: object) -> Decimal:
    """Minor units (paise) to major units (rupees): exactly value / 100.

    `scaleb(-2)` moves the decimal point without any rounding, so 10050 → 100.50.
    """
    minor = parse_amount(value)
    return _finite(minor.scaleb(-2), value)


def parse_rupees(text: str) -> Decimal:
    """A rupee string as rendered by a dashboard, as an exact Decimal.

    Accepts `₹1,23,456.50`, `1,23,456.50`, `₹0.01`, `-₹50.00`, `₹-50.00`, `Rs. 1,000`,
    `INR 250`, plain `1234.5`, with or without spaces. Digit groups must be well formed
    (Indian or Western grouping): `1,2,3` is rejected rather than guessed.
    """
    if not isinstance(text, str):
        raise ValueError(f"rupee amount must be text, got {type(text).__name__}")
    compact = _SPACES.sub("", text)
    negative = False
    if compact.startswith(_MINUS_SIGNS):
        negative, compact = True, compact[1:]
    lowered = compact.lower()
    for prefix in _CURRENCY_PREFIXES:
        if lowered.startswith(prefix):
            compact = compact[len(prefix) :]
            break
    if compact.startswith(_MINUS_SIGNS):
        if negative:
            raise ValueError(f"rupee amount has two signs: {text!r}")
        negative, compact = True, compact[1:]
    whole, dot, fraction = compact.partition(".")
    if dot and not _FRACTION.fullmatch(fraction):
        raise ValueError(f"rupee amount has a malformed fraction: {text!r}")
    if not (
        _PLAIN_DIGITS.fullmatch(whole)
        or _INDIAN_GROUPED.fullmatch(whole)
        or _WESTERN_GROUPED.fullmatch(whole)
    ):
        raise ValueError(f"not a rupee amount: {text!r}")
    digits = whole.replace(",", "") + (f".{fraction}" if dot else "")
    amount = Decimal(digits)
    return _finite(-amount if negative else amount, text)


def group_indian(digits: str) -> str:
    """Insert Indian digit-group commas into a string of digits: 1234567 → 12,34,567."""
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    pairs: list[str] = []
    while len(head) > 2:
        pairs.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head, *pairs, tail])


def format_inr(amount: Decimal, *, places: int = 2, symbol: bool = True) -> str:
    """Render an amount the way the PayShack dashboard does: `₹1,23,456.50`, `-₹50.00`.

    Rounds half-up to `places` (a display concern only; stored values keep 4 dp).
    """
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(f"cannot format {amount!r} as rupees")
    rounded = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):f}"
    whole, _, fraction = text.partition(".")
    body = group_indian(whole) + (f".{fraction}" if places > 0 else "")
    return f"{sign}{'₹' if symbol else ''}{body}"


# ISO 4217 minor-unit exponents of the currencies that differ from the usual 2 (a
# currency absent here, INR, USD and EUR among them, has 2).
_EXPONENTS: dict[str, int] = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX",
         "UYI", "VND", "VUV", "XAF", "XOF", "XPF"),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}  # fmt: skip
DEFAULT_EXPONENT = 2


def currency_exponent(currency: str | None) -> int:
    """Digits after the decimal point of `currency`'s minor unit (ISO 4217): 2 for INR,
    0 for JPY, 3 for BHD. Unknown or missing codes get 2, the common case."""
    if not currency:
        return DEFAULT_EXPONENT
    return _EXPONENTS.get(currency.strip().upper(), DEFAULT_EXPONENT)


def currency_exponents() -> dict[str, int]:
    """The codes whose exponent is not `DEFAULT_EXPONENT` (for SQL that mirrors
    `format_amount`)."""
    return dict(_EXPONENTS)


def format_amount(amount: Decimal, currency: str | None) -> str:
    """`amount` as plain text with its currency's decimals (`100.0000` INR → `100.00`,
    JPY → `100`), exactly: digits beyond the exponent that are not zero are kept
    (`0.0001` INR stays `0.0001`) rather than rounded away."""
    if not amount.is_finite():
        raise ValueError(f"cannot format {amount!r} as an amount")
    places = Decimal(1).scaleb(-currency_exponent(currency))
    short = amount.quantize(places, rounding=ROUND_HALF_UP)
    if short != amount:
        short = amount.normalize()
    return f"{short + 0 if short.is_zero() else short:f}"
