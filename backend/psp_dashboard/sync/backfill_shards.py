"""A backfill's day shards as stored in `sync_backfills.shards` and as shown."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

ShardState = Literal["pending", "running", "done", "incomplete", "failed"]
# What each shard counts as its batches commit; the backfill's totals are their sums.
SHARD_COUNTS = ("fetched", "stored", "quarantined")


def shard_state(shard: Mapping[str, Any], backfill_status: str) -> ShardState:
    """A shard's state as shown. Shards saved before states existed get one from their
    flags; a shard left `running` by a backfill that no longer runs is still to do."""
    state = shard.get("state")
    if shard.get("done"):
        return "done"
    if state == "running":
        return "running" if backfill_status == "running" else "pending"
    if state == "failed":
        return "failed"
    if state == "incomplete" or shard.get("incomplete"):
        return "incomplete"
    return "pending"
