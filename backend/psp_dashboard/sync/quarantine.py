"""Records that fail validation are kept, with why, instead of crashing a run or vanishing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.sync.upsert import canonical_json, data_hash


@dataclass(frozen=True, slots=True)
class Rejected:
    raw: Any
    reason: str
    source_record_id: str | None = None


_UPSERT = text(
    """
    INSERT INTO quarantine (source, source_record_id, reason, raw, raw_hash)
    VALUES (:source, :source_record_id, :reason, CAST(:raw AS jsonb), :raw_hash)
    ON CONFLICT ON CONSTRAINT uq_quarantine_source_raw_hash DO UPDATE SET
        last_seen_at = NOW(),
        seen_count = quarantine.seen_count + 1,
        reason = EXCLUDED.reason
    """
)


def _storable(raw: Any) -> dict[str, Any]:
    # jsonb refuses NUL characters; keep the record readable rather than lose it.
    text_form = canonical_json(raw if isinstance(raw, dict) else {"value": raw})
    if "\\u0000" in text_form:
        text_form = text_form.replace("\\u0000", "\\ufffd")
    return {"text": text_form, "hash": data_hash(text_form)}


async def quarantine_records(
    conn: AsyncConnection, source: str, rejected: Sequence[Rejected]
) -> set[str]:
    """Store (or re-sight) the records; returns their content hashes."""
    if not rejected:
        return set()
    params = []
    for item in rejected:
        stored = _storable(item.raw)
        record_id = item.source_record_id
        params.append(
            {
                "source": source,
                "source_record_id": record_id[:255] if record_id else None,
                "reason": item.reason,
                "raw": stored["text"],
                "raw_hash": stored["hash"],
            }
        )
    await conn.execute(_UPSERT, params)
    return {p["raw_hash"] for p in params if isinstance(p["raw_hash"], str)}
