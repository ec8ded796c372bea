"""Half-hour rollup of transactions, backfill jobs, API tokens, audit log.

The rollup is kept in step with `transactions` by the ingestion pipeline, in the same
database transaction as the rows it summarises. Buckets are 30 minutes wide, not an
hour: Asia/Kolkata is UTC+05:30, so IST hours start on UTC half-hours and hourly UTC
buckets could not be regrouped into IST hours or days exactly.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE transaction_rollup (
            bucket TIMESTAMPTZ NOT NULL,
            source VARCHAR(20) NOT NULL,
            project VARCHAR(100) NOT NULL DEFAULT '',
            status VARCHAR(30) NOT NULL,
            original_status VARCHAR(50) NOT NULL DEFAULT '',
            payment_method VARCHAR(50) NOT NULL DEFAULT '',
            merchant_id VARCHAR(255) NOT NULL DEFAULT '',
            currency CHAR(3) NOT NULL,
            count BIGINT NOT NULL,
            amount NUMERIC(24,4) NOT NULL,
            fee NUMERIC(24,4) NOT NULL,
            CONSTRAINT pk_transaction_rollup PRIMARY KEY
                (bucket, source, project, status, original_status, payment_method,
                 merchant_id, currency)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE sync_backfills (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            source VARCHAR(20) NOT NULL,
            from_date DATE NOT NULL,
            to_date DATE NOT NULL,
            status VARCHAR(20) NOT NULL DEFAULT 'pending',
            shards JSONB NOT NULL DEFAULT '{}'::jsonb,
            requested_by VARCHAR(255),
            created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
            updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
            error TEXT
        )
        """
    )
    op.execute(
        """
        CREATE TABLE api_tokens (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
            name VARCHAR(100) NOT NULL,
            token_hash VARCHAR(64) NOT NULL,
            prefix VARCHAR(16) NOT NULL,
            created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
            expires_at TIMESTAMPTZ,
            last_used_at TIMESTAMPTZ,
            revoked_at TIMESTAMPTZ,
            CONSTRAINT uq_api_tokens_token_hash UNIQUE (token_hash)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE audit_log (
            id BIGSERIAL PRIMARY KEY,
            at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
            actor_id UUID,
            actor_email VARCHAR(255),
            action VARCHAR(64) NOT NULL,
            target VARCHAR(255),
            params JSONB NOT NULL DEFAULT '{}'::jsonb,
            outcome VARCHAR(20) NOT NULL DEFAULT 'success',
            ip VARCHAR(64),
            request_id VARCHAR(64)
        )
        """
    )
    op.execute("CREATE INDEX ix_audit_log_at ON audit_log (at DESC)")
    op.execute("CREATE INDEX ix_audit_log_action_at ON audit_log (action, at DESC)")
    op.execute("CREATE INDEX ix_audit_log_actor_at ON audit_log (actor_email, at DESC)")


def downgrade() -> None:
    op.execute("DROP TABLE audit_log")
    op.execute("DROP TABLE api_tokens")
    op.execute("DROP TABLE sync_backfills")
    op.execute("DROP TABLE transaction_rollup")
