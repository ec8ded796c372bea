"""SQL of the alerts API: alert lists with their notifications, rule state counts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.models.alerts import alert_deliveries, alert_states, alerts


@dataclass(frozen=True)
class AlertFilter:
    state: str = "all"
    kind: str | None = None
    project: str | None = None
    source: str | None = None
    acknowledged: bool | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        c = alerts.c
        out: list[ColumnElement[bool]] = []
        if self.state != "all":
            out.append(c.state == self.state)
        if self.kind:
            out.append(c.kind == self.kind)
        if self.project:
            out.append(c.project == self.project)
        if self.source:
            out.append(c.source == self.source)
        if self.acknowledged is not None:
            out.append(
                c.acknowledged_at.is_not(None) if self.acknowledged else c.acknowledged_at.is_(None)
            )
        return out


async def list_alerts(
    conn: AsyncConnection, flt: AlertFilter, limit: int, offset: int
) -> tuple[list[Any], int]:
    where = and_(True, *flt.conditions())
    total = int(
        (await conn.execute(select(func.count()).select_from(alerts).where(where))).scalar_one()
    )
    rows = (
        await conn.execute(
            select(alerts)
            .where(where)
            .order_by(alerts.c.fired_at.desc(), alerts.c.id)
            .limit(limit)
            .offset(offset)
        )
    ).all()
    return list(rows), total


async def get_alert(
    conn: AsyncConnection, alert_id: uuid.UUID, *, for_update: bool = False
) -> Any | None:
    query = select(alerts).where(alerts.c.id == alert_id)
    if for_update:
        query = query.with_for_update()
    return (await conn.execute(query)).one_or_none()


async def notifications(
    conn: AsyncConnection, alert_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Any]]:
    out: dict[uuid.UUID, list[Any]] = {a: [] for a in alert_ids}
    if not alert_ids:
        return out
    rows = await conn.execute(
        select(alert_deliveries)
        .where(alert_deliveries.c.alert_id.in_(alert_ids))
        .order_by(alert_deliveries.c.id)
    )
    for r in rows:
        out[r.alert_id].append(r)
    return out


async def firing_counts(conn: AsyncConnection) -> dict[uuid.UUID, int]:
    rows = await conn.execute(
        select(alert_states.c.rule_id, func.count())
        .where(alert_states.c.state == "firing")
        .group_by(alert_states.c.rule_id)
    )
    return {r[0]: int(r[1]) for r in rows}


async def summary_counts(conn: AsyncConnection) -> tuple[int, int]:
    row = (
        await conn.execute(
            select(
                func.count(),
                func.count().filter(alerts.c.acknowledged_at.is_(None)),
            ).where(alerts.c.state == "firing")
        )
    ).one()
    return int(row[0]), int(row[1])
