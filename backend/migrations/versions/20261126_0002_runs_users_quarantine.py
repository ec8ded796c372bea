"""Runs, quarantine, users; resolution and watermark columns.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE sync_state
            ADD COLUMN watermark TIMESTAMPTZ,
            ADD COLUMN checkpoint JSONB NOT NULL DEFAULT '{}'::jsonb,
            ADD COLUMN next_sync_at TIMESTAMPTZ
        """
    )
    op.execute(
        """
        CREATE TABLE sync_runs (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            source VARCHAR(20) NOT NULL,
            kind VARCHAR(20) NOT NULL DEFAULT 'incremental',
            status VARCHAR(20) NOT NULL,
            started_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
            finished_at TIMESTAMPTZ,
            fetched INT NOT NULL DEFAULT 0,
            inserted INT NOT NULL DEFAULT 0,
            updated INT NOT NULL DEFAULT 0,
            unchanged INT NOT NULL DEFAULT 0,
            quarantined INT NOT NULL DEFAULT 0,
            unknown_statuses INT NOT NULL DEFAULT 0,
            pages INT NOT NULL DEFAULT 0,
            duration_ms BIGINT,
            error TEXT,
            params JSONB NOT NULL DEFAULT '{}'::jsonb
        )
        """
    )
    op.execute("CREATE INDEX ix_sync_runs_source_started ON sync_runs (source, started_at DESC)")
    op.execute(
        """
        CREATE TABLE quarantine (
            id BIGSERIAL PRIMARY KEY,
            source VARCHAR(20) NOT NULL,
            source_record_id VARCHAR(255),
            reason TEXT NOT NULL,
            raw JSONB NOT NULL,
            raw_hash VARCHAR(64) NOT NULL,
            first_seen_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
            last_seen_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
            seen_count INT NOT NULL DEFAULT 1,
            CONSTRAINT uq_quarantine_source_raw_hash UNIQUE (source, raw_hash)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE reconciliation_runs (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            recon_date DATE NOT NULL,
            status VARCHAR(20) NOT NULL,
            started_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
            completed_at TIMESTAMPTZ,
            triggered_by VARCHAR(255),
            is_current BOOLEAN NOT NULL DEFAULT false,
            coverage VARCHAR(20),
            watermarks JSONB,
            settings JSONB,
            summary JSONB,
            total INT,
            error TEXT
        )
        """
    )
    op.execute(
        "CREATE INDEX ix_reconciliation_runs_date "
        "ON reconciliation_runs (recon_date, started_at DESC)"
    )
    # At most one current run per day: the guarantee behind "a re-run supersedes".
    op.execute(
        "CREATE UNIQUE INDEX uq_reconciliation_runs_current ON reconciliation_runs (recon_date) "
        "WHERE is_current"
    )
    op.execute(
        """
        ALTER TABLE reconciliation_results
            ADD COLUMN resolution VARCHAR(20) NOT NULL DEFAULT 'open',
            ADD COLUMN resolved_by VARCHAR(255),
            ADD COLUMN resolved_at TIMESTAMPTZ,
            ADD COLUMN note TEXT,
            ADD COLUMN provisional BOOLEAN NOT NULL DEFAULT false
        """
    )
    op.execute(
        """
        CREATE TABLE users (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            email VARCHAR(255) NOT NULL,
            password_hash VARCHAR(255) NOT NULL,
            role VARCHAR(20) NOT NULL,
            is_active BOOLEAN NOT NULL DEFAULT true,
            created_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
            updated_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
            last_login_at TIMESTAMPTZ,
            CONSTRAINT uq_users_email UNIQUE (email),
            CONSTRAINT ck_users_role CHECK (role IN ('admin', 'analyst', 'viewer'))
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE users")
    op.execute(
        """
        ALTER TABLE reconciliation_results
            DROP COLUMN resolution, DROP COLUMN resolved_by, DROP COLUMN resolved_at,
            DROP COLUMN note, DROP COLUMN provisional
        """
    )
    op.execute("DROP TABLE reconciliation_runs")
    op.execute("DROP TABLE quarantine")
    op.execute("DROP TABLE sync_runs")
    op.execute(
        "ALTER TABLE sync_state DROP COLUMN watermark, DROP COLUMN checkpoint, "
        "DROP COLUMN next_sync_at"
    )
