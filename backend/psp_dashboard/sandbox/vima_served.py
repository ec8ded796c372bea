"""What the Vima sandbox has served: answered requests and the operations in them.

For tests and benches that measure how much a sync reads (e.g. a first sync's operations
fetched per operation stored). Only 200 answers count; refused and faulted requests not.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field


@dataclass
class VimaServed:
    requests: int = 0
    operations: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, operations: int) -> None:
        with self._lock:
            self.requests += 1
            self.operations += operations

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {"requests": self.requests, "operations": self.operations}

    def reset(self) -> None:
        with self._lock:
            self.requests = self.operations = 0
