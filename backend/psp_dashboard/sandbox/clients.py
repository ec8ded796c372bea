"""PayShack's merchant directory as the sandbox's reseller account sees it.

Balances live: every `BALANCE_STEP` of the world's clock a client's balance moves by a
seeded amount (about one step in three it stays put), so the truth is a pure function of
(seed, client, instant) — `Directory.balance_at` — and the reference refresh has a known
answer at any clock the tests move the world to.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from psp_dashboard.sandbox.rng import hash64

# Client name -> project, as the dashboard's configurable map has it by default.
CLIENT_PROJECTS: dict[str, str] = {
    "91G_TECH_PVT_LTD": "91game",
    "MNCL_M5_Pvt_Ltd": "mncl_m5",
    "Mn CL THREE_PVT_LTD": "mncl_three",
    "IG Indigate P_Out": "indigate_payout",
}
_UPI_IDS = {
    "91G_TECH_PVT_LTD": "91gtech.collect@hdfcbank",
    "MNCL_M5_Pvt_Ltd": "mnclm5@icici",
    "Mn CL THREE_PVT_LTD": "mnclthree@yesbank",
}
_SALT_UUID = 0x0ABC
_SALT_BALANCE = 0x0BA1
BALANCE_STEP = timedelta(minutes=15)
# A step moves a balance by -2,000.00 .. +3,000.00 rupees (in paise): drifting upwards.
_STEP_LOW, _STEP_SPAN = -200_000, 500_001
# What the served client list may look like (field tolerance of the importer).
BALANCE_FIELDS = ("balance", "walletBalance", "availableBalance")
BALANCE_FORMS = ("number", "string", "rupees")
RESELLER_NAME = "Sandbox Reseller"
SERVICE_PROVIDERS: tuple[tuple[str, str], ...] = (("sp-upi-01", "UPI SP 1"), ("sp-imps-01", "IMPS"))


@dataclass(frozen=True, slots=True)
class Client:
    name: str
    client_id: str
    upi_id: str
    base_balance_minor: int


def stable_uuid(seed: int, label: str) -> str:
    """A UUID4-shaped id that depends only on the seed and a label."""
    acc = 0
    for ch in label:
        acc = hash64(seed, acc ^ ord(ch), _SALT_UUID)
    hi, lo = hash64(seed, acc, 1), hash64(seed, acc, 2)
    return str(uuid.UUID(int=(hi << 64) | lo, version=4))


def _rupee_text(minor: int) -> str:
    """Exact rupees with paise, e.g. 12345.60 (a string the importer must parse exactly)."""
    sign = "-" if minor < 0 else ""
    whole, paise = divmod(abs(minor), 100)
    return f"{sign}{whole}.{paise:02d}"


def _indian_grouped(minor: int) -> str:
    """₹1,23,456.70: how PayShack's dashboard shows money."""
    sign = "-" if minor < 0 else ""
    whole, paise = divmod(abs(minor), 100)
    digits = str(whole)
    head, tail = digits[:-3], digits[-3:]
    groups: list[str] = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return f"{sign}₹{','.join([*groups, tail])}.{paise:02d}"


class Directory:
    def __init__(self, seed: int, origin: datetime = datetime(2026, 1, 1, tzinfo=UTC)) -> None:
        self.seed = seed
        self.origin = origin  # balances start moving here (the world's first instant)
        self.reseller_id = stable_uuid(seed, "reseller")
        self.user_id = stable_uuid(seed, "reseller-user")
        self._clients: dict[str, Client] = {}
        self._steps: dict[str, list[int]] = {}  # name -> running sums of the steps so far
        self.hidden: set[str] = set()  # clients the list leaves out (closed accounts)
        self.balance_field = "balance"
        self.balance_form = "number"
        for name in ("91G_TECH_PVT_LTD", "MNCL_M5_Pvt_Ltd", "Mn CL THREE_PVT_LTD"):
            self.client(name)

    def client(self, name: str) -> Client:
        found = self._clients.get(name)
        if found is None:
            upi = _UPI_IDS.get(name, f"{name.lower().replace(' ', '')[:12]}@axisbank")
            balance = 10_000_000 + hash64(self.seed, len(self._clients), _SALT_UUID) % 90_000_000
            found = Client(name, stable_uuid(self.seed, name), upi, balance)
            self._clients[name] = found
        return found

    def clients(self) -> list[Client]:
        return list(self._clients.values())

    def listed(self) -> list[Client]:
        """The clients fetch-all-client answers with (hidden ones left out)."""
        return [c for c in self._clients.values() if c.name not in self.hidden]

    def balance_minor_at(self, client: Client, at: datetime) -> int:
        """The truth: the client's balance (paise) at `at`, a pure function of the seed."""
        steps = max(0, (at - self.origin) // BALANCE_STEP)
        sums = self._steps.setdefault(client.name, [0])
        salt = int(client.client_id[:8], 16)  # per client, whatever order they appeared in
        while len(sums) <= steps:
            k = len(sums)
            h = hash64(self.seed, salt * 1_000_003 + k, _SALT_BALANCE)
            move = 0 if h % 3 == 0 else _STEP_LOW + (h >> 8) % _STEP_SPAN
            sums.append(sums[-1] + move)
        return client.base_balance_minor + sums[steps]

    def balance_at(self, client: Client, at: datetime) -> Decimal:
        return Decimal(_rupee_text(self.balance_minor_at(client, at)))

    def served_balance(self, client: Client, at: datetime) -> dict[str, int | float | str]:
        """The balance entry of a served client: the configured field name and form."""
        minor = self.balance_minor_at(client, at)
        value: int | float | str
        if self.balance_form == "string":
            value = _rupee_text(minor)
        elif self.balance_form == "rupees":
            value = _indian_grouped(minor)
        else:
            whole, paise = divmod(minor, 100)
            value = whole if paise == 0 else minor / 100
        return {self.balance_field: value}
