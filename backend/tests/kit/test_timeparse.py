"""Provider timestamps to tz-aware UTC, including IST display formats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from psp_dashboard.kit.timeparse import (
    ensure_utc,
    format_ist_display,
    parse_any_timestamp,
    parse_iso_utc,
    parse_ist_display,
    parse_vima_card_time,
)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-15T15:46:20.195Z", utc(2026, 1, 15, 15, 46, 20, 195000)),
        ("2026-01-15T15:46:20Z", utc(2026, 1, 15, 15, 46, 20)),
        ("2026-01-15T15:46:20", utc(2026, 1, 15, 15, 46, 20)),  # no zone means UTC
        ("2026-01-15T21:16:20+05:30", utc(2026, 1, 15, 15, 46, 20)),
        ("2026-01-15T10:46:20-05:00", utc(2026, 1, 15, 15, 46, 20)),
        ("2026-01-15T15:46:20.195+00:00", utc(2026, 1, 15, 15, 46, 20, 195000)),
        (" 2026-01-15T15:46:20Z ", utc(2026, 1, 15, 15, 46, 20)),
    ],
)
def test_parse_iso_utc(text: str, expected: datetime) -> None:
    result = parse_iso_utc(text)
    assert result == expected
    assert result.tzinfo is UTC


def test_parse_iso_utc_converts_aware_datetimes() -> None:
    ist = timezone(timedelta(hours=5, minutes=30))
    assert parse_iso_utc(datetime(2026, 1, 1, 5, 30, tzinfo=ist)) == utc(2026, 1, 1)


@pytest.mark.parametrize("text", ["", "yesterday", "2026-13-01T00:00:00Z", "15/01/2026"])
def test_parse_iso_utc_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_iso_utc(text)


def test_naive_datetime_is_rejected() -> None:
    with pytest.raises(ValueError, match="no time zone"):
        ensure_utc(datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-15 15:46:43.817000", utc(2026, 1, 15, 15, 46, 43, 817000)),
        ("2026-01-15 15:46:43", utc(2026, 1, 15, 15, 46, 43)),
    ],
)
def test_parse_vima_card_time_is_utc(text: str, expected: datetime) -> None:
    assert parse_vima_card_time(text) == expected


@pytest.mark.parametrize("text", ["2026-01-15T15:46:43Z", "15/01/2026 21:16:46", ""])
def test_parse_vima_card_time_rejects_other_shapes(text: str) -> None:
    with pytest.raises(ValueError):
        parse_vima_card_time(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15 Jan 2026, 09:16:46 PM", utc(2026, 1, 15, 15, 46, 46)),
        ("15/01/2026 21:16:46", utc(2026, 1, 15, 15, 46, 46)),
        ("15 Jan 2026, 9:16:46 pm", utc(2026, 1, 15, 15, 46, 46)),
        ("15 January 2026 21:16", utc(2026, 1, 15, 15, 46)),  # 24-hour clock, no AM/PM
        ("2026-03-04 05:25:14", utc(2026, 3, 3, 23, 55, 14)),  # year first (re-skins)
        ("04-03-2026 05:25:14", utc(2026, 3, 3, 23, 55, 14)),
        ("04 Mar 2026, 05:25:14 AM", utc(2026, 3, 3, 23, 55, 14)),
        ("15 Jan 2026, 13:16:46 PM", None),  # 13 on a 12-hour clock
        ("2026-02-30 10:00:00", None),
        # Midnight and noon on the 12-hour clock.
        ("15 Jan 2026, 12:00:00 AM", utc(2026, 1, 14, 18, 30)),
        ("15 Jan 2026, 12:00:00 PM", utc(2026, 1, 15, 6, 30)),
        # IST early morning is the previous UTC day, across month and year ends.
        ("01 Feb 2026, 02:00:00 AM", utc(2026, 1, 31, 20, 30)),
        ("01/02/2026 02:00:00", utc(2026, 1, 31, 20, 30)),
        ("01 Jan 2026, 05:29:59 AM", utc(2025, 12, 31, 23, 59, 59)),
        ("01 Jan 2026, 05:30:00 AM", utc(2026, 1, 1, 0, 0)),
        ("01 Mar 2026, 12:15:00 AM", utc(2026, 2, 28, 18, 45)),
        ("31/03/2026 23:59:59", utc(2026, 3, 31, 18, 29, 59)),
        ("01/03/2028 00:00:00", utc(2028, 2, 29, 18, 30)),  # leap year
    ],
)
def test_parse_ist_display(text: str, expected: datetime | None) -> None:
    if expected is None:
        with pytest.raises(ValueError):
            parse_ist_display(text)
    else:
        assert parse_ist_display(text) == expected


@pytest.mark.parametrize(
    "text",
    ["31/02/2026 10:00:00", "15 Foo 2026, 09:16:46 PM", "15 Jan 2026, 13:00:00 PM", "", "now"],
)
def test_parse_ist_display_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        parse_ist_display(text)


def test_parse_any_timestamp_accepts_both_families() -> None:
    assert parse_any_timestamp("2026-01-31T20:30:00Z") == utc(2026, 1, 31, 20, 30)
    assert parse_any_timestamp("01 Feb 2026, 02:00:00 AM") == utc(2026, 1, 31, 20, 30)
    with pytest.raises(ValueError, match="unrecognised"):
        parse_any_timestamp("soon")


@pytest.mark.parametrize(
    ("instant", "long", "numeric"),
    [
        (utc(2026, 1, 15, 15, 46, 46), "15 Jan 2026, 09:16:46 PM", "15/01/2026 21:16:46"),
        (utc(2026, 1, 31, 20, 30), "01 Feb 2026, 02:00:00 AM", "01/02/2026 02:00:00"),
        (utc(2026, 1, 14, 18, 30), "15 Jan 2026, 12:00:00 AM", "15/01/2026 00:00:00"),
    ],
)
def test_format_ist_display_round_trips(instant: datetime, long: str, numeric: str) -> None:
    assert format_ist_display(instant) == long
    assert format_ist_display(instant, "numeric") == numeric
    assert parse_ist_display(long) == instant
    assert parse_ist_display(numeric) == instant
