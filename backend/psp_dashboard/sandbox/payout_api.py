"""PayShack's pay-out listing: `GET /indigate-payout-svc/api/v1/wallet/transactions`.

The pay-in listing's contract (payshack.md): the same envelope, `page`/`limit`/`status`/
`dateFrom`/`dateTo` (IST days, inclusive), newest first, the same auth and the same
injected faults — the route sits behind the pay-in API's guard (payshack_api.py).
Listing faults act as on pay-ins: `grow_per_request` adds a pay-out before each page
(rows shift between pages), `drop_last_pages` empties the last pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psp_dashboard.sandbox.payouts import render_payout

if TYPE_CHECKING:
    from psp_dashboard.sandbox.payshack_query import PayShackQuery
    from psp_dashboard.sandbox.state import Sandbox

PAYOUT_PATH = "/indigate-payout-svc/api/v1/wallet/transactions"


def payout_page(sb: Sandbox, query: PayShackQuery) -> dict[str, Any]:
    """One page of the pay-out listing (the pay-in envelope's keys)."""
    world, faults = sb.world, sb.world.faults.payshack.config
    with world.lock:
        if faults.grow_per_request > 0:
            world.payouts.add(faults.grow_per_request, world.clock_ms)
        rows = world.payouts.between(query.from_ms, query.to_ms)
        if query.status is not None:
            wanted = query.status.strip().casefold()
            rows = [r for r in rows if r.status.casefold() == wanted]
        if query.txn_id is not None:
            rows = [r for r in rows if r.txn_id == query.txn_id.strip()]
        if query.order_id is not None:
            rows = [r for r in rows if r.order_id == query.order_id.strip()]
        total = len(rows)
        pages = -(-total // query.limit)
        skip = (query.page - 1) * query.limit
        newest_first = rows[::-1][skip : skip + query.limit]
        if faults.drop_last_pages > 0 and query.page > pages - faults.drop_last_pages:
            newest_first = []
        directory = sb.directory
        docs = [
            render_payout(
                world.seed, directory.reseller_id, directory.client(r.client).client_id, r
            )
            for r in newest_first
        ]
    return {
        "transactions": docs,
        "totalRecords": total,
        "perPage": query.limit,
        "totalPages": pages,
        "currentPageNo": query.page,
        "prevPage": query.page - 1,
        "nextPage": query.page + 1 if query.page < pages else 0,
    }
