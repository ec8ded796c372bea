"""ClickHouse mirror feed: a change marker on transactions, deletion tombstones, feed state.

`transactions.change_xid` is the id of the PostgreSQL transaction that last wrote the row
(a column default for inserts, a trigger for updates): unlike `updated_at` (the
provider's clock, may not move) or `ingested_at` (start of the writer's transaction, not
its commit), every xid below the snapshot's xmin belongs to a finished transaction, so a
feed that reads up to that bound never misses a row committed late (docs/analytics.md).
Rows that existed before this migration keep NULL and are fed once by id.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

CURRENT_XID = "(pg_current_xact_id())::text::bigint"


def upgrade() -> None:
    # No default on ADD: a volatile default would rewrite every partition.
    op.execute("ALTER TABLE transactions ADD COLUMN change_xid BIGINT")
    op.execute(f"ALTER TABLE transactions ALTER COLUMN change_xid SET DEFAULT {CURRENT_XID}")
    op.execute("CREATE INDEX ix_transactions_change_xid ON transactions (change_xid, id)")
    op.execute(
        f"""
        CREATE FUNCTION analytics_mark_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.change_xid := {CURRENT_XID};
            RETURN NEW;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER trg_transactions_change_xid BEFORE UPDATE ON transactions
        FOR EACH ROW EXECUTE FUNCTION analytics_mark_change()
        """
    )
    # Deleted rows (retention, corrections) leave a tombstone the feed sends on as a
    # deletion; the feed prunes the tombstones it has sent.
    op.execute(
        f"""
        CREATE TABLE analytics_feed_deletions (
            change_xid BIGINT NOT NULL DEFAULT {CURRENT_XID},
            id UUID NOT NULL,
            source VARCHAR(20) NOT NULL,
            source_id VARCHAR(255) NOT NULL,
            created_at TIMESTAMPTZ NOT NULL,
            CONSTRAINT pk_analytics_feed_deletions PRIMARY KEY (change_xid, id)
        )
        """
    )
    op.execute(
        """
        CREATE FUNCTION analytics_mark_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO analytics_feed_deletions (id, source, source_id, created_at)
            VALUES (OLD.id, OLD.source, OLD.source_id, OLD.created_at)
            ON CONFLICT DO NOTHING;
            RETURN OLD;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER trg_transactions_deletion AFTER DELETE ON transactions
        FOR EACH ROW EXECUTE FUNCTION analytics_mark_deletion()
        """
    )
    op.execute(
        """
        CREATE TABLE analytics_feed_state (
            name VARCHAR(40) PRIMARY KEY,
            backfill_done BOOLEAN NOT NULL DEFAULT false,
            backfill_after_id UUID,
            watermark_xid BIGINT NOT NULL DEFAULT 0,
            watermark_id UUID,
            deletions_xid BIGINT NOT NULL DEFAULT 0,
            rows_fed BIGINT NOT NULL DEFAULT 0,
            mirror_rows BIGINT,
            last_fed_at TIMESTAMPTZ,
            caught_up_at TIMESTAMPTZ,
            last_error TEXT,
            last_error_at TIMESTAMPTZ,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS analytics_feed_state")
    op.execute("DROP TRIGGER IF EXISTS trg_transactions_deletion ON transactions")
    op.execute("DROP FUNCTION IF EXISTS analytics_mark_deletion()")
    op.execute("DROP TABLE IF EXISTS analytics_feed_deletions")
    op.execute("DROP TRIGGER IF EXISTS trg_transactions_change_xid ON transactions")
    op.execute("DROP FUNCTION IF EXISTS analytics_mark_change()")
    op.execute("DROP INDEX IF EXISTS ix_transactions_change_xid")
    op.execute("ALTER TABLE transactions DROP COLUMN IF EXISTS change_xid")
