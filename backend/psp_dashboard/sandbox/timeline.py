"""When generated payments happen: an Indian daytime curve laid over UTC days.

Entry j of a day with n entries is placed at F⁻¹((j + u_j) / n), where F is the CDF of the
day's traffic curve and u_j a per-entry hash in [0, 1). Each entry owns its own slice of
the CDF, so times increase with the index and any entry's time is computed in O(log)
without storing anything.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from psp_dashboard.sandbox.rng import hash64, unit

DAY_MS = 86_400_000
HALF_HOUR_MS = 1_800_000
IST_OFFSET_MS = 19_800_000  # +05:30
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Relative traffic per IST hour (index = hour): quiet at night, peak in the evening.
IST_HOURLY_WEIGHTS = (
    2.0, 1.2, 0.8, 0.6, 0.5, 0.6, 1.0, 2.0, 3.5, 5.0, 6.0, 6.5,
    6.5, 6.0, 6.0, 6.0, 6.5, 7.0, 7.5, 8.0, 8.5, 8.0, 6.5, 4.0,
)  # fmt: skip

_SALT_TIME = 0x71AE


def ms_of(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise ValueError("naive datetime; sandbox times are tz-aware")
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def moment_of(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


def day_start_ms(day: date) -> int:
    return (day - date(1970, 1, 1)).days * DAY_MS


class DayShape:
    """The traffic curve of one UTC day: 48 half-hour steps following IST hours."""

    def __init__(self) -> None:
        weights = []
        for seg in range(48):
            ist_minute = (seg * 30 + 330) % 1440
            weights.append(IST_HOURLY_WEIGHTS[ist_minute // 60])
        self._weights = weights
        cum = [0.0]
        for w in weights:
            cum.append(cum[-1] + w)
        self._cum = cum
        self._total = cum[-1]

    def inverse(self, u: float) -> int:
        """Millisecond of the day at which the CDF reaches u (0 <= u < 1)."""
        target = u * self._total
        seg = min(47, bisect_right(self._cum, target) - 1)
        within = (target - self._cum[seg]) / self._weights[seg]
        return int(seg * HALF_HOUR_MS + within * HALF_HOUR_MS)

    def cdf(self, ms_of_day: int) -> float:
        if ms_of_day <= 0:
            return 0.0
        if ms_of_day >= DAY_MS:
            return 1.0
        seg = ms_of_day // HALF_HOUR_MS
        part = (ms_of_day - seg * HALF_HOUR_MS) / HALF_HOUR_MS
        return (self._cum[seg] + part * self._weights[seg]) / self._total


class Timeline:
    """Times of the generated entries (indices 0..n-1) of a world."""

    def __init__(
        self, seed: int, start: date, days: int, per_day: int, end_at_ms: int | None
    ) -> None:
        self._seed = seed
        self.shape = DayShape()
        self._day_starts: list[int] = []
        self._fracs: list[float] = []
        self._counts: list[int] = []
        self.first_index: list[int] = []
        total = 0
        for d in range(days):
            start_ms = day_start_ms(start + timedelta(days=d))
            frac = 1.0
            if end_at_ms is not None:
                frac = self.shape.cdf(end_at_ms - start_ms)
            count = round(per_day * frac)
            self._day_starts.append(start_ms)
            self._fracs.append(frac)
            self._counts.append(count)
            self.first_index.append(total)
            total += count
        self.n = total
        self.start_ms = day_start_ms(start)
        self.end_ms = self.start_ms + days * DAY_MS
        if end_at_ms is not None:
            self.end_ms = max(self.start_ms, min(self.end_ms, end_at_ms))
        # Scans touch neighbours repeatedly (a pay-in's time needs the next entry's), so a
        # small per-instance cache pays for itself.
        self.time_ms: Callable[[int], int] = lru_cache(maxsize=1 << 14)(self._time_ms)

    def _time_ms(self, i: int) -> int:
        d = bisect_right(self.first_index, i) - 1
        while self._counts[d] == 0:  # skip empty days (only after end_at)
            d -= 1
        j = i - self.first_index[d]
        u = unit(hash64(self._seed, i, _SALT_TIME))
        x = (j + u) / self._counts[d] * self._fracs[d]
        return self._day_starts[d] + self.shape.inverse(x)
