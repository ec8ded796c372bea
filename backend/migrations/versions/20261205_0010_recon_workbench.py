"""Reconciliation workbench: owners and the history (resolutions, assignments, comments).

Both are keyed like the resolution's carry-over (engine_sql._PREV): the day, the row's
identity (its key, or the transaction of a key-less row) and its API type. A re-run's
row of the same identity and type finds them without being copied, so an owner and a
comment thread stay with a discrepancy across runs, and go away with it when its type
changes (as its resolution does).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE reconciliation_assignments (
            recon_date DATE NOT NULL,
            row_identity TEXT NOT NULL,
            api_type VARCHAR(30) NOT NULL,
            owner_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            assigned_by VARCHAR(255) NOT NULL,
            assigned_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            CONSTRAINT pk_reconciliation_assignments
                PRIMARY KEY (recon_date, row_identity, api_type)
        )
        """
    )
    op.execute(
        "CREATE INDEX ix_reconciliation_assignments_owner "
        "ON reconciliation_assignments (owner_id, recon_date)"
    )
    op.execute(
        """
        CREATE TABLE reconciliation_events (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            recon_date DATE NOT NULL,
            row_identity TEXT NOT NULL,
            api_type VARCHAR(30) NOT NULL,
            result_id UUID NOT NULL,
            action VARCHAR(20) NOT NULL,
            actor_id UUID REFERENCES users (id) ON DELETE SET NULL,
            actor_email VARCHAR(255) NOT NULL,
            at TIMESTAMPTZ NOT NULL DEFAULT now(),
            resolution VARCHAR(20),
            owner_id UUID,
            note TEXT,
            CONSTRAINT ck_reconciliation_events_action
                CHECK (action IN ('resolve', 'assign', 'comment'))
        )
        """
    )
    op.execute(
        "CREATE INDEX ix_reconciliation_events_identity "
        "ON reconciliation_events (recon_date, row_identity, api_type, at)"
    )


def downgrade() -> None:
    op.execute("DROP TABLE reconciliation_events")
    op.execute("DROP TABLE reconciliation_assignments")
