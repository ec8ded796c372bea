"""PayShack reference data: clients with balance history, resellers, service providers,
the refresh's state, and the admin-set client → project map.

`payshack_client_balances` holds a row when a client is first seen and whenever a
refresh sees its balance change: a step series that answers "the balance over the last
30 days" (the value at an instant is the latest row at or before it) without one row per
client per refresh. `client_project_map` is keyed by the client's name as PayShack sends
it on pay-ins (`clientName` → `transactions.merchant_id`); a row here beats the
PAYSHACK_CLIENT_PROJECTS default for that client.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE payshack_clients (
            client_id VARCHAR(100) PRIMARY KEY,
            name VARCHAR(255) NOT NULL,
            reseller_id VARCHAR(100),
            balance NUMERIC(18, 4),
            currency CHAR(3) NOT NULL DEFAULT 'INR',
            raw JSONB NOT NULL DEFAULT '{}'::jsonb,
            first_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            refreshed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            active BOOLEAN NOT NULL DEFAULT true
        )
        """
    )
    op.execute(
        """
        CREATE TABLE payshack_client_balances (
            client_id VARCHAR(100) NOT NULL
                REFERENCES payshack_clients (client_id) ON DELETE CASCADE,
            observed_at TIMESTAMPTZ NOT NULL,
            balance NUMERIC(18, 4) NOT NULL,
            CONSTRAINT pk_payshack_client_balances PRIMARY KEY (client_id, observed_at)
        )
        """
    )
    directories = (("payshack_resellers", "reseller_id"), ("payshack_service_providers", "sp_id"))
    for table, key in directories:
        op.execute(
            f"""
            CREATE TABLE {table} (
                {key} VARCHAR(100) PRIMARY KEY,
                name VARCHAR(255),
                raw JSONB NOT NULL DEFAULT '{{}}'::jsonb,
                first_seen_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                refreshed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
                active BOOLEAN NOT NULL DEFAULT true
            )
            """
        )
    op.execute(
        """
        CREATE TABLE payshack_reference_state (
            id SMALLINT PRIMARY KEY DEFAULT 1,
            last_attempt_at TIMESTAMPTZ,
            last_success_at TIMESTAMPTZ,
            last_error TEXT,
            last_error_at TIMESTAMPTZ,
            last_counts JSONB NOT NULL DEFAULT '{}'::jsonb,
            CONSTRAINT ck_payshack_reference_state_single CHECK (id = 1)
        )
        """
    )
    op.execute("INSERT INTO payshack_reference_state (id) VALUES (1)")
    op.execute(
        """
        CREATE TABLE client_project_map (
            client_key VARCHAR(255) PRIMARY KEY,
            client_id VARCHAR(100),
            project VARCHAR(100) NOT NULL,
            set_by VARCHAR(255),
            set_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            CONSTRAINT ck_client_project_map_project
                CHECK (project ~ '^[a-z0-9][a-z0-9_-]{0,99}$')
        )
        """
    )


def downgrade() -> None:
    for table in (
        "client_project_map",
        "payshack_reference_state",
        "payshack_service_providers",
        "payshack_resellers",
        "payshack_client_balances",
        "payshack_clients",
    ):
        op.execute(f"DROP TABLE IF EXISTS {table}")
