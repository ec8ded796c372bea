"""Alerts: rules, channels, per-(rule, subject) states, alert history, delivery outbox.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE alert_channels (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            name VARCHAR(100) NOT NULL,
            kind VARCHAR(20) NOT NULL,
            target VARCHAR(255),
            format VARCHAR(20),
            chat_id VARCHAR(100),
            url_encrypted TEXT,
            secret_env VARCHAR(100),
            secret_encrypted TEXT,
            enabled BOOLEAN NOT NULL DEFAULT true,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            CONSTRAINT uq_alert_channels_name UNIQUE (name),
            CONSTRAINT ck_alert_channels_kind CHECK (kind IN ('in_app', 'webhook', 'email'))
        )
        """
    )
    op.execute(
        """
        CREATE TABLE alert_rules (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            name VARCHAR(200) NOT NULL,
            kind VARCHAR(40) NOT NULL,
            severity VARCHAR(20) NOT NULL DEFAULT 'warning',
            scope_type VARCHAR(20) NOT NULL DEFAULT 'all',
            scope_value VARCHAR(100),
            params JSONB NOT NULL DEFAULT '{}'::jsonb,
            cooldown_minutes INTEGER NOT NULL DEFAULT 30,
            enabled BOOLEAN NOT NULL DEFAULT true,
            channel_ids UUID[] NOT NULL DEFAULT '{}'::uuid[],
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            CONSTRAINT ck_alert_rules_severity CHECK (severity IN ('critical', 'warning')),
            CONSTRAINT ck_alert_rules_scope_type CHECK (scope_type IN ('all', 'source', 'project'))
        )
        """
    )
    op.execute(
        """
        CREATE TABLE alerts (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            rule_id UUID NOT NULL,
            rule_name VARCHAR(200) NOT NULL,
            kind VARCHAR(40) NOT NULL,
            severity VARCHAR(20) NOT NULL,
            scope_type VARCHAR(20) NOT NULL,
            scope_value VARCHAR(100),
            subject VARCHAR(200) NOT NULL,
            source VARCHAR(20),
            project VARCHAR(100),
            state VARCHAR(20) NOT NULL,
            title TEXT NOT NULL,
            message TEXT NOT NULL,
            value NUMERIC(24, 4),
            threshold NUMERIC(24, 4),
            fired_at TIMESTAMPTZ NOT NULL,
            resolved_at TIMESTAMPTZ,
            acknowledged_by VARCHAR(255),
            acknowledged_at TIMESTAMPTZ,
            evidence JSONB NOT NULL DEFAULT '{}'::jsonb,
            CONSTRAINT ck_alerts_state CHECK (state IN ('firing', 'resolved'))
        )
        """
    )
    op.execute("CREATE INDEX ix_alerts_fired_at ON alerts (fired_at DESC)")
    op.execute("CREATE INDEX ix_alerts_firing ON alerts (fired_at DESC) WHERE state = 'firing'")
    op.execute(
        """
        CREATE TABLE alert_states (
            rule_id UUID NOT NULL,
            subject VARCHAR(200) NOT NULL,
            state VARCHAR(20) NOT NULL DEFAULT 'ok',
            alert_id UUID,
            last_resolved_at TIMESTAMPTZ,
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            CONSTRAINT alert_states_pkey PRIMARY KEY (rule_id, subject),
            CONSTRAINT fk_alert_states_rule_id_alert_rules FOREIGN KEY (rule_id)
                REFERENCES alert_rules (id) ON DELETE CASCADE,
            CONSTRAINT ck_alert_states_state CHECK (state IN ('ok', 'firing'))
        )
        """
    )
    op.execute(
        """
        CREATE TABLE alert_deliveries (
            id BIGSERIAL PRIMARY KEY,
            alert_id UUID NOT NULL,
            channel_id UUID,
            channel_name VARCHAR(100) NOT NULL,
            event VARCHAR(20) NOT NULL,
            status VARCHAR(20) NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            last_error TEXT,
            delivered_at TIMESTAMPTZ,
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            CONSTRAINT fk_alert_deliveries_alert_id_alerts FOREIGN KEY (alert_id)
                REFERENCES alerts (id) ON DELETE CASCADE,
            CONSTRAINT fk_alert_deliveries_channel_id_alert_channels FOREIGN KEY (channel_id)
                REFERENCES alert_channels (id) ON DELETE SET NULL,
            CONSTRAINT uq_alert_deliveries_once UNIQUE (alert_id, channel_id, event),
            CONSTRAINT ck_alert_deliveries_event CHECK (event IN ('firing', 'resolved')),
            CONSTRAINT ck_alert_deliveries_status CHECK (status IN ('pending', 'sent', 'failed'))
        )
        """
    )
    op.execute("CREATE INDEX ix_alert_deliveries_alert_id ON alert_deliveries (alert_id)")
    op.execute(
        "CREATE INDEX ix_alert_deliveries_due ON alert_deliveries (next_attempt_at) "
        "WHERE status = 'pending'"
    )


def downgrade() -> None:
    op.execute("DROP TABLE alert_deliveries")
    op.execute("DROP TABLE alert_states")
    op.execute("DROP TABLE alerts")
    op.execute("DROP TABLE alert_rules")
    op.execute("DROP TABLE alert_channels")
