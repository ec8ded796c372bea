"""Merge each month of the mirror into one part, so `FINAL` reads cost nothing extra.

Every feed batch lands as a new part, and ReplacingMergeTree collapses a key's versions
only when parts merge; until they do, each `FINAL` read merges the month's parts itself,
sorting on the full key. ClickHouse's background merges get there eventually, on their
own schedule. Measured on 20M rows (bench/analytics.py, docs/analytics.md): the
5-dimension breakdown took 1.61 s over months of 2–7 parts and 0.81 s once each month
was one part (grouped by strings; by codes, 0.99–1.37 s and 0.40–0.45 s).

`OPTIMIZE … FINAL` rewrites a whole partition, so only months with more than one part
are touched, one at a time. Tombstones stay (FINAL filters them): dropping them needs
ClickHouse's experimental CLEANUP merge, and a row deleted and re-created must not be
lost to a race with the feed.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from psp_dashboard.analytics.breakdown import quote
from psp_dashboard.analytics.schema import TABLE
from psp_dashboard.analytics.store import AnalyticsStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CompactResult:
    partitions: tuple[str, ...]  # the months merged (YYYYMM)
    seconds: float


async def split_partitions(store: AnalyticsStore) -> list[str]:
    """The mirror's months that are held in more than one active part."""
    rows = await store.rows(
        "SELECT partition_id FROM system.parts "
        f"WHERE database = {quote(store.database)} AND table = {quote(TABLE)} "
        "AND active GROUP BY partition_id HAVING count() > 1 ORDER BY partition_id"
    )
    return [str(partition_id) for (partition_id,) in rows]


async def compact(store: AnalyticsStore) -> CompactResult:
    started = time.perf_counter()
    merged = []
    for partition_id in await split_partitions(store):
        await store.command(
            f"OPTIMIZE TABLE {store.database}.{TABLE} PARTITION ID {quote(partition_id)} FINAL"
        )
        merged.append(partition_id)
    seconds = time.perf_counter() - started
    if merged:
        log.info(
            "analytics mirror compacted",
            extra={"partitions": merged, "seconds": round(seconds, 3)},
        )
    return CompactResult(tuple(merged), seconds)
