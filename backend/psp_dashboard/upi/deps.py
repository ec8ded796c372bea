"""The request's deemed cut-off: its clock (`metrics.clock`, frozen by tests) less
UPI_DEEMED_AFTER_MINUTES."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends

from psp_dashboard.api.deps import SettingsDep
from psp_dashboard.metrics.clock import NowDep
from psp_dashboard.upi.service import deemed_before


def request_deemed_before(now: NowDep, settings: SettingsDep) -> datetime:
    return deemed_before(now, settings.upi_deemed_after_minutes)


DeemedBeforeDep = Annotated[datetime, Depends(request_deemed_before)]
