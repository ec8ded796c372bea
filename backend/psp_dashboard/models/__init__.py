"""Table definitions (SQLAlchemy Core). The migrations are the source of truth for DDL;
these mirror them so queries are typed and checked."""

from psp_dashboard.models.alerts import (
    alert_channels,
    alert_deliveries,
    alert_rules,
    alert_states,
    alerts,
)
from psp_dashboard.models.auth import api_tokens, audit_log
from psp_dashboard.models.base import metadata
from psp_dashboard.models.recon_workbench import (
    reconciliation_assignments,
    reconciliation_events,
)
from psp_dashboard.models.reconciliation import (
    reconciliation_matches,
    reconciliation_results,
    reconciliation_runs,
)
from psp_dashboard.models.rollup import transaction_rollup, transaction_rollup_daily
from psp_dashboard.models.sync import quarantine, sync_backfills, sync_runs, sync_state
from psp_dashboard.models.transaction import transactions
from psp_dashboard.models.user import users

__all__ = [
    "alert_channels",
    "alert_deliveries",
    "alert_rules",
    "alert_states",
    "alerts",
    "api_tokens",
    "audit_log",
    "metadata",
    "quarantine",
    "reconciliation_assignments",
    "reconciliation_events",
    "reconciliation_matches",
    "reconciliation_results",
    "reconciliation_runs",
    "sync_backfills",
    "sync_runs",
    "sync_state",
    "transaction_rollup",
    "transaction_rollup_daily",
    "transactions",
    "users",
]
