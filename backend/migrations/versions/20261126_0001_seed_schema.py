"""Seed schema: partitioned transactions, sync_state, reconciliation_results.

Exactly the tables and indexes of the seed architecture. Partitions are not created
here: the application creates the months it writes (and some ahead) by code.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    # gen_random_uuid() is built in since PostgreSQL 13: no pgcrypto needed (the
    # embedded server does not ship contrib extensions).
    op.execute(
        """
        CREATE TABLE transactions (
            id UUID DEFAULT gen_random_uuid(),
            source VARCHAR(20) NOT NULL,
            source_id VARCHAR(255) NOT NULL,
            reference_id VARCHAR(255),
            client_operation_id VARCHAR(255),
            order_id VARCHAR(255),
            project VARCHAR(100),
            merchant_id VARCHAR(255),
            amount DECIMAL(18,4) NOT NULL,
            currency CHAR(3) NOT NULL DEFAULT 'INR',
            fee DECIMAL(18,4),
            status VARCHAR(30) NOT NULL,
            original_status VARCHAR(50),
            user_id VARCHAR(255),
            user_email VARCHAR(255),
            user_phone VARCHAR(50),
            user_name VARCHAR(255),
            country CHAR(2),
            utr VARCHAR(100),
            payment_method VARCHAR(50),
            payment_product VARCHAR(100),
            created_at TIMESTAMPTZ NOT NULL,
            updated_at TIMESTAMPTZ,
            completed_at TIMESTAMPTZ,
            source_create_cursor VARCHAR(100),
            source_update_cursor VARCHAR(100),
            raw_data JSONB,
            data_hash VARCHAR(64),
            ingested_at TIMESTAMPTZ DEFAULT NOW(),
            PRIMARY KEY (id, created_at)
        ) PARTITION BY RANGE (created_at)
        """
    )
    op.execute("CREATE INDEX idx_txn_source_date ON transactions (source, created_at DESC)")
    op.execute("CREATE INDEX idx_txn_project ON transactions (project, created_at DESC)")
    op.execute("CREATE INDEX idx_txn_status ON transactions (status, created_at DESC)")
    op.execute("CREATE INDEX idx_txn_client_op_id ON transactions (client_operation_id)")
    op.execute("CREATE INDEX idx_txn_order_id ON transactions (order_id)")
    op.execute("CREATE INDEX idx_txn_data_hash ON transactions (data_hash)")
    op.execute(
        "CREATE UNIQUE INDEX idx_txn_source_source_id "
        "ON transactions (source, source_id, created_at)"
    )

    op.execute(
        """
        CREATE TABLE sync_state (
            id SERIAL PRIMARY KEY,
            source VARCHAR(20) NOT NULL UNIQUE,
            last_create_cursor VARCHAR(100),
            last_update_cursor VARCHAR(100),
            last_sync_at TIMESTAMPTZ,
            last_successful_sync TIMESTAMPTZ,
            sync_status VARCHAR(20) DEFAULT 'idle',
            error_message TEXT,
            records_synced INT DEFAULT 0,
            updated_at TIMESTAMPTZ DEFAULT NOW()
        )
        """
    )
    op.execute("INSERT INTO sync_state (source) VALUES ('vima'), ('payshack')")

    op.execute(
        """
        CREATE TABLE reconciliation_results (
            id UUID DEFAULT gen_random_uuid() PRIMARY KEY,
            recon_date DATE NOT NULL,
            recon_run_id UUID NOT NULL,
            run_started_at TIMESTAMPTZ,
            run_completed_at TIMESTAMPTZ,
            vima_txn_id UUID,
            payshack_txn_id UUID,
            client_operation_id VARCHAR(255),
            match_status VARCHAR(30) NOT NULL,
            discrepancy_type VARCHAR(50),
            vima_amount DECIMAL(18,4),
            payshack_amount DECIMAL(18,4),
            amount_diff DECIMAL(18,4),
            vima_status VARCHAR(30),
            payshack_status VARCHAR(30),
            details JSONB,
            created_at TIMESTAMPTZ DEFAULT NOW()
        )
        """
    )
    op.execute("CREATE INDEX idx_recon_date ON reconciliation_results (recon_date, match_status)")
    op.execute("CREATE INDEX idx_recon_run ON reconciliation_results (recon_run_id)")
    op.execute("CREATE INDEX idx_recon_client_op ON reconciliation_results (client_operation_id)")


def downgrade() -> None:
    op.execute("DROP TABLE reconciliation_results")
    op.execute("DROP TABLE sync_state")
    # Dropping the parent drops every partition the application created.
    op.execute("DROP TABLE transactions")
