"""PayShack pay-outs: `transactions.direction` and the pay-out sync stream.

- `transactions.direction` ('payin' | 'payout', default 'payin': every existing row is a
  pay-in). Added on the partitioned parent, so every partition gets it; a constant
  default makes the ADD a catalogue change, not a rewrite.
- A partial index on the pay-outs' `created_at`: pay-outs are a small share of the
  table and are kept out of the rollups (which stay pay-ins only), so their lists,
  counts and the net-flow figure read them straight from this index.
- `sync_state` row `payshack_payouts`: the pay-out stream's own watermark, checkpoint
  and run history (its rows carry `source = 'payshack'`).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE transactions
            ADD COLUMN direction VARCHAR(10) NOT NULL DEFAULT 'payin',
            ADD CONSTRAINT ck_transactions_direction CHECK (direction IN ('payin', 'payout'))
        """
    )
    op.execute(
        "CREATE INDEX ix_transactions_payout_created_at ON transactions (created_at DESC) "
        "WHERE direction = 'payout'"
    )
    op.execute(
        "INSERT INTO sync_state (source) VALUES ('payshack_payouts') "
        "ON CONFLICT (source) DO NOTHING"
    )


def downgrade() -> None:
    op.execute("DELETE FROM sync_state WHERE source = 'payshack_payouts'")
    op.execute("DELETE FROM sync_runs WHERE source = 'payshack_payouts'")
    op.execute("DELETE FROM sync_backfills WHERE source = 'payshack_payouts'")
    op.execute("DELETE FROM quarantine WHERE source = 'payshack_payouts'")
    # Pay-outs never entered the rollups: deleting them leaves every sum as it was.
    op.execute("DELETE FROM transactions WHERE direction = 'payout'")
    op.execute("DROP INDEX ix_transactions_payout_created_at")
    op.execute(
        "ALTER TABLE transactions DROP CONSTRAINT ck_transactions_direction, DROP COLUMN direction"
    )
