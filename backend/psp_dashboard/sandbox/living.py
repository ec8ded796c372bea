"""Living mode: payments keep arriving on wall-clock time and pendings settle.

`LivingPacer.tick` is the whole behaviour (deterministic given elapsed time and "now");
`living_loop` only calls it about once per `tick_seconds`.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from psp_dashboard.sandbox import incidents
from psp_dashboard.sandbox.payouts import PAYOUT_EVERY
from psp_dashboard.sandbox.timeline import ms_of
from psp_dashboard.sandbox.world_advance import AdvanceResult

if TYPE_CHECKING:
    from psp_dashboard.sandbox.state import Sandbox


class LivingPacer:
    """Turns elapsed time into whole numbers of new payments and settlements,
    carrying fractions over so a rate of 0.2/s still yields one every 5 s."""

    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self._owed_new = 0.0
        self._owed_settle = 0.0
        self._owed_payouts = 0.0

    def tick(self, elapsed_seconds: float, now: datetime) -> AdvanceResult | None:
        settings = self.sb.living.settings
        if not settings.enabled:
            self._owed_new = self._owed_settle = 0.0
            return None
        self._owed_new += settings.rate_per_second * elapsed_seconds
        self._owed_settle += settings.settle_per_second * elapsed_seconds
        new, settle = int(self._owed_new), int(self._owed_settle)
        self._owed_new -= new
        self._owed_settle -= settle
        if not (new or settle):
            return None
        with self.sb.world.lock:  # an incident's changes land in the same step
            result = self.sb.world.advance(
                new=new,
                settle=settle,
                at=now,
                settle_older_than=timedelta(seconds=settings.settle_after_seconds),
            )
            incidents.affect_new_payments(self.sb, result.created)
            self._pay_out(settings.rate_per_second * elapsed_seconds, now)
        return result

    def _pay_out(self, payments: float, now: datetime) -> None:
        """One pay-out per PAYOUT_EVERY payments, created now (payouts.py)."""
        self._owed_payouts += payments / PAYOUT_EVERY
        due = int(self._owed_payouts)
        self._owed_payouts -= due
        if due:
            self.sb.world.payouts.add(due, ms_of(now))


async def living_loop(sb: Sandbox) -> None:
    """Runs for the servers' lifetime; the admin endpoint may switch the mode on/off."""
    pacer = LivingPacer(sb)
    loop = asyncio.get_running_loop()
    last = loop.time()
    while True:
        await asyncio.sleep(sb.living.settings.tick_seconds)  # pacing, not synchronization
        now = loop.time()
        pacer.tick(now - last, datetime.now(UTC))
        last = now
