"""Partition archives: which monthly partitions of `transactions` went to Parquet (retention/).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    # One row per archived (month, source) file. `sums` holds what the archive was
    # verified against ({status: {"count", "amount", "fee"}}, amounts as exact strings);
    # `restored_at` is set when the month is loaded back, cleared when archived again.
    op.execute(
        """
        CREATE TABLE partition_archives (
            month DATE NOT NULL,
            source VARCHAR(20) NOT NULL,
            path TEXT NOT NULL,
            rows BIGINT NOT NULL,
            sums JSONB NOT NULL,
            checksum VARCHAR(64) NOT NULL,
            archived_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            restored_at TIMESTAMPTZ,
            CONSTRAINT pk_partition_archives PRIMARY KEY (month, source)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS partition_archives")
