"""Provable sync completeness and data-derived watermarks.

- `sync_runs.rows_expected` / `rows_read`: what the provider said its windows hold and
  what the run accounted for (read, or proven to lie outside the window); a run whose
  two numbers disagree ends `incomplete`, never `success`. `completeness` keeps one
  entry per window walked (bounds, unit, expected, read, how the walk ended).
- `sync_state.newest_record_at`: the newest `created_at` a source has delivered (capped
  at our clock plus a tolerance), shown beside "last success" on the sync page.
- PayShack's `watermark` changes meaning: it was the wall-clock start of the last run
  that read its whole window; it is now the newest `createdAt` such a run delivered. A
  provider whose clock is not ours (skew, a stalled backlog, a world on a fixed date)
  fell outside every later window of the old watermark. Existing installations get the
  new value from the rows they hold.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE sync_runs
            ADD COLUMN rows_expected BIGINT,
            ADD COLUMN rows_read BIGINT,
            ADD COLUMN completeness JSONB NOT NULL DEFAULT '[]'::jsonb
        """
    )
    op.execute("ALTER TABLE sync_state ADD COLUMN newest_record_at TIMESTAMPTZ")
    # Rows further ahead of our clock than an hour are not trusted as "newest" (a single
    # mis-dated record must not move the window past every later pay-in).
    op.execute(
        """
        UPDATE sync_state s SET newest_record_at = (
            SELECT max(t.created_at) FROM transactions t
            WHERE t.source = s.source AND t.created_at <= now() + interval '1 hour'
        )
        """
    )
    op.execute(
        """
        UPDATE sync_state SET
            watermark = newest_record_at,
            checkpoint = checkpoint || jsonb_build_object(
                'watermark', to_char(newest_record_at AT TIME ZONE 'UTC',
                                     'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'))
        WHERE source = 'payshack' AND watermark IS NOT NULL AND newest_record_at IS NOT NULL
        """
    )


def downgrade() -> None:
    op.execute("ALTER TABLE sync_state DROP COLUMN newest_record_at")
    op.execute(
        "ALTER TABLE sync_runs DROP COLUMN rows_expected, DROP COLUMN rows_read, "
        "DROP COLUMN completeness"
    )
