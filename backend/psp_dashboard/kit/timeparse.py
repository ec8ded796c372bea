"""Timestamps from the providers, always returned as tz-aware UTC datetimes.

Three shapes arrive:
- ISO-8601 from both APIs, with `Z`, an offset, or no zone at all (the providers
  document their API times as UTC, so a missing zone means UTC);
- Vima's `card_*` entries, `YYYY-MM-DD HH:MM:SS.ffffff` without zone (UTC);
- the PayShack dashboard's display formats, in IST unless its header names another
  zone: `15 Jan 2026, 09:16:46 PM`, `15/01/2026 21:16:46`, `2026-01-15 21:16:46`.

Month names are matched from a fixed English table rather than `strptime("%b")`,
whose result depends on the process locale.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Literal
from zoneinfo import ZoneInfo

IST = ZoneInfo("Asia/Kolkata")

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}
# `15 Jan 2026, 09:16:46 PM` (seconds optional, comma optional, AM/PM optional: without
# it the hour is on the 24-hour clock).
_LOCAL_LONG = re.compile(
    r"(?P<day>\d{1,2})[\s-]+(?P<mon>[A-Za-z]{3,9})\.?[\s-]+(?P<year>\d{4}),?\s+"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?"
)
# `15/01/2026 21:16:46`, `15-01-2026 21:16`, `15.01.2026 09:16:46 PM` (day first, as
# written in India).
_LOCAL_NUMERIC = re.compile(
    r"(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{4}),?\s+"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?\s*(?P<ampm>[AaPp][Mm])?"
)
# `2026-01-15 21:16:46`, `2026/01/15 21:16` (year first; no zone: the page's zone).
_LOCAL_YEAR_FIRST = re.compile(
    r"(?P<year>\d{4})[/-](?P<month>\d{1,2})[/-](?P<day>\d{1,2})[T\s,]+"
    r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d{1,6})?)?"
    r"\s*(?P<ampm>[AaPp][Mm])?"
)
# `2026-01-15 15:46:20.195000`; `fromisoformat` would also take it, but naming the
# shape keeps the Vima card format from silently widening to anything ISO-like.
_VIMA_CARD = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,6})?")


def ensure_utc(value: datetime) -> datetime:
    """An aware datetime converted to UTC; a naive one is rejected (its zone is unknown)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"datetime has no time zone: {value.isoformat()}")
    return value.astimezone(UTC)


def parse_iso_utc(value: str | datetime) -> datetime:
    """ISO-8601 text (`Z`, `+05:30` or no zone = UTC) or an aware datetime, in UTC."""
    if isinstance(value, datetime):
        return ensure_utc(value)
    if not isinstance(value, str):
        raise ValueError(f"timestamp must be text, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise ValueError("timestamp is empty")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not an ISO-8601 timestamp: {value!r}") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_vima_card_time(value: str) -> datetime:
    """Vima `card_start`/`card_finish` time, `YYYY-MM-DD HH:MM:SS.ffffff`, which is UTC."""
    if not isinstance(value, str) or not _VIMA_CARD.fullmatch(value.strip()):
        raise ValueError(f"not a Vima card timestamp: {value!r}")
    return datetime.fromisoformat(value.strip()).replace(tzinfo=UTC)


def parse_ist_display(value: str) -> datetime:
    """A PayShack dashboard time shown in IST, converted to UTC.

    `01 Feb 2026, 02:00:00 AM` (IST) is `2026-01-31T20:30:00Z`.
    """
    return parse_local_display(value, IST)


def _hour(fields: re.Match[str], value: str) -> int:
    hour = int(fields["hour"])
    ampm = fields["ampm"]
    if ampm is None:
        return hour
    if not 1 <= hour <= 12:
        raise ValueError(f"12-hour clock hour out of range in {value!r}")
    # 12 AM is midnight and 12 PM is noon: take the hour modulo 12, then add 12 for PM.
    return hour % 12 + (12 if ampm.lower() == "pm" else 0)


def parse_local_display(value: str, zone: ZoneInfo) -> datetime:
    """A time as a dashboard shows it in `zone` (no zone in the text), converted to UTC:
    `15 Jan 2026, 09:16:46 PM`, `15 Jan 2026 21:16:46`, `15/01/2026 21:16:46`,
    `15-01-2026 21:16`, `2026-01-15 21:16:46`. Day-first when numeric, as in India."""
    if not isinstance(value, str):
        raise ValueError(f"timestamp must be text, got {type(value).__name__}")
    text = " ".join(value.split())
    if match := _LOCAL_LONG.fullmatch(text):
        month = _MONTHS.get(match["mon"][:3].lower())
        if month is None:
            raise ValueError(f"unknown month in {value!r}")
    elif match := _LOCAL_NUMERIC.fullmatch(text) or _LOCAL_YEAR_FIRST.fullmatch(text):
        month = int(match["month"])
    else:
        raise ValueError(f"not a dashboard display timestamp: {value!r}")
    try:
        local = datetime(
            int(match["year"]),
            month,
            int(match["day"]),
            _hour(match, value),
            int(match["minute"]),
            int(match["second"] or 0),
            tzinfo=zone,
        )
    except ValueError as exc:  # 31/02/2026, 25:00 and the like
        raise ValueError(f"impossible date or time in {value!r}: {exc}") from None
    return local.astimezone(UTC)


def parse_any_timestamp(value: str | datetime) -> datetime:
    """Try ISO-8601, then the IST display formats; for inputs whose shape is not fixed."""
    if isinstance(value, datetime):
        return ensure_utc(value)
    try:
        return parse_iso_utc(value)
    except ValueError:
        pass
    try:
        return parse_ist_display(value)
    except ValueError:
        raise ValueError(f"unrecognised timestamp: {value!r}") from None


def format_ist_display(value: datetime, style: Literal["long", "numeric"] = "long") -> str:
    """Render a UTC instant as the PayShack dashboard shows it in IST (for the sandbox)."""
    local = ensure_utc(value).astimezone(IST)
    if style == "numeric":
        return local.strftime("%d/%m/%Y %H:%M:%S")
    month = tuple(_MONTHS)[local.month - 1].capitalize()
    ampm = "AM" if local.hour < 12 else "PM"
    hour12 = local.hour % 12 or 12
    return f"{local.day:02d} {month} {local.year}, {hour12:02d}:{local:%M:%S} {ampm}"
