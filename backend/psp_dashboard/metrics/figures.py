"""Counts and amounts per currency, rendered as the contract's `{count, amount}` figures.

Amounts are summed only within one currency. When the data a response covers holds a
single currency (the normal case: every provider here settles in INR), figures are the
contract's `{"count", "amount"}`. When it holds several, no amount is summed across
them: `amount` is null and `by_currency` lists the exact sum per currency.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from psp_dashboard.kit.json import money, percent

DEFAULT_CURRENCY = "INR"


@dataclass
class Tally:
    count: int = 0
    amounts: dict[str, Decimal] = field(default_factory=dict)

    def add(self, currency: str, count: int, amount: Decimal) -> None:
        self.count += count
        self.amounts[currency] = self.amounts.get(currency, Decimal(0)) + amount

    def merge(self, other: Tally) -> None:
        self.count += other.count
        for currency, amount in other.amounts.items():
            self.amounts[currency] = self.amounts.get(currency, Decimal(0)) + amount

    def amount(self) -> Decimal:
        return sum(self.amounts.values(), Decimal(0))


@dataclass(frozen=True, slots=True)
class Currencies:
    """The currencies a response covers; decides whether amounts may be summed."""

    present: tuple[str, ...]
    fallback: str = DEFAULT_CURRENCY

    @classmethod
    def of(cls, tallies: Iterable[Tally], fallback: str | None) -> Currencies:
        seen: set[str] = set()
        for tally in tallies:
            seen.update(c for c, _ in tally.amounts.items())
        return cls(tuple(sorted(seen)), fallback or DEFAULT_CURRENCY)

    @property
    def mixed(self) -> bool:
        return len(self.present) > 1

    @property
    def single(self) -> str | None:
        if self.mixed:
            return None
        return self.present[0] if self.present else self.fallback

    def amount(self, tally: Tally) -> Decimal | None:
        return None if self.mixed else money(tally.amount())

    def figure(self, tally: Tally) -> dict[str, Any]:
        out: dict[str, Any] = {"count": tally.count, "amount": self.amount(tally)}
        if self.mixed:
            out["by_currency"] = {c: money(tally.amounts.get(c, Decimal(0))) for c in self.present}
        return out

    def average(self, tally: Tally) -> Decimal | None:
        if self.mixed or not tally.count:
            return None
        return money(
            (tally.amount() / tally.count).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        )


def change(current: int | Decimal, previous: int | Decimal) -> Decimal | None:
    """Percent change, one decimal; None when there is nothing to compare against."""
    if not previous:
        return None
    return percent(current - previous, previous)
