"""PayShack's merchant directory as the sandbox's reseller account sees it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

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


class Directory:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.reseller_id = stable_uuid(seed, "reseller")
        self.user_id = stable_uuid(seed, "reseller-user")
        self._clients: dict[str, Client] = {}
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
