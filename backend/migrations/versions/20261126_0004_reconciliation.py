"""Reconciliation engine: matched pairs packed per run, result rows indexed per run.

- `reconciliation_matches`: a run's matched pairs as arrays (keys, Vima ids, PayShack
  ids). Matches are ~90 % of a day and are only read back whole (full export); a
  million indexed result rows a day would cost more than the reconciliation itself.
  `reconciliation_results` keeps one row per discrepancy / missing key, as before.
- Result rows are always read through their run (the current run of a day, or a run
  of the history), so the three seed indexes (date+status, run, key) give way to one
  index in listing order: (run, status, type, key in byte order).
- `first_seen_at` (carried over across re-runs: age of a discrepancy) and `change`
  (new / changed_type / unchanged against the previous run of the day) on results;
  `previous_run_id` on runs.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE reconciliation_results
            ADD COLUMN first_seen_at TIMESTAMPTZ,
            ADD COLUMN change VARCHAR(20)
        """
    )
    op.execute("DROP INDEX idx_recon_date")
    op.execute("DROP INDEX idx_recon_run")
    op.execute("DROP INDEX idx_recon_client_op")
    op.execute(
        "CREATE INDEX ix_reconciliation_results_run_type ON reconciliation_results "
        '(recon_run_id, match_status, discrepancy_type, client_operation_id COLLATE "C")'
    )
    op.execute("ALTER TABLE reconciliation_runs ADD COLUMN previous_run_id UUID")
    op.execute(
        """
        CREATE TABLE reconciliation_matches (
            recon_run_id UUID NOT NULL
                REFERENCES reconciliation_runs (id) ON DELETE CASCADE,
            chunk INT NOT NULL,
            recon_date DATE NOT NULL,
            keys TEXT[] NOT NULL,
            vima_txn_ids UUID[] NOT NULL,
            payshack_txn_ids UUID[] NOT NULL,
            CONSTRAINT pk_reconciliation_matches PRIMARY KEY (recon_run_id, chunk)
        )
        """
    )
    # Ids do not compress; skipping the attempt saves the CPU (keys compress little).
    op.execute(
        """
        ALTER TABLE reconciliation_matches
            ALTER COLUMN keys SET STORAGE EXTERNAL,
            ALTER COLUMN vima_txn_ids SET STORAGE EXTERNAL,
            ALTER COLUMN payshack_txn_ids SET STORAGE EXTERNAL
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE reconciliation_matches")
    op.execute("ALTER TABLE reconciliation_runs DROP COLUMN previous_run_id")
    op.execute("DROP INDEX ix_reconciliation_results_run_type")
    op.execute("CREATE INDEX idx_recon_date ON reconciliation_results (recon_date, match_status)")
    op.execute("CREATE INDEX idx_recon_run ON reconciliation_results (recon_run_id)")
    op.execute("CREATE INDEX idx_recon_client_op ON reconciliation_results (client_operation_id)")
    op.execute("ALTER TABLE reconciliation_results DROP COLUMN first_seen_at, DROP COLUMN change")
