"""Brute-force metrics straight from `transactions` rows, in Python (independent of the
rollup and of PostgreSQL's time-zone functions), for the tests to compare against."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

Row = dict[str, Any]


def midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)


def in_period(rows: Iterable[Row], first: date, last: date, tz: ZoneInfo, **eq: Any) -> list[Row]:
    start, end = midnight(first, tz), midnight(last + timedelta(days=1), tz)
    return [
        r
        for r in rows
        if start <= r["created_at"] < end and all(r[k] == v for k, v in eq.items() if v)
    ]


def pct(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def money(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.0001"))


def bucket_start(instant: datetime, tz: ZoneInfo, granularity: str) -> datetime:
    local = instant.astimezone(tz)
    if granularity == "hour":
        return local.replace(minute=0, second=0, microsecond=0).astimezone(UTC)
    day = local.date()
    if granularity == "week":
        day -= timedelta(days=day.weekday())
    return midnight(day, tz)


def bucket_starts(first: date, last: date, tz: ZoneInfo, granularity: str) -> list[datetime]:
    """Every bucket of the period, built by walking the calendar, not by SQL."""
    if granularity == "hour":
        out, at, end = [], midnight(first, tz), midnight(last + timedelta(days=1), tz)
        while at < end:
            out.append(bucket_start(at, tz, "hour"))
            at += timedelta(minutes=30)  # half hours: +05:30 and DST both land on a start
        return sorted(set(out))
    day = first - timedelta(days=first.weekday()) if granularity == "week" else first
    step = timedelta(days=7 if granularity == "week" else 1)
    out = []
    while day <= last:
        out.append(midnight(day, tz))
        day += step
    return out


def trends(rows: list[Row], first: date, last: date, tz: ZoneInfo, granularity: str) -> list[Any]:
    points: dict[datetime, list[Any]] = {
        b: [0, Decimal(0), 0, 0] for b in bucket_starts(first, last, tz, granularity)
    }
    for r in in_period(rows, first, last, tz):
        point = points[bucket_start(r["created_at"], tz, granularity)]
        point[0] += 1
        point[1] += r["amount"]
        point[2] += r["status"] == "success"
        point[3] += r["status"] == "failed"
    return [(b, c, money(a), s, f) for b, (c, a, s, f) in sorted(points.items())]


def figure(rows: list[Row]) -> tuple[int, Decimal]:
    return len(rows), money(sum((r["amount"] for r in rows), Decimal(0)))


def grouped(rows: list[Row], key: Callable[[Row], Any]) -> dict[Any, list[Row]]:
    groups: dict[Any, list[Row]] = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    return groups


def ranked(rows: list[Row], column: str) -> list[dict[str, Any]]:
    out = []
    for value, members in grouped(rows, lambda r: r[column]).items():
        count, amount = figure(members)
        ok = sum(r["status"] == "success" for r in members)
        out.append(
            {
                column: value,
                "count": count,
                "amount": amount,
                "success_count": ok,
                "failed_count": sum(r["status"] == "failed" for r in members),
                "success_rate": pct(ok, count),
            }
        )
    return sorted(out, key=lambda d: (-d["count"], d[column] or ""))
