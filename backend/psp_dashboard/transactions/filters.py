"""The transaction list's filters, shared by `GET /transactions` and the export."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import Depends, Query

from psp_dashboard.auth.principal import Principal
from psp_dashboard.kit.isodate import IsoDate
from psp_dashboard.kit.params import ProjectQuery, SourceQuery, TimezoneDep
from psp_dashboard.kit.periods import check_date, check_order, local_midnight
from psp_dashboard.upi.deps import DeemedBeforeDep
from psp_dashboard.upi.rules import Flag

Status = Literal["success", "failed", "pending", "refunded"]
Direction = Literal["payin", "payout"]
SortBy = Literal["created_at", "amount", "status", "updated_at"]
Order = Literal["asc", "desc"]
UTC_ZONE = ZoneInfo("UTC")


@dataclass(frozen=True, slots=True)
class TransactionFilters:
    source: str | None = None
    project: str | None = None
    status: str | None = None
    from_date: date | None = None
    to_date: date | None = None
    tz: ZoneInfo = UTC_ZONE
    search: str | None = None
    # False for roles that see payer data masked: a search must not confirm a full
    # e-mail or phone that the answer then shows masked (an oracle, ≤ 10⁶ guesses).
    search_payer_fields: bool = True
    # UPI (docs/upi.md): only deemed or reversed rows; pendings created before
    # `deemed_before` are deemed (the request's clock less UPI_DEEMED_AFTER_MINUTES).
    flag: Flag | None = None
    deemed_before: datetime | None = None
    direction: str | None = None  # payin | payout; None: both

    def for_principal(self, principal: Principal) -> TransactionFilters:
        return replace(self, search_payer_fields=not principal.masks_payer_data)

    @property
    def start(self) -> datetime | None:
        return None if self.from_date is None else local_midnight(self.from_date, self.tz)

    @property
    def end(self) -> datetime | None:
        """Exclusive: midnight after `to_date`."""
        if self.to_date is None:
            return None
        return local_midnight(self.to_date + timedelta(days=1), self.tz)

    def as_params(self) -> dict[str, Any]:
        """For the audit log and file names (the search term is payer data: not logged)."""
        return {
            "source": self.source,
            "project": self.project,
            "status": self.status,
            "from_date": self.from_date.isoformat() if self.from_date else None,
            "to_date": self.to_date.isoformat() if self.to_date else None,
            "timezone": self.tz.key,
            "search": bool(self.search),
            "flag": self.flag,
            "direction": self.direction,
        }


def transaction_filters(
    tz: TimezoneDep,
    deemed_before: DeemedBeforeDep,
    source: SourceQuery = None,
    project: ProjectQuery = None,
    status: Annotated[Status | None, Query(description="Normalized status")] = None,
    from_date: Annotated[
        IsoDate | None, Query(description="First day of created_at (inclusive), in `timezone`")
    ] = None,
    to_date: Annotated[
        IsoDate | None, Query(description="Last day of created_at (inclusive), in `timezone`")
    ] = None,
    search: Annotated[
        str | None,
        Query(
            max_length=255,
            description="Exact match on id, source_id, order_id, client_operation_id, utr, "
            "and, for roles that see payer data unmasked, user_email (any case) or "
            "user_phone",
        ),
    ] = None,
    direction: Annotated[
        Direction | None,
        Query(description="payin (money in) or payout (PayShack pay-outs); absent: both"),
    ] = None,
    flag: Annotated[
        Flag | None,
        Query(
            description="Only UPI pay-ins deemed stuck (pending longer than "
            "UPI_DEEMED_AFTER_MINUTES) or reversals (seen successful, refunded since)"
        ),
    ] = None,
) -> TransactionFilters:
    check_date("from_date", from_date)
    check_date("to_date", to_date)
    check_order(from_date, to_date)
    term = search.strip() if search else None
    return TransactionFilters(
        source=source,
        project=project or None,
        status=status,
        from_date=from_date,
        to_date=to_date,
        tz=tz,
        search=term or None,
        flag=flag,
        deemed_before=deemed_before,
        direction=direction,
    )


TransactionFiltersDep = Annotated[TransactionFilters, Depends(transaction_filters)]
