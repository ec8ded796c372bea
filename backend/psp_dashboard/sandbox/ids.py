"""Identifiers: Vima cursors, operation ids, matching keys and PayShack ids.

Cursors are slots of one global event sequence: slot s owns the ids
base + 64·s + [0, 24) (a creation) and base + 64·s + [32, 56) (an update), so ids grow with
the slot and an id maps back to its slot by integer division. The base is chosen so that
the sequence crosses 10**18 inside the initial world: ids go from 18 to 19 digits and
text order differs from numeric order, as it does at the provider.
"""

from __future__ import annotations

from psp_dashboard.sandbox.rng import hash64

STRIDE = 64
CROSSING = 10**18
_OPERATION_BASE = 1_067_000_000_000_000_000
_KEY_BASE = 1_768_000_000_000
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_PAIRS = [a + b for a in _ALNUM for b in _ALNUM]  # two characters per table lookup
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SALT_ID, _SALT_KEY, _SALT_TXN, _SALT_ORDER, _SALT_MISC = 0x1D5, 0x6E7, 0x7A4, 0x0D3, 0x3C1


class IdScheme:
    def __init__(self, seed: int, crossing_slot: int) -> None:
        self._seed = seed
        self.base = CROSSING - crossing_slot * STRIDE

    # -- Vima cursors -------------------------------------------------------------------
    def create_id(self, slot: int) -> int:
        return self.base + slot * STRIDE + hash64(self._seed, slot, _SALT_ID) % 24

    def update_id(self, slot: int) -> int:
        return self.base + slot * STRIDE + 32 + hash64(self._seed, slot, _SALT_ID + 1) % 24

    def slot_of(self, cursor: int) -> int:
        """The slot an id belongs to (ids below the first slot give -1)."""
        return max(-1, (cursor - self.base) // STRIDE)

    # -- Vima operation ids and matching keys ---------------------------------------------
    def operation_id(self, entry: int) -> str:
        return str(_OPERATION_BASE + entry * 4096 + hash64(self._seed, entry, _SALT_ID) % 4096)

    def key(self, entry: int) -> str:
        """client_operation_id of a generated payment: 13 digits like a ms timestamp."""
        return str(_KEY_BASE + entry * 3 + hash64(self._seed, entry, _SALT_KEY) % 3)

    def entry_of_key(self, key: str) -> int | None:
        if not key.isdigit():
            return None
        entry = (int(key) - _KEY_BASE) // 3
        return entry if entry >= 0 and self.key(entry) == key else None

    # -- PayShack ids ---------------------------------------------------------------------
    def txn_id(self, entry: int, year: int) -> str:
        """Like "Y7KY0V202611591646": six letters/digits, the year, then a serial."""
        return f"{self._prefix(entry, _SALT_TXN, 6)}{year:04d}{entry:08d}"

    def entry_of_txn_id(self, txn_id: str) -> int | None:
        serial = txn_id[10:]
        if len(txn_id) < 18 or not serial.isdigit():
            return None
        entry = int(serial)
        return entry if txn_id[:6] == self._prefix(entry, _SALT_TXN, 6) else None

    def order_id(self, entry: int) -> str:
        """orderId of other clients' pay-ins, like "AGQAMEBYUPHQ4"."""
        n, tail = entry, ""
        for _ in range(8):
            n, r = divmod(n, 36)
            tail = _BASE36[r] + tail
        return self._prefix(entry, _SALT_ORDER, 5) + tail

    def entry_of_order_id(self, order_id: str) -> int | None:
        if len(order_id) != 13:
            return None
        try:
            entry = int(order_id[5:], 36)
        except ValueError:
            return None
        return entry if self.order_id(entry) == order_id else None

    def sp_txn_id(self, entry: int) -> str:
        h = hash64(self._seed, entry, _SALT_MISC)
        letters = "".join(_LETTERS[(h >> (6 * k)) % 52] for k in range(5))
        return f"1003{letters}{hash64(self._seed, entry, _SALT_MISC + 1) % 10**14:014d}"

    def utr(self, entry: int) -> str:
        return str(10**11 + hash64(self._seed, entry, _SALT_MISC + 2) % (9 * 10**11))

    def rrn(self, entry: int) -> str:
        return str(10**11 + hash64(self._seed, entry, _SALT_MISC + 3) % (9 * 10**11))

    def hex32(self, entry: int, salt: int) -> str:
        a = hash64(self._seed, entry, _SALT_MISC + 16 + salt)
        b = hash64(self._seed, entry, _SALT_MISC + 32 + salt)
        return f"{a:016x}{b:016x}"

    def _prefix(self, entry: int, salt: int, length: int) -> str:
        h = hash64(self._seed, entry, salt)
        text = _PAIRS[h % 1296] + _PAIRS[(h >> 12) % 1296] + _PAIRS[(h >> 24) % 1296]
        return text[:length]
