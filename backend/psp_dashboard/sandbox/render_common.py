"""Formatting shared by both providers' renderers."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

_EPOCH_DAY = date(1970, 1, 1)
BAD_AMOUNTS = ("n/a", "12O.00", "₹ 5OO", "abc")
BAD_DATES = ("not-a-date", "2026-02-30T25:61:00.000Z", "15/01/2026 25:61", "")


@lru_cache(maxsize=4096)
def _day_text(days: int) -> str:
    return (_EPOCH_DAY + timedelta(days=days)).isoformat()


def _split(ms: int) -> tuple[str, int, int, int, int]:
    # Arithmetic instead of datetime objects: timestamps are formatted ~6 times per
    # rendered record, and this is several times faster than datetime.isoformat.
    days, rest = divmod(ms, 86_400_000)
    seconds, milli = divmod(rest, 1000)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return _day_text(days), hours, minutes, seconds, milli


def iso_z(ms: int) -> str:
    """UTC ISO-8601 with milliseconds and a Z, as both APIs send it."""
    day, h, m, s, milli = _split(ms)
    return f"{day}T{h:02d}:{m:02d}:{s:02d}.{milli:03d}Z"


def spaced_micro(ms: int) -> str:
    """Vima's card_* time format: 'YYYY-MM-DD HH:MM:SS.ffffff', UTC without a zone."""
    day, h, m, s, milli = _split(ms)
    return f"{day} {h:02d}:{m:02d}:{s:02d}.{milli:03d}000"


def year_of(ms: int) -> int:
    return _year_of_day(ms // 86_400_000)


@lru_cache(maxsize=4096)
def _year_of_day(days: int) -> int:
    return (_EPOCH_DAY + timedelta(days=days)).year


def rupees(minor: int) -> int | float:
    """A JSON number in rupees: whole values as integers, others with paise."""
    whole, paise = divmod(minor, 100)
    return whole if paise == 0 else minor / 100


def rupees_float(minor: int) -> float:
    """Vima sends major-unit amounts as floats (100.0)."""
    return minor / 100
