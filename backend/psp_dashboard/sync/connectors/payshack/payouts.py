"""PayShack pay-outs through the API transport: the stream `payshack_payouts`.

The wallet listing (`/indigate-payout-svc/api/v1/wallet/transactions`) pages, filters
and answers like the pay-in listing, so this is the API transport pointed at it, with
the same windows, watermark, completeness checks and backfill range mode (window.py).
What differs:
- the stream's own name (`payshack_payouts`): its own sync state, watermark, runs,
  lock and quarantine; its rows carry `source = 'payshack'`, `direction = 'payout'`;
- rows are normalized by `payout_normalize.py`, after their id and time are found under
  whatever names the row uses (`canonical_keys`: the walk counts and windows by them);
- no late-change sweep, look-ups or daily re-read: pay-out statuses (SUCCESS, FAILED)
  are final when listed; the incremental window's overlap re-reads the latest ones.

There is no pay-out page scraper: with `PAYSHACK_TRANSPORT=browser` the pay-out stream
still syncs through the API when the credentials log in there (docs/sync.md).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from psp_dashboard.sync.connectors.completeness import ListingPage
from psp_dashboard.sync.connectors.http import RetryingClient
from psp_dashboard.sync.connectors.payshack.api import PayShackApiTransport
from psp_dashboard.sync.connectors.payshack.listing import ListingQuery
from psp_dashboard.sync.connectors.payshack.payout_normalize import (
    canonical_keys,
    normalize_payshack_payout,
)
from psp_dashboard.sync.records import NormalizedTransaction, Stream

PAYOUT_PATH = "/indigate-payout-svc/api/v1/wallet/transactions"
PAYOUT_STREAM: Stream = "payshack_payouts"


class PayShackPayoutTransport(PayShackApiTransport):
    source: Stream = PAYOUT_STREAM
    listing_path = PAYOUT_PATH
    status_filter = False  # no look-ups by id: nothing to sweep (statuses are final)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Statuses are final when listed: no late-change sweep, whatever the settings say.
        self.late_change_days = 0

    def __repr__(self) -> str:  # never shows credentials
        return f"PayShackPayoutTransport(api_url={self.api_url!r})"

    def normalize(self, raw: dict[str, Any]) -> NormalizedTransaction:
        return normalize_payshack_payout(raw, self.client_projects)

    async def fetch_page(
        self, http: RetryingClient, page: int, query: ListingQuery, limit: int | None = None
    ) -> ListingPage:
        listed = await super().fetch_page(http, page, query, limit)
        return replace(listed, rows=[canonical_keys(r) for r in listed.rows])

    async def lookup(self, txn_id: str) -> list[dict[str, Any]]:
        return []  # never called: `status_filter` is False
