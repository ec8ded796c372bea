"""Deterministic fault injection for the sandbox APIs.

Each service (vima, payshack) has one injector. Every data request asks it for a
decision; the decision depends only on the configuration, its seed and how many
requests came before, so a test that replays the same requests sees the same faults.
Counters and the RNG restart whenever the configuration changes.
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Literal

Service = Literal["vima", "payshack"]


@dataclass(frozen=True, slots=True)
class FaultConfig:
    share_429: float = 0.0  # probability that a request answers 429 Too Many Requests
    every_nth_429: int = 0  # 0 = off; N = requests N, 2N, ... answer 429
    retry_after_seconds: int = 1  # value of the Retry-After header on 429
    share_5xx: float = 0.0  # probability of 500/502 (alternating)
    every_nth_5xx: int = 0
    delay_ms: int = 0  # added latency
    share_delayed: float = 1.0  # which share of requests gets `delay_ms`
    truncate_next: int = 0  # the next N successful JSON bodies are cut in half
    # PayShack: an access token / dashboard session stops working after K requests.
    expire_after_requests: int = 0
    # PayShack listings: the last K pages of any listing come back empty (the stated
    # totals still count them), as a provider that drops the tail of a long walk.
    drop_last_pages: int = 0
    # PayShack listings: N new payments arrive before each data request is answered,
    # so the listing grows while a walk is under way.
    grow_per_request: int = 0
    seed: int = 0

    def updated(self, changes: dict[str, Any]) -> FaultConfig:
        known = {f.name: f.type for f in fields(self)}
        unknown = set(changes) - set(known)
        if unknown:
            raise ValueError(f"unknown fault knobs: {', '.join(sorted(unknown))}")
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class FaultDecision:
    status: int | None = None  # an error status to answer instead of the data
    retry_after: int | None = None
    delay_seconds: float = 0.0
    truncate: bool = False

    @property
    def is_error(self) -> bool:
        return self.status is not None


class FaultInjector:
    def __init__(self, config: FaultConfig | None = None) -> None:
        self._lock = threading.Lock()
        self._config = config or FaultConfig()
        self._reset()

    def _reset(self) -> None:
        self._rng = random.Random(self._config.seed)
        self._requests = 0
        self._errors_5xx = 0
        self._truncations_left = self._config.truncate_next
        self.injected: dict[str, int] = {"429": 0, "5xx": 0, "delay": 0, "truncate": 0}

    @property
    def config(self) -> FaultConfig:
        return self._config

    @property
    def requests(self) -> int:
        return self._requests

    def configure(self, config: FaultConfig) -> None:
        with self._lock:
            self._config = config
            self._reset()

    def update(self, **changes: Any) -> FaultConfig:
        with self._lock:
            self._config = self._config.updated(changes)
            self._reset()
            return self._config

    def decide(self) -> FaultDecision:
        with self._lock:
            return self._decide()

    def _decide(self) -> FaultDecision:
        c = self._config
        self._requests += 1
        n = self._requests
        # Draw every random number on every request so that one knob never shifts the
        # sequence seen by another.
        r429, r5xx, rdelay = self._rng.random(), self._rng.random(), self._rng.random()
        delay = c.delay_ms / 1000 if c.delay_ms > 0 and rdelay < c.share_delayed else 0.0
        if delay:
            self.injected["delay"] += 1
        if (c.every_nth_429 and n % c.every_nth_429 == 0) or r429 < c.share_429:
            self.injected["429"] += 1
            return FaultDecision(429, c.retry_after_seconds, delay)
        if (c.every_nth_5xx and n % c.every_nth_5xx == 0) or r5xx < c.share_5xx:
            self._errors_5xx += 1
            self.injected["5xx"] += 1
            return FaultDecision(500 if self._errors_5xx % 2 else 502, None, delay)
        truncate = self._truncations_left > 0
        if truncate:
            self._truncations_left -= 1
            self.injected["truncate"] += 1
        return FaultDecision(None, None, delay, truncate)


class Faults:
    """One injector per service."""

    def __init__(self, vima: FaultConfig | None = None, payshack: FaultConfig | None = None):
        self.vima = FaultInjector(vima)
        self.payshack = FaultInjector(payshack)

    def get(self, service: Service) -> FaultInjector:
        return self.vima if service == "vima" else self.payshack


def truncate_body(body: bytes) -> bytes:
    """Half of a JSON body: what a proxy that dropped the connection would deliver."""
    return body[: max(1, len(body) // 2)]
