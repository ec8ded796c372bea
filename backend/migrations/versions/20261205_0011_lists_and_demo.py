"""Search by payer VPA and name: one expression index per new arm of the search's OR.

The list search (`transactions/repository.py`) matches `lower(user_id)` (PayShack's
payer VPA, `harpreet492@ybl`) and `lower(user_name)` for roles that see payer data
unmasked. Each arm of the OR needs an index for PostgreSQL to answer with a BitmapOr
rather than a sequential scan; partial (`IS NOT NULL`), as the e-mail and phone ones
(0005). On a partitioned table `CREATE INDEX` cannot run CONCURRENTLY: it builds on
every partition and blocks writes meanwhile (about a minute per 10M rows each).

Keyset paging needs no index of its own: `created_at` pages use
`ix_transactions_created_at` (0005) with `id` as an in-page tie-break.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# (name, definition): also applied by bench/api.py's generated database if it wants them.
INDEXES: tuple[tuple[str, str], ...] = (
    ("ix_transactions_user_id_lower", "transactions (lower(user_id)) WHERE user_id IS NOT NULL"),
    (
        "ix_transactions_user_name_lower",
        "transactions (lower(user_name)) WHERE user_name IS NOT NULL",
    ),
)


def upgrade() -> None:
    for name, definition in INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def downgrade() -> None:
    for name, _ in reversed(INDEXES):
        op.execute(f"DROP INDEX IF EXISTS {name}")
