"""Due times: wall-clock time in the zone, once per local day across DST changes; the
weekly report on its weekday; the days each report covers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from psp_dashboard.reports.schedule import Timing, latest_due, next_due, report_period

NEW_YORK = "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def dues(timing: Timing, start: datetime, days: int) -> list[datetime]:
    """Every due time from `start` on, walking next_due."""
    out, now = [], start
    while len(out) < days:
        due = next_due(timing, now)
        assert due is not None
        out.append(due)
        now = due
    return out


def test_spring_forward_fires_once_right_after_the_jump() -> None:
    # 2026-03-08: New York's clocks go 02:00 EST → 03:00 EDT; 02:30 does not exist.
    timing = Timing("daily_summary", time(2, 30), NEW_YORK)
    got = dues(timing, utc(2026, 3, 6, 12), 4)
    assert got == [
        utc(2026, 3, 7, 7, 30),  # 02:30 EST
        utc(2026, 3, 8, 7, 30),  # the skipped 02:30: the old offset's instant, 03:30 EDT
        utc(2026, 3, 9, 6, 30),  # 02:30 EDT
        utc(2026, 3, 10, 6, 30),
    ]


def test_fall_back_fires_at_the_first_of_the_two_times() -> None:
    # 2026-11-01: 02:00 EDT → 01:00 EST; 01:30 happens twice.
    timing = Timing("daily_summary", time(1, 30), NEW_YORK)
    got = dues(timing, utc(2026, 10, 31, 0), 3)
    assert got == [utc(2026, 10, 31, 5, 30), utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)]
    # Between the two 01:30s the day's due time has passed: latest is the first one.
    assert latest_due(timing, utc(2026, 11, 1, 6, 15)) == utc(2026, 11, 1, 5, 30)
    assert latest_due(timing, utc(2026, 11, 1, 5, 29, 59)) == utc(2026, 10, 31, 5, 30)


def test_latest_due_is_the_last_time_at_or_before_now() -> None:
    timing = Timing("daily_summary", time(8, 0), "Asia/Kolkata")  # 02:30 UTC
    due = utc(2026, 11, 21, 2, 30)
    assert latest_due(timing, due) == due
    assert latest_due(timing, due - timedelta(seconds=1)) == due - timedelta(days=1)
    assert next_due(timing, due) == due + timedelta(days=1)


def test_weekly_fires_on_its_weekday_in_the_zone() -> None:
    # Monday 00:30 in Kolkata is Sunday 19:00 UTC.
    timing = Timing("weekly_reconciliation", time(0, 30), "Asia/Kolkata", weekday=0)
    got = dues(timing, utc(2026, 11, 18), 2)
    assert got == [utc(2026, 11, 22, 19, 0), utc(2026, 11, 29, 19, 0)]
    assert latest_due(timing, utc(2026, 11, 29, 18, 59)) == utc(2026, 11, 22, 19, 0)


def test_periods_are_days_in_the_zone_before_the_send() -> None:
    sent = utc(2026, 11, 22, 19, 0)  # Monday 2026-11-23 00:30 in Kolkata
    assert report_period("daily_summary", sent, "Asia/Kolkata") == (
        date(2026, 11, 22),
        date(2026, 11, 22),
    )
    assert report_period("weekly_reconciliation", sent, "Asia/Kolkata") == (
        date(2026, 11, 16),
        date(2026, 11, 22),
    )
    # The same instant in UTC is still Sunday: the day before is Saturday.
    assert report_period("daily_summary", sent, "UTC") == (date(2026, 11, 21), date(2026, 11, 21))
