"""Periods of local calendar days, turned into half-open UTC ranges.

A request names days (`from_date`..`to_date`, inclusive) in a time zone; the database
holds UTC instants. A period is [local midnight of from_date, local midnight of the day
after to_date), so a 23- or 25-hour DST day is still exactly one day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, available_timezones

from psp_dashboard.errors import ValidationFailed

# Outside these, date arithmetic with zones and previous periods could overflow; no
# payment this system stores predates 2000.
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2099, 12, 31)

Compare = Literal["previous_period", "previous_week"]


@lru_cache(maxsize=1)
def known_timezones() -> frozenset[str]:
    # Only IANA names: PostgreSQL reads POSIX strings such as "UTC+5" with the sign
    # inverted, so letting them through would shift every bucket the wrong way.
    return frozenset(available_timezones() | {"UTC"})


def parse_timezone(name: str) -> ZoneInfo:
    if name not in known_timezones():
        raise ValidationFailed(
            f"Unknown time zone: {name!r}",
            {"field": "timezone", "expected": "IANA time zone name", "received": name},
        )
    return ZoneInfo(name)


def local_midnight(day: date, tz: ZoneInfo) -> datetime:
    """The UTC instant at which `day` starts in `tz`."""
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def today_in(tz: ZoneInfo, now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(tz).date()


@dataclass(frozen=True, slots=True)
class Period:
    from_date: date
    to_date: date
    tz: ZoneInfo

    @property
    def start(self) -> datetime:
        return local_midnight(self.from_date, self.tz)

    @property
    def end(self) -> datetime:
        """Exclusive."""
        return local_midnight(self.to_date + timedelta(days=1), self.tz)

    @property
    def days(self) -> int:
        return (self.to_date - self.from_date).days + 1

    @property
    def timezone(self) -> str:
        return self.tz.key

    def shifted(self, days: int) -> Period:
        return Period(
            self.from_date + timedelta(days=days), self.to_date + timedelta(days=days), self.tz
        )

    def previous(self, compare: Compare) -> Period:
        """The period compared against: the same number of days right before, or the
        same days one week earlier (which overlaps this period when it spans > 7 days)."""
        return self.shifted(-self.days if compare == "previous_period" else -7)

    def as_json(self) -> dict[str, str]:
        return {
            "from": self.from_date.isoformat(),
            "to": self.to_date.isoformat(),
            "timezone": self.timezone,
        }


def check_date(field: str, value: date | None) -> None:
    if value is not None and not MIN_DATE <= value <= MAX_DATE:
        raise ValidationFailed(
            f"{field} must be between {MIN_DATE} and {MAX_DATE}",
            {
                "field": field,
                "expected": f"a date between {MIN_DATE} and {MAX_DATE}",
                "received": value.isoformat(),
            },
        )


def check_order(from_date: date | None, to_date: date | None) -> None:
    if from_date is not None and to_date is not None and from_date > to_date:
        raise ValidationFailed(
            "to_date is before from_date",
            {
                "field": "to_date",
                "expected": f"a date on or after {from_date.isoformat()}",
                "received": to_date.isoformat(),
            },
        )


def resolve_period(
    from_date: date | None,
    to_date: date | None,
    tz: ZoneInfo,
    *,
    default_days: int = 1,
    now: datetime | None = None,
) -> Period:
    """Fill defaults (the contract's: today in the zone) and validate.

    Only `from_date`: from then until today. Only `to_date`: the `default_days` ending
    then. Neither: the `default_days` ending today.
    """
    check_date("from_date", from_date)
    check_date("to_date", to_date)
    if to_date is None:
        today = today_in(tz, now)
        to_date = today if from_date is None or from_date <= today else from_date
    if from_date is None:
        from_date = to_date - timedelta(days=default_days - 1)
    check_order(from_date, to_date)
    return Period(from_date, to_date, tz)
