"""Breakdowns from the mirror or PostgreSQL, and the mirror's state."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from psp_dashboard.analytics.access import mode_of, readable_store
from psp_dashboard.analytics.breakdown import (
    MAX_GROUPS,
    BreakdownSpec,
    Group,
    breakdown_sql,
    coded_columns,
    name_codes,
    ordered,
    parse_groups,
)
from psp_dashboard.analytics.feed import STATE, pending_rows
from psp_dashboard.analytics.schema import TABLE
from psp_dashboard.analytics.store import AnalyticsStore
from psp_dashboard.errors import Conflict, ServiceUnavailable
from psp_dashboard.kit.json import money
from psp_dashboard.runtime import Runtime

log = logging.getLogger(__name__)

EngineChoice = Literal["auto", "clickhouse", "postgresql"]

_STATE_SQL = """
SELECT backfill_done, watermark_xid, watermark_id, rows_fed, mirror_rows, last_fed_at,
       caught_up_at, last_error, last_error_at
FROM analytics_feed_state WHERE name = :n
"""


async def groups_from_postgresql(engine: AsyncEngine, spec: BreakdownSpec) -> list[Group]:
    async with engine.connect() as conn:
        # Literals are quoted by the builder; no bind parameters (a ':' in a value).
        rows = (await conn.exec_driver_sql(breakdown_sql("postgresql", spec))).all()
    return [g for g in parse_groups(spec, [list(r) for r in rows]) if g.count]


async def code_names(engine: AsyncEngine, columns: list[str]) -> dict[str, dict[int, str]]:
    names: dict[str, dict[int, str]] = {c: {} for c in columns}
    if columns:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT dimension, code, value FROM analytics_codes "
                    "WHERE dimension = ANY(CAST(:columns AS text[]))"
                ),
                {"columns": columns},
            )
            for column, code, value in rows:
                names[column][int(code)] = value
    return names


async def groups_from_clickhouse(
    store: AnalyticsStore, spec: BreakdownSpec, engine: AsyncEngine
) -> list[Group]:
    async with engine.connect() as conn:
        success = await conn.scalar(
            text(
                "SELECT code FROM analytics_codes WHERE dimension = 'status' AND value = 'success'"
            )
        )
    rows = await store.rows(breakdown_sql("clickhouse", spec, store.database, success))
    # Read after the answer: a code in it was assigned before its row was sent.
    names = await code_names(engine, coded_columns(spec))
    return [g for g in parse_groups(spec, name_codes(spec, rows, names)) if g.count]


async def _reachable_store(runtime: Runtime, choice: EngineChoice) -> AnalyticsStore | None:
    """The mirror, or None; with `auto` a server that cannot be reached means PostgreSQL
    answers (logged), with `clickhouse` it is a 503."""
    try:
        return await readable_store(runtime)
    except Exception as exc:
        log.warning("ClickHouse unreachable", extra={"error": type(exc).__name__})
        if choice == "clickhouse":
            raise ServiceUnavailable("The ClickHouse server cannot be reached") from exc
        return None


async def _caught_up_at(engine: AsyncEngine, store: AnalyticsStore) -> datetime | None:
    """When the mirror last caught up, or None while it cannot answer: never fed, or
    emptied to be fed again (a process that found an old layout re-made the table, and
    the feed has not started over yet: store.py, feed.py)."""
    async with engine.connect() as conn:
        state = (
            await conn.execute(
                text(
                    "SELECT caught_up_at, rows_fed FROM analytics_feed_state "
                    "WHERE name = :n AND backfill_done"
                ),
                {"n": STATE},
            )
        ).one_or_none()
    if state is None or state.caught_up_at is None:
        return None
    if state.rows_fed > 0:
        held = await store.rows(f"SELECT count() FROM {store.database}.{TABLE}")
        if int(held[0][0]) == 0:
            return None
    value: datetime = state.caught_up_at
    return value


def _figures(
    count: int, amount: Decimal, success_count: int, success_amount: Decimal
) -> dict[str, Any]:
    return {
        "count": count,
        "amount": money(amount),
        "success_count": success_count,
        "success_amount": money(success_amount),
    }


async def breakdown(
    runtime: Runtime, spec: BreakdownSpec, choice: EngineChoice, limit: int
) -> dict[str, Any]:
    store = None if choice == "postgresql" else await _reachable_store(runtime, choice)
    caught_up = await _caught_up_at(runtime.engine, store) if store is not None else None
    if choice == "clickhouse" and (store is None or caught_up is None):
        # A state of this deployment, not a fault: 409 (a 503 is for a server that is down).
        raise Conflict(
            "The ClickHouse mirror is not readable from this process yet",
            {
                "configured": mode_of(runtime.settings) is not None,
                "caught_up": caught_up is not None,
            },
        )
    mirror = store if caught_up is not None else None
    reads = None if mirror is not None else (await runtime.reads()).engine

    async def groups_of(of: BreakdownSpec) -> list[Group]:
        if mirror is not None:
            return await groups_from_clickhouse(mirror, of, runtime.engine)
        assert reads is not None
        return await groups_from_postgresql(reads, of)

    engine = "clickhouse" if mirror is not None else "postgresql"
    as_of = caught_up if mirror is not None else datetime.now(UTC)
    groups = await groups_of(spec)
    if len(groups) > MAX_GROUPS or not spec.dimensions:
        # Cut by the cap (or no dimensions): the totals need their own pass.
        whole = await groups_of(BreakdownSpec(**{**_fields(spec), "dimensions": ()}))
        total = whole[0] if whole else Group({}, 0, Decimal(0), 0, Decimal(0))
        group_count = len(groups) if spec.dimensions else (1 if total.count else 0)
    else:
        total = Group(
            {},
            sum(g.count for g in groups),
            sum((g.amount for g in groups), Decimal(0)),
            sum(g.success_count for g in groups),
            sum((g.success_amount for g in groups), Decimal(0)),
        )
        group_count = len(groups)
    shown = ordered(groups)[:limit] if spec.dimensions else []
    return {
        "engine": engine,
        "dimensions": list(spec.dimensions),
        "rows": [
            {"keys": g.keys, **_figures(g.count, g.amount, g.success_count, g.success_amount)}
            for g in shown
        ],
        "totals": {
            **_figures(total.count, total.amount, total.success_count, total.success_amount),
            "groups": group_count,
        },
        "as_of": as_of,
        "truncated": group_count > len(shown) and bool(spec.dimensions),
    }


def _fields(spec: BreakdownSpec) -> dict[str, Any]:
    return {name: getattr(spec, name) for name in spec.__dataclass_fields__}


async def mirror_status(runtime: Runtime, conn: AsyncConnection) -> dict[str, Any]:
    mode = mode_of(runtime.settings)
    state = (await conn.execute(text(_STATE_SQL), {"n": STATE})).one_or_none()
    readable = mode == "server" or runtime.analytics is not None
    now = datetime.now(UTC)
    if state is None:
        return {
            "configured": mode is not None, "mode": mode, "readable_here": readable,
            "rows": None, "rows_fed": 0, "watermark": None, "backfill_done": False,
            "pending_rows": None, "last_fed_at": None, "caught_up_at": None,
            "lag_seconds": None, "last_error": None, "last_error_at": None,
        }  # fmt: skip
    watermark = f"{state.watermark_xid}:{state.watermark_id}" if state.watermark_id else None
    lag = int((now - state.caught_up_at).total_seconds()) if state.caught_up_at else None
    return {
        "configured": mode is not None,
        "mode": mode,
        "readable_here": readable,
        "rows": state.mirror_rows,
        "rows_fed": state.rows_fed,
        "watermark": watermark,
        "backfill_done": state.backfill_done,
        "pending_rows": await pending_rows(conn),
        "last_fed_at": state.last_fed_at,
        "caught_up_at": state.caught_up_at,
        "lag_seconds": lag,
        "last_error": state.last_error,
        "last_error_at": state.last_error_at,
    }
