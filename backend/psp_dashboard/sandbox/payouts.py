"""PayShack pay-outs: the wallet transactions the sandbox's clients send out.

Pay-outs are few next to pay-ins (about one per `PAYOUT_EVERY` payments), so they are
kept as a plain list of frozen records, oldest first, generated from the seed over the
world's days; living mode and tests add more (`PayoutBook.add`). Statuses are final:
`SUCCESS` or `FAILED` (payshack.md). Pay-outs are served by
`GET /indigate-payout-svc/api/v1/wallet/transactions` (payout_api.py) with the pay-in
envelope, and stated as a correct importer stores them by `payout_truth`.

The served shape varies on purpose, as the spec warns it may differ from a pay-in's:
every third row says `status` instead of `txnStatus`, every fourth sends its amount as
text, and the beneficiary is a VPA or a bank account (`accountNumber` + `ifsc`).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from psp_dashboard.sandbox.clients import CLIENT_PROJECTS
from psp_dashboard.sandbox.people import payer
from psp_dashboard.sandbox.render_common import iso_z, rupees
from psp_dashboard.sandbox.rng import hash64, unit
from psp_dashboard.sandbox.timeline import moment_of

PAYOUT_EVERY = 20  # one pay-out per this many payments of a day (at least one a day)
MAX_PER_DAY = 2000  # seeded pay-outs a day at most: a million-payment day stays cheap to build
FAILED_SHARE = 0.12
PAYOUT_ID_BASE = 88_000_000
PAYOUT_CLIENTS = tuple(CLIENT_PROJECTS)  # every client pays out, P_Out most of all
_CLIENT_WEIGHTS = (3, 1, 1, 5)
_SALT_TIME, _SALT_CLIENT, _SALT_AMOUNT, _SALT_STATUS = 0x9A10, 0x9A11, 0x9A12, 0x9A13
_SALT_KIND, _SALT_UTR, _SALT_SETTLE = 0x9A14, 0x9A15, 0x9A16
STATUSES = ("SUCCESS", "FAILED")


@dataclass(frozen=True, slots=True)
class Payout:
    index: int  # position in creation order of the book (ids derive from it)
    client: str
    amount_minor: int
    status: str  # as served: SUCCESS | FAILED (or whatever a test sets)
    created_ms: int
    updated_ms: int
    txn_id: str
    order_id: str

    @property
    def project(self) -> str | None:
        return CLIENT_PROJECTS.get(self.client)


@dataclass(frozen=True, slots=True)
class PayoutTruth:
    """A pay-out as a correct importer stores it (amounts exact, times whole seconds)."""

    source_id: str  # the provider's txnId
    order_id: str
    project: str | None
    client: str
    created_at: datetime
    amount: Decimal
    status: str  # normalized: success | failed | pending
    original_status: str

    def as_json(self) -> dict[str, str | None]:
        return {
            "source_id": self.source_id,
            "order_id": self.order_id,
            "project": self.project,
            "client": self.client,
            "created_at": self.created_at.isoformat(),
            "amount": str(self.amount),
            "status": self.status,
            "original_status": self.original_status,
        }


def _weighted_client(h: int) -> str:
    pick = h % sum(_CLIENT_WEIGHTS)
    for client, weight in zip(PAYOUT_CLIENTS, _CLIENT_WEIGHTS, strict=True):
        if pick < weight:
            return client
        pick -= weight
    return PAYOUT_CLIENTS[-1]


class PayoutBook:
    """Every pay-out of the world, oldest first. Callers hold the world's lock."""

    def __init__(self, seed: int, start_ms: int, end_ms: int, count: int) -> None:
        self.seed = seed
        self.rows: list[Payout] = []
        self.times: list[int] = []  # created_ms of `rows`, for bisection
        span = max(1, end_ms - start_ms)
        times = sorted(
            start_ms + int(unit(hash64(seed, i, _SALT_TIME)) * span) for i in range(count)
        )
        for moment in times:
            self._append(moment)

    @classmethod
    def for_world(
        cls, seed: int, start_ms: int, end_ms: int, days: int, per_day: int
    ) -> PayoutBook:
        """Seeded pay-outs: one per PAYOUT_EVERY payments, 1..MAX_PER_DAY a day."""
        per_day_payouts = min(MAX_PER_DAY, max(1, per_day // PAYOUT_EVERY))
        return cls(seed, start_ms, end_ms, days * per_day_payouts)

    def __len__(self) -> int:
        return len(self.rows)

    def _append(
        self,
        created_ms: int,
        *,
        status: str | None = None,
        client: str | None = None,
        amount_minor: int | None = None,
        txn_id: str | None = None,
    ) -> Payout:
        i, seed = len(self.rows), self.seed
        if status is None:
            status = "FAILED" if unit(hash64(seed, i, _SALT_STATUS)) < FAILED_SHARE else "SUCCESS"
        if amount_minor is None:
            # ₹500 – ₹50,000; a third carry paise.
            rupee = 500 + hash64(seed, i, _SALT_AMOUNT) % 49_501
            paise = hash64(seed, i, _SALT_AMOUNT + 1) % 100 if i % 3 == 0 else 0
            amount_minor = rupee * 100 + paise
        settle = 2_000 + hash64(seed, i, _SALT_SETTLE) % 60_000
        row = Payout(
            index=i,
            client=client or _weighted_client(hash64(seed, i, _SALT_CLIENT)),
            amount_minor=amount_minor,
            status=status,
            created_ms=created_ms,
            updated_ms=created_ms + settle,
            txn_id=txn_id or f"PO{PAYOUT_ID_BASE + i:010d}{hash64(seed, i, _SALT_KIND) % 1000:03d}",
            order_id=f"WD{hash64(seed, i, _SALT_KIND + 1) % 10**12:012d}",
        )
        # Kept sorted by creation time (a hand-made pay-out may be dated in the past).
        at = len(self.times)
        if at and self.times[-1] > created_ms:
            at = bisect.bisect_right(self.times, created_ms)
        self.rows.insert(at, row)
        self.times.insert(at, created_ms)
        return row

    def add(
        self,
        n: int,
        at_ms: int,
        *,
        status: str | None = None,
        client: str | None = None,
        amount_minor: int | None = None,
        txn_id: str | None = None,
        spacing_ms: int = 1000,
    ) -> list[Payout]:
        """`n` new pay-outs created at `at_ms`, `at_ms + spacing_ms`, …"""
        return [
            self._append(
                at_ms + k * spacing_ms,
                status=status,
                client=client,
                amount_minor=amount_minor,
                txn_id=txn_id,
            )
            for k in range(n)
        ]

    def between(self, from_ms: int | None, to_ms: int | None) -> list[Payout]:
        """Pay-outs with createdAt in [from_ms, to_ms), oldest first."""
        times = self.times
        lo = 0 if from_ms is None else bisect.bisect_left(times, from_ms)
        hi = len(times) if to_ms is None else bisect.bisect_left(times, to_ms)
        return self.rows[lo:hi]


def render_payout(seed: int, reseller_id: str, client_id: str, p: Payout) -> dict[str, Any]:
    """One pay-out as the wallet API sends it; shape varies by row (see the module doc)."""
    person = payer(seed, 1_000_000 + p.index)
    success = p.status.upper() == "SUCCESS"
    doc: dict[str, Any] = {
        "_id": PAYOUT_ID_BASE + p.index,
        "txnId": p.txn_id,
        "orderId": p.order_id,
        "amount": str(rupees(p.amount_minor)) if p.index % 4 == 1 else rupees(p.amount_minor),
        "currency": "INR",
        "clientId": client_id,
        "clientName": p.client,
        "resellerId": reseller_id,
        "beneficiaryName": person.full_name,
        "utr": str(10**11 + hash64(seed, p.index, _SALT_UTR) % (9 * 10**11)) if success else None,
        "transferMode": "UPI" if p.index % 2 == 0 else "IMPS",
        "createdAt": iso_z(p.created_ms),
        "updatedAt": iso_z(p.updated_ms),
    }
    doc["status" if p.index % 3 == 2 else "txnStatus"] = p.status
    if p.index % 2 == 0:
        doc["vpa"] = person.vpa
    else:
        doc["accountNumber"] = f"{hash64(seed, p.index, _SALT_UTR + 1) % 10**12:012d}"
        doc["ifsc"] = "HDFC0001234"
    return doc


def normalized_status(status: str) -> str:
    upper = status.strip().upper()
    return "success" if upper == "SUCCESS" else "failed" if upper == "FAILED" else "pending"


def payout_truth(book: PayoutBook) -> list[PayoutTruth]:
    """Every pay-out as a correct importer stores it, oldest first."""
    return [
        PayoutTruth(
            source_id=p.txn_id,
            order_id=p.order_id,
            project=p.project,
            client=p.client,
            created_at=moment_of(p.created_ms - p.created_ms % 1000),
            amount=Decimal(p.amount_minor).scaleb(-2),
            status=normalized_status(p.status),
            original_status=p.status,
        )
        for p in book.rows
    ]
