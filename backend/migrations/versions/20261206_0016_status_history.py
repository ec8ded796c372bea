"""Status history: every status a transaction was seen with, and when (issue #17 part 4).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    # Keyed like `transactions`' unique key, not by its id: ingestion's COPY path never
    # reads the generated ids back, and history survives a row being re-created.
    # Not partitioned: one narrow row per insert and per status change.
    op.execute(
        """
        CREATE TABLE transaction_status_history (
            id BIGINT GENERATED ALWAYS AS IDENTITY,
            source VARCHAR(20) NOT NULL,
            source_id VARCHAR(255) NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            status VARCHAR(30) NOT NULL,
            original_status VARCHAR(50),
            seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            sync_run_id UUID,
            reversal BOOLEAN NOT NULL DEFAULT false,
            CONSTRAINT transaction_status_history_pkey PRIMARY KEY (id)
        )
        """
    )
    # What each row was last seen as, at the time it was last written: the one status
    # the database still knows of rows ingested before the history existed.
    op.execute(
        """
        INSERT INTO transaction_status_history
            (source, source_id, created_at, status, original_status, seen_at)
        SELECT source, source_id, created_at, status, original_status,
               COALESCE(ingested_at, updated_at, created_at)
        FROM transactions
        ORDER BY source, source_id, created_at
        """
    )
    op.execute(
        "CREATE INDEX ix_transaction_status_history_key "
        "ON transaction_status_history (source, source_id, created_at, seen_at)"
    )
    # The refunds seen after a success (docs/upi.md): few, read by the overview's
    # reversal figures and the list's flag without probing every refunded row.
    op.execute(
        "CREATE INDEX ix_transaction_status_history_reversal "
        "ON transaction_status_history (created_at) WHERE reversal"
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS transaction_status_history")
