"""Table definitions (SQLAlchemy Core). The migrations are the source of truth for DDL;
these mirror them so queries are typed and checked."""

from psp_dashboard.models.alerts import (
    alert_channels,
    alert_deliveries,
    alert_rules,
    alert_states,
    alerts,
)
from psp_dashboard.models.analytics import (
    analytics_codes,
    analytics_feed_deletions,
    analytics_feed_state,
)
from psp_dashboard.models.archive import partition_archives
from psp_dashboard.models.auth import api_tokens, audit_log
from psp_dashboard.models.base import metadata
from psp_dashboard.models.jobs import job_ticks
from psp_dashboard.models.recon_amendments import (
    reconciliation_amendments,
    reconciliation_suggestions,
)
from psp_dashboard.models.recon_workbench import (
    reconciliation_assignments,
    reconciliation_events,
)
from psp_dashboard.models.reconciliation import (
    reconciliation_matches,
    reconciliation_results,
    reconciliation_runs,
)
from psp_dashboard.models.reference import (
    client_project_map,
    payshack_client_balances,
    payshack_clients,
    payshack_reference_state,
    payshack_resellers,
    payshack_service_providers,
)
from psp_dashboard.models.reports import report_deliveries, report_schedules
from psp_dashboard.models.rollup import transaction_rollup, transaction_rollup_daily
from psp_dashboard.models.status_history import transaction_status_history
from psp_dashboard.models.sync import quarantine, sync_backfills, sync_runs, sync_state
from psp_dashboard.models.transaction import transactions
from psp_dashboard.models.user import users

__all__ = [
    "alert_channels",
    "alert_deliveries",
    "alert_rules",
    "alert_states",
    "alerts",
    "analytics_codes",
    "analytics_feed_deletions",
    "analytics_feed_state",
    "api_tokens",
    "audit_log",
    "client_project_map",
    "job_ticks",
    "metadata",
    "partition_archives",
    "payshack_client_balances",
    "payshack_clients",
    "payshack_reference_state",
    "payshack_resellers",
    "payshack_service_providers",
    "quarantine",
    "reconciliation_amendments",
    "reconciliation_assignments",
    "reconciliation_events",
    "reconciliation_matches",
    "reconciliation_results",
    "reconciliation_runs",
    "reconciliation_suggestions",
    "report_deliveries",
    "report_schedules",
    "sync_backfills",
    "sync_runs",
    "sync_state",
    "transaction_rollup",
    "transaction_rollup_daily",
    "transaction_status_history",
    "transactions",
    "users",
]
