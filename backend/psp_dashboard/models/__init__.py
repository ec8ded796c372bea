"""Table definitions (SQLAlchemy Core). The migrations are the source of truth for DDL;
these mirror them so queries are typed and checked."""

from psp_dashboard.models.auth import api_tokens, audit_log
from psp_dashboard.models.base import metadata
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
    "api_tokens",
    "audit_log",
    "metadata",
    "quarantine",
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
