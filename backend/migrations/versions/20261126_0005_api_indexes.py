"""Read API: list/search indexes, and a daily level over the 30-minute rollup.

Indexes on `transactions`:
- `created_at DESC` alone: the default list (and export) order with no narrowing
  filter; the seed only has it behind `source`/`project`/`status`, so page 1 of all
  transactions would sort the whole table.
- `utr`, `lower(user_email)`, `user_phone`: the search box's equality arms (each arm of
  the OR needs an index for PostgreSQL to combine them with a BitmapOr instead of a
  sequential scan). Partial (`IS NOT NULL`): Vima rows carry no UTR and many rows no
  payer contact, and an equality match is never NULL. `id` uses the primary key,
  `order_id` / `client_operation_id` the seed's indexes, and `source_id` the
  (source, source_id, created_at) unique index (the search has one arm per source).
On a partitioned table `CREATE INDEX` cannot run CONCURRENTLY: it builds on every
partition and blocks writes meanwhile (about a minute per 10M rows).

`transaction_rollup_daily`: the rollup summed per UTC day over (source, project, status,
currency). A 30-day overview with its comparison period otherwise sums ~170k rollup
rows (60 days × 48 buckets × ~60 dimension combinations); from whole days it sums a few
thousand, plus the partial days at the edges (an IST day starts at 18:30 UTC) from the
30-minute rollup. A row trigger keeps it in the same transaction as every rollup change
(the pipeline's upsert is untouched); TRUNCATE of the rollup empties it too.
Concurrency: two transactions writing the same source and UTC day serialize on its rows
(as they already do per 30-minute bucket); they could deadlock only if they touched the
same day's combinations in opposite orders — the pipeline's upsert sorts its rollup
rows, so this needs two concurrent writers of one source and day (PostgreSQL would then
abort one, which repeats its batch). Folding the daily upsert into the pipeline's own
statement, sorted by the daily key, would remove even that.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# (name, definition): also applied by bench/api.py to its generated database.
INDEXES: tuple[tuple[str, str], ...] = (
    ("ix_transactions_created_at", "transactions (created_at DESC)"),
    ("ix_transactions_utr", "transactions (utr) WHERE utr IS NOT NULL"),
    (
        "ix_transactions_user_email_lower",
        "transactions (lower(user_email)) WHERE user_email IS NOT NULL",
    ),
    ("ix_transactions_user_phone", "transactions (user_phone) WHERE user_phone IS NOT NULL"),
)

# Also applied by the read-API tests and the bench (which cannot run pending migrations).
DAILY_UP: tuple[str, ...] = (
    """
    CREATE TABLE transaction_rollup_daily (
        day DATE NOT NULL,
        source VARCHAR(20) NOT NULL,
        project VARCHAR(100) NOT NULL DEFAULT '',
        status VARCHAR(30) NOT NULL,
        currency CHAR(3) NOT NULL,
        count BIGINT NOT NULL,
        amount NUMERIC(24,4) NOT NULL,
        CONSTRAINT pk_transaction_rollup_daily
            PRIMARY KEY (day, source, project, status, currency)
    )
    """,
    # Static SQL in PL/pgSQL: its plan is prepared once per session, not per row.
    """
    CREATE FUNCTION transaction_rollup_daily_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        n BIGINT;
        a NUMERIC;
    BEGIN
        IF TG_OP = 'UPDATE'
           AND (OLD.bucket AT TIME ZONE 'UTC')::date = (NEW.bucket AT TIME ZONE 'UTC')::date
           AND (OLD.source, OLD.project, OLD.status, OLD.currency)
               = (NEW.source, NEW.project, NEW.status, NEW.currency) THEN
            -- The usual case: the pipeline moved a bucket's count/amount.
            n := NEW.count - OLD.count;
            a := NEW.amount - OLD.amount;
        ELSE
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                INSERT INTO transaction_rollup_daily AS t
                VALUES ((OLD.bucket AT TIME ZONE 'UTC')::date, OLD.source, OLD.project,
                        OLD.status, OLD.currency, -OLD.count, -OLD.amount)
                ON CONFLICT ON CONSTRAINT pk_transaction_rollup_daily DO UPDATE
                SET count = t.count + EXCLUDED.count, amount = t.amount + EXCLUDED.amount;
            END IF;
            IF TG_OP = 'DELETE' THEN
                RETURN NULL;
            END IF;
            n := NEW.count;
            a := NEW.amount;
        END IF;
        INSERT INTO transaction_rollup_daily AS t
        VALUES ((NEW.bucket AT TIME ZONE 'UTC')::date, NEW.source, NEW.project, NEW.status,
                NEW.currency, n, a)
        ON CONFLICT ON CONSTRAINT pk_transaction_rollup_daily DO UPDATE
        SET count = t.count + EXCLUDED.count, amount = t.amount + EXCLUDED.amount;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE FUNCTION transaction_rollup_daily_clear() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM transaction_rollup_daily;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER transaction_rollup_daily_apply
        AFTER INSERT OR UPDATE OR DELETE ON transaction_rollup
        FOR EACH ROW EXECUTE FUNCTION transaction_rollup_daily_apply()
    """,
    """
    CREATE TRIGGER transaction_rollup_daily_clear
        AFTER TRUNCATE ON transaction_rollup
        FOR EACH STATEMENT EXECUTE FUNCTION transaction_rollup_daily_clear()
    """,
    # In the same transaction as the trigger's creation: no change can fall in between.
    """
    INSERT INTO transaction_rollup_daily
    SELECT (bucket AT TIME ZONE 'UTC')::date, source, project, status, currency,
           SUM(count), SUM(amount)
    FROM transaction_rollup GROUP BY 1, 2, 3, 4, 5
    """,
)
DAILY_DOWN: tuple[str, ...] = (
    "DROP TRIGGER IF EXISTS transaction_rollup_daily_clear ON transaction_rollup",
    "DROP TRIGGER IF EXISTS transaction_rollup_daily_apply ON transaction_rollup",
    "DROP FUNCTION IF EXISTS transaction_rollup_daily_clear()",
    "DROP FUNCTION IF EXISTS transaction_rollup_daily_apply()",
    "DROP TABLE IF EXISTS transaction_rollup_daily",
)


def upgrade() -> None:
    for name, definition in INDEXES:
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")
    for statement in DAILY_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in DAILY_DOWN:
        op.execute(statement)
    for name, _ in reversed(INDEXES):
        op.execute(f"DROP INDEX IF EXISTS {name}")
