"""Page-number paging of the read API's lists: the parameters, the depth rule, `meta`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from psp_dashboard.errors import ValidationFailed

# OFFSET paging reads and discards every skipped row; past this depth a page costs
# seconds on 10M rows. Deeper browsing is what filters and exports are for.
MAX_OFFSET = 100_000
MAX_LIMIT = 100

PageQuery = Annotated[
    int,
    Query(
        ge=1,
        le=MAX_OFFSET + 1,
        description="1-based page number; (page - 1) × limit at most 100,000",
    ),
]
LimitQuery = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page")]


def offset_of(page: int, limit: int) -> int:
    """The page's first row, or a 400 past `MAX_OFFSET` (the one rule over both
    parameters that the query's own bounds cannot state)."""
    offset = (page - 1) * limit
    if offset > MAX_OFFSET:
        raise ValidationFailed(
            f"Pages deeper than {MAX_OFFSET:,} rows are not served by number; follow "
            "`meta.next_cursor` with `cursor=`, narrow the filters or export the rows",
            {
                "field": "page",
                "reason": "too_deep",
                "expected": f"page ≤ {MAX_OFFSET // limit + 1} at limit {limit}",
                "received": page,
            },
        )
    return offset


def page_meta(page: int, limit: int, total: int) -> dict[str, Any]:
    """Any: the keyset lists add `next_cursor` (a string or None) to it."""
    return {"page": page, "limit": limit, "total": total, "total_pages": -(-total // limit)}
