"""Job ticks: each scheduled fire of a job claimed once across every worker process.

`job_ticks` holds one row per (job, tick): the worker that claimed it, its heartbeat
while it runs, and how it ended. A claim whose heartbeat stops (the worker died) is
taken over by another worker (psp_dashboard/ticks.py). Rows older than a week are
pruned by the workers.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE job_ticks (
            job_id VARCHAR(100) NOT NULL,
            tick_at TIMESTAMPTZ NOT NULL,
            claimed_by VARCHAR(200) NOT NULL,
            claimed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            heartbeat_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            finished_at TIMESTAMPTZ,
            outcome VARCHAR(20),
            takeovers INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (job_id, tick_at),
            CONSTRAINT ck_job_ticks_outcome
                CHECK (outcome IN ('done', 'failed', 'superseded'))
        )
        """
    )
    # The takeover check reads only unfinished claims.
    op.execute(
        "CREATE INDEX ix_job_ticks_unfinished ON job_ticks (heartbeat_at) WHERE finished_at IS NULL"
    )


def downgrade() -> None:
    op.execute("DROP TABLE job_ticks")
