"""Payments counted once: PayShack rows linked to their Vima record, rollups that know.

- `transactions.counterpart_of`: on a PayShack row of a reconciled project, the id of
  the Vima row that is the same payment (rule: `psp_dashboard/payments/links.py`,
  docs/payments.md). Added to the partitioned parent, so every partition (and every
  partition created later) has it; the partial index serves "who points at this Vima
  row" when a key changes and the transaction table's pair lookup.
- `counterpart_count` / `counterpart_amount` on both rollup levels: how many rows of the
  bucket are counterparts, so payments = rows - counterparts is summed from the rollups.
  The daily trigger of 0005 is replaced by one that carries them.
- Backfill: every existing key linked in one set-based statement, with the rollup moved
  in the same transaction.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

from psp_dashboard.config import ConfigError, load_settings
from psp_dashboard.payments.links import DEFAULT_RULE, RELINK_ALL_SQL, LinkRule

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

# Also applied by the bench (which cannot run pending migrations).
DAILY_APPLY = """
CREATE OR REPLACE FUNCTION transaction_rollup_daily_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    n BIGINT;
    a NUMERIC;
    cn BIGINT;
    ca NUMERIC;
BEGIN
    IF TG_OP = 'UPDATE'
       AND (OLD.bucket AT TIME ZONE 'UTC')::date = (NEW.bucket AT TIME ZONE 'UTC')::date
       AND (OLD.source, OLD.project, OLD.status, OLD.currency)
           = (NEW.source, NEW.project, NEW.status, NEW.currency) THEN
        n := NEW.count - OLD.count;
        a := NEW.amount - OLD.amount;
        cn := NEW.counterpart_count - OLD.counterpart_count;
        ca := NEW.counterpart_amount - OLD.counterpart_amount;
    ELSE
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            INSERT INTO transaction_rollup_daily AS t
                (day, source, project, status, currency, count, amount,
                 counterpart_count, counterpart_amount)
            VALUES ((OLD.bucket AT TIME ZONE 'UTC')::date, OLD.source, OLD.project,
                    OLD.status, OLD.currency, -OLD.count, -OLD.amount,
                    -OLD.counterpart_count, -OLD.counterpart_amount)
            ON CONFLICT ON CONSTRAINT pk_transaction_rollup_daily DO UPDATE
            SET count = t.count + EXCLUDED.count, amount = t.amount + EXCLUDED.amount,
                counterpart_count = t.counterpart_count + EXCLUDED.counterpart_count,
                counterpart_amount = t.counterpart_amount + EXCLUDED.counterpart_amount;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN NULL;
        END IF;
        n := NEW.count;
        a := NEW.amount;
        cn := NEW.counterpart_count;
        ca := NEW.counterpart_amount;
    END IF;
    INSERT INTO transaction_rollup_daily AS t
        (day, source, project, status, currency, count, amount,
         counterpart_count, counterpart_amount)
    VALUES ((NEW.bucket AT TIME ZONE 'UTC')::date, NEW.source, NEW.project, NEW.status,
            NEW.currency, n, a, cn, ca)
    ON CONFLICT ON CONSTRAINT pk_transaction_rollup_daily DO UPDATE
    SET count = t.count + EXCLUDED.count, amount = t.amount + EXCLUDED.amount,
        counterpart_count = t.counterpart_count + EXCLUDED.counterpart_count,
        counterpart_amount = t.counterpart_amount + EXCLUDED.counterpart_amount;
    RETURN NULL;
END
$$
"""

UP: tuple[str, ...] = (
    "ALTER TABLE transactions ADD COLUMN counterpart_of UUID",
    "CREATE INDEX ix_transactions_counterpart_of ON transactions (counterpart_of) "
    "WHERE counterpart_of IS NOT NULL",
    "ALTER TABLE transaction_rollup "
    "ADD COLUMN counterpart_count BIGINT NOT NULL DEFAULT 0, "
    "ADD COLUMN counterpart_amount NUMERIC(24,4) NOT NULL DEFAULT 0",
    "ALTER TABLE transaction_rollup_daily "
    "ADD COLUMN counterpart_count BIGINT NOT NULL DEFAULT 0, "
    "ADD COLUMN counterpart_amount NUMERIC(24,4) NOT NULL DEFAULT 0",
    DAILY_APPLY,
)

# 0005's function, restored on downgrade.
DAILY_APPLY_0005 = """
CREATE OR REPLACE FUNCTION transaction_rollup_daily_apply() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    n BIGINT;
    a NUMERIC;
BEGIN
    IF TG_OP = 'UPDATE'
       AND (OLD.bucket AT TIME ZONE 'UTC')::date = (NEW.bucket AT TIME ZONE 'UTC')::date
       AND (OLD.source, OLD.project, OLD.status, OLD.currency)
           = (NEW.source, NEW.project, NEW.status, NEW.currency) THEN
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
"""


def _rule() -> LinkRule:
    # The installation's RECON_* settings decide which projects are linked; a
    # configuration that does not load (migrating from a bare shell) gets the defaults.
    try:
        return LinkRule.from_settings(load_settings())
    except ConfigError:
        return DEFAULT_RULE


def upgrade() -> None:
    for statement in UP:
        op.execute(statement)
    op.get_bind().execute(text(RELINK_ALL_SQL), _rule().params())


def downgrade() -> None:
    op.execute(DAILY_APPLY_0005)
    op.execute(
        "ALTER TABLE transaction_rollup_daily "
        "DROP COLUMN counterpart_count, DROP COLUMN counterpart_amount"
    )
    op.execute(
        "ALTER TABLE transaction_rollup "
        "DROP COLUMN counterpart_count, DROP COLUMN counterpart_amount"
    )
    op.execute("DROP INDEX IF EXISTS ix_transactions_counterpart_of")
    op.execute("ALTER TABLE transactions DROP COLUMN counterpart_of")
