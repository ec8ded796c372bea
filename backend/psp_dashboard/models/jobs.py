"""Job ticks (migration 0018, ticks.py): each scheduled fire of a job, claimed by one
worker process, its heartbeat while it runs, and how it ended."""

from sqlalchemy import (
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    func,
)

from psp_dashboard.models.base import metadata

job_ticks = Table(
    "job_ticks",
    metadata,
    Column("job_id", String(100), nullable=False),
    # The fire's grid time (interval jobs) or scheduled time (daily jobs).
    Column("tick_at", DateTime(timezone=True), nullable=False),
    Column("claimed_by", String(200), nullable=False),  # worker id: host:pid:random
    Column("claimed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # '-infinity' when released by a stopping worker: taken over at once.
    Column("heartbeat_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("finished_at", DateTime(timezone=True)),
    Column("outcome", String(20)),
    Column("takeovers", Integer, nullable=False, server_default="0"),
    PrimaryKeyConstraint("job_id", "tick_at"),
    CheckConstraint("outcome IN ('done', 'failed', 'superseded')", name="outcome"),
)
_t = job_ticks.c
# The takeover check reads only unfinished claims.
Index("ix_job_ticks_unfinished", _t.heartbeat_at, postgresql_where=_t.finished_at.is_(None))
