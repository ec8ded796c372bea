"""Scheduled reports: schedules and their delivery history (docs/reports.md).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE report_schedules (
            id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
            name VARCHAR(200) NOT NULL,
            kind VARCHAR(40) NOT NULL,
            channel VARCHAR(20) NOT NULL,
            recipients TEXT[] NOT NULL DEFAULT '{}'::text[],
            webhook_url_encrypted TEXT,
            webhook_target VARCHAR(255),
            formats TEXT[] NOT NULL DEFAULT '{csv}'::text[],
            send_at TIME WITHOUT TIME ZONE NOT NULL,
            timezone VARCHAR(64) NOT NULL,
            weekday SMALLINT,
            enabled BOOLEAN NOT NULL DEFAULT true,
            not_before TIMESTAMPTZ NOT NULL DEFAULT now(),
            created_by VARCHAR(255),
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            CONSTRAINT ck_report_schedules_kind
                CHECK (kind IN ('daily_summary', 'weekly_reconciliation')),
            CONSTRAINT ck_report_schedules_channel CHECK (channel IN ('email', 'webhook')),
            CONSTRAINT ck_report_schedules_weekday CHECK (weekday BETWEEN 0 AND 6),
            CONSTRAINT ck_report_schedules_weekly_has_weekday
                CHECK ((kind = 'weekly_reconciliation') = (weekday IS NOT NULL))
        )
        """
    )
    op.execute(
        """
        CREATE TABLE report_deliveries (
            id BIGSERIAL PRIMARY KEY,
            schedule_id UUID NOT NULL,
            due_at TIMESTAMPTZ NOT NULL,
            trigger VARCHAR(20) NOT NULL,
            status VARCHAR(20) NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            lease_until TIMESTAMPTZ,
            last_error TEXT,
            sent_at TIMESTAMPTZ,
            period_from DATE NOT NULL,
            period_to DATE NOT NULL,
            requested_by VARCHAR(255),
            created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
            CONSTRAINT fk_report_deliveries_schedule_id_report_schedules FOREIGN KEY (schedule_id)
                REFERENCES report_schedules (id) ON DELETE CASCADE,
            CONSTRAINT ck_report_deliveries_trigger CHECK (trigger IN ('schedule', 'manual')),
            CONSTRAINT ck_report_deliveries_status
                CHECK (status IN ('pending', 'sending', 'sent', 'failed'))
        )
        """
    )
    # The exactly-once key: however many workers find a due time, one row is inserted.
    op.execute(
        "CREATE UNIQUE INDEX uq_report_deliveries_due ON report_deliveries (schedule_id, due_at) "
        "WHERE trigger = 'schedule'"
    )
    op.execute(
        "CREATE INDEX ix_report_deliveries_schedule_id ON report_deliveries (schedule_id, id)"
    )
    op.execute(
        "CREATE INDEX ix_report_deliveries_todo ON report_deliveries (next_attempt_at) "
        "WHERE status IN ('pending', 'sending')"
    )


def downgrade() -> None:
    op.execute("DROP TABLE report_deliveries")
    op.execute("DROP TABLE report_schedules")
