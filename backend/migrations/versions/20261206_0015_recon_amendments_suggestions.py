"""Reconciliation amendments (one key re-fetched and re-classified) and suggested matches.

- `reconciliation_amendments`: a run's recorded amendments. Re-fetching one key from
  the providers re-classifies that key inside the day's current run; the run's history
  shows what the key was before and after, who asked and why.
- `reconciliation_suggestions`: likely counterparts of a missing row, computed on
  demand, with what an analyst decided (`open`, `confirmed`, `dismissed`). Keyed like
  the workbench (day + identity of the missing row) and the suggested transaction, so a
  decision outlives re-runs: a dismissed pair is never suggested again, a confirmed one
  stays "matched by hand". The id is derived from that key (stable across re-runs).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE reconciliation_amendments (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            recon_run_id UUID NOT NULL REFERENCES reconciliation_runs (id) ON DELETE CASCADE,
            recon_date DATE NOT NULL,
            client_operation_id TEXT NOT NULL,
            before_statuses TEXT[] NOT NULL,
            after_statuses TEXT[] NOT NULL,
            actor_id UUID REFERENCES users (id) ON DELETE SET NULL,
            actor_email VARCHAR(255) NOT NULL,
            at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
            reason VARCHAR(40) NOT NULL,
            fetched JSONB NOT NULL DEFAULT '{}'::jsonb
        )
        """
    )
    op.execute(
        "CREATE INDEX ix_reconciliation_amendments_run ON reconciliation_amendments "
        "(recon_run_id, at)"
    )
    op.execute(
        """
        CREATE TABLE reconciliation_suggestions (
            id UUID PRIMARY KEY,
            recon_date DATE NOT NULL,
            row_identity TEXT NOT NULL,
            side VARCHAR(10) NOT NULL,
            transaction_id UUID NOT NULL,
            reason VARCHAR(30) NOT NULL,
            status VARCHAR(20) NOT NULL DEFAULT 'open',
            note TEXT,
            decided_by VARCHAR(255),
            decided_at TIMESTAMPTZ,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            CONSTRAINT uq_reconciliation_suggestions_pair
                UNIQUE (recon_date, row_identity, transaction_id),
            CONSTRAINT ck_reconciliation_suggestions_side CHECK (side IN ('vima', 'payshack')),
            CONSTRAINT ck_reconciliation_suggestions_status
                CHECK (status IN ('open', 'confirmed', 'dismissed'))
        )
        """
    )
    op.execute(
        "CREATE INDEX ix_reconciliation_suggestions_txn ON reconciliation_suggestions "
        "(transaction_id) WHERE status = 'confirmed'"
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS reconciliation_suggestions")
    op.execute("DROP TABLE IF EXISTS reconciliation_amendments")
