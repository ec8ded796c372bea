"""Dates in requests are `YYYY-MM-DD`, nothing else.

Pydantic's lax mode reads `0` or `1700000000` as a Unix time (so `?date=0` answered for
1970-01-01), which the OpenAPI document's `format: date` does not allow.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_only(value: Any) -> Any:
    if isinstance(value, bool | int | float) or (
        isinstance(value, str) and not _ISO_DATE.match(value)
    ):
        raise ValueError("expected a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_only)]
