"""Rollup tables: room on each page for in-place updates, and vacuum by row count.

Every sync batch moves the counts of a few rollup rows, and through the trigger of
0005 the matching `transaction_rollup_daily` rows: the same few thousand rows are
rewritten all day. With full pages each new row version lands on another page and
needs a new entry in every index; measured on the 10M-row bench database after its
load (254k rollup changes, autovacuum off), the daily table's index held 99k entries
for 1.1k live rows and the 30-day overview read took 36 ms instead of 1.3 ms.

- `fillfactor`: pages are filled to 50 % (daily, ~3k rows a quarter) and 80 %
  (30-minute rollup, written mostly for the current bucket), so an update finds room on
  its own page: a heap-only tuple, no index entry, and the old version is pruned the
  next time the page is read, with or without (auto)vacuum.
- autovacuum by a fixed number of dead rows rather than 20 % of a small table.

Applies to pages written from now on; a `VACUUM FULL` rewrites the existing ones.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

SETTINGS: tuple[tuple[str, str], ...] = (
    (
        "transaction_rollup_daily",
        "fillfactor = 50, autovacuum_vacuum_scale_factor = 0, "
        "autovacuum_vacuum_threshold = 2000, autovacuum_analyze_threshold = 2000",
    ),
    (
        "transaction_rollup",
        "fillfactor = 80, autovacuum_vacuum_scale_factor = 0.02, "
        "autovacuum_vacuum_threshold = 5000",
    ),
)


def upgrade() -> None:
    for table, options in SETTINGS:
        op.execute(f"ALTER TABLE {table} SET ({options})")


def downgrade() -> None:
    for table, options in SETTINGS:
        names = ", ".join(part.split("=")[0].strip() for part in options.split(","))
        op.execute(f"ALTER TABLE {table} RESET ({names})")
