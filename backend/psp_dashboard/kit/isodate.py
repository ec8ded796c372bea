"""Dates in requests are `YYYY-MM-DD`, nothing else.

Pydantic's lax mode reads `0` or `1700000000` as a Unix time (so `?date=0` answered for
1970-01-01), which the OpenAPI document's `format: date` does not allow.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

# ASCII digits only (`\d` also takes other scripts' digits) and the whole string (`$`
# would let a trailing newline through).
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_only(value: Any) -> Any:
    """Only a `YYYY-MM-DD` string (or a `date` built in code): a Unix time, a datetime
    string (`2026-01-15T00:00:00`) or a week date is refused, never read as some day."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_only)]
