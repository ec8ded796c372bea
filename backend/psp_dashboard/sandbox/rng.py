"""Deterministic randomness: per-index hashes for on-demand details and seeded byte
streams for building compact per-entry arrays at C speed.

Nothing here uses global random state, so a world is a pure function of its seed.
"""

from __future__ import annotations

import random
from array import array
from bisect import bisect_right
from collections.abc import Sequence
from functools import lru_cache, partial

M64 = (1 << 64) - 1
_U32 = 1 << 32


def mix64(x: int) -> int:
    """SplitMix64 finalizer: a cheap, well-spread 64-bit hash of an integer."""
    x = (x + 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


@lru_cache(maxsize=8192)
def _stream_base(seed: int, salt: int) -> int:
    return mix64(mix64((seed * 0x100000001B3) ^ salt))


def hash64(seed: int, index: int, salt: int) -> int:
    """Hash of (seed, index, salt); different salts give independent draws.

    One SplitMix64 round over a per-(seed, salt) base: this runs a dozen times per
    rendered record, so it is inlined rather than calling mix64."""
    x = (_stream_base(seed, salt) + index * 0x9E3779B97F4A7C15) & M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & M64
    return x ^ (x >> 31)


def unit(h: int) -> float:
    """A 64-bit hash as a float in [0, 1)."""
    return (h >> 11) * (1.0 / (1 << 53))


def thresholds(weights: Sequence[float]) -> list[int]:
    """Cumulative cut points on [0, 2**32) for `categorical`; zero weights never win."""
    total = float(sum(weights))
    if total <= 0:
        raise ValueError("weights must not all be zero")
    cuts: list[int] = []
    acc = 0.0
    for w in weights[:-1]:
        acc += max(0.0, w)
        cuts.append(min(_U32, round(acc / total * _U32)))
    return cuts


def categorical(cuts: Sequence[int], draw32: int) -> int:
    """Index of the category a uniform 32-bit draw falls into."""
    return bisect_right(cuts, draw32)


def draws32(seed: int, label: str, n: int) -> array[int]:
    """n uniform 32-bit draws from a stream named by (seed, label)."""
    out = array("I")
    if out.itemsize != 4:  # pragma: no cover - every supported platform has 4-byte ints
        raise RuntimeError("array('I') is not 32-bit here")
    if n:
        out.frombytes(random.Random(f"{seed}:{label}").randbytes(4 * n))
    return out


def classify(cuts: Sequence[int], draws: array[int]) -> bytearray:
    """Categorical codes for many draws at once (C-level loop, ~0.1 s per million)."""
    return bytearray(map(partial(bisect_right, cuts), draws))
