"""Audit entries as people read them: what was done ("Changed a user's role") and to
what, by its own name (the transaction key, the e-mail, the token's name, the day).

Labels are worked out when entries are read, not stored: entries written before labels
existed read the same way, and a new wording applies to the whole trail. A target known
only by an id (a reconciliation result, a token) is looked up once per page.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.models.auth import api_tokens
from psp_dashboard.models.reconciliation import reconciliation_results
from psp_dashboard.sync.records import STREAM_LABELS

_ACTIONS = {
    "auth.login": "Signed in",
    "auth.logout": "Signed out",
    "user.create": "Created a user",
    "user.update": "Updated a user",
    "token.create": "Created an API token",
    "token.revoke": "Revoked an API token",
    "recon.run": "Ran a reconciliation",
    "recon.resolve": "Changed a discrepancy's resolution",
    "export.transactions": "Exported transactions",
    "export.reconciliation": "Exported a reconciliation",
    "export.audit": "Exported the audit log",
    "sync.trigger": "Started a sync",
    "sync.backfill": "Started a backfill",
    "recon.assign": "Assigned a discrepancy",
    "recon.comment": "Commented on a discrepancy",
    "recon.resolve_bulk": "Changed discrepancies' resolution",
    "alerts.acknowledge": "Acknowledged an alert",
    "payshack.client.project": "Changed a PayShack client's project",
    "payshack.reference.refresh": "Refreshed PayShack reference data",
    "alerts.rule.create": "Created an alert rule",
    "alerts.rule.update": "Changed an alert rule",
    "alerts.rule.delete": "Deleted an alert rule",
    "alerts.channel.create": "Added an alert channel",
    "alerts.channel.delete": "Removed an alert channel",
    "alerts.channel.test": "Tested an alert channel",
}
# Actions whose target is a reconciliation result's id: named by its transaction key.
_ON_A_RESULT = ("recon.resolve", "recon.assign", "recon.comment")
_FAILED = {
    "auth.login": "Refused a sign-in",
    "recon.run": "Reconciliation failed",
}
_RESOLUTIONS = {
    "resolved": "Resolved a discrepancy",
    "acknowledged": "Acknowledged a discrepancy",
    "open": "Reopened a discrepancy",
}
_BULK_RESOLUTIONS = {
    "resolved": "Resolved discrepancies",
    "acknowledged": "Acknowledged discrepancies",
    "open": "Reopened discrepancies",
}
_SOURCES = {**STREAM_LABELS, "all": "All sources"}


def _humanized(action: str) -> str:
    """An action without a wording of its own: `payment_link.create` → "Payment link
    create" (readable, and still telling which action it was)."""
    words = action.replace(".", " ").replace("_", " ").split()
    return " ".join(words).capitalize() if words else action


def _user_update(params: Mapping[str, Any]) -> str:
    if params.get("demo_reset"):
        return "Reset a demo user"
    if "role" in params:
        return "Changed a user's role"
    if params.get("is_active") is False:
        return "Disabled a user"
    if params.get("is_active") is True:
        return "Enabled a user"
    if params.get("password_reset"):
        return "Reset a user's password"
    return _ACTIONS["user.update"]


def action_label(action: str, outcome: str, params: Mapping[str, Any]) -> str:
    if outcome == "failure" and action in _FAILED:
        return _FAILED[action]
    if action == "user.update":
        return _user_update(params)
    if action == "recon.resolve":
        return _RESOLUTIONS.get(str(params.get("resolution")), _ACTIONS[action])
    if action == "recon.resolve_bulk":
        return _BULK_RESOLUTIONS.get(str(params.get("resolution")), _ACTIONS[action])
    if action == "recon.assign" and "owner_id" in params and params["owner_id"] is None:
        return "Unassigned a discrepancy"
    label = _ACTIONS.get(action) or _humanized(action)
    return label if outcome in ("success", "") else f"{label} ({outcome})"


def _as_uuid(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None


class TargetNames:
    """Names of the targets known by an id, for one page of entries."""

    def __init__(self, results: Mapping[str, str], tokens: Mapping[str, str]) -> None:
        self.results = results
        self.tokens = tokens

    @classmethod
    async def load(cls, conn: AsyncConnection, entries: Sequence[Any]) -> TargetNames:
        result_ids = {
            found
            for e in entries
            if e["action"] in _ON_A_RESULT and (found := _as_uuid(e["target"])) is not None
        }
        token_ids = {
            found
            for e in entries
            if e["action"].startswith("token.")
            and not (e["params"] or {}).get("name")
            and (found := _as_uuid(e["target"])) is not None
        }
        results: dict[str, str] = {}
        if result_ids:
            rows = await conn.execute(
                select(
                    reconciliation_results.c.id,
                    reconciliation_results.c.client_operation_id,
                    reconciliation_results.c.recon_date,
                ).where(reconciliation_results.c.id.in_(result_ids))
            )
            for row in rows:
                key = row.client_operation_id or "(no key)"
                results[str(row.id)] = f"{key} ({row.recon_date.isoformat()})"
        tokens: dict[str, str] = {}
        if token_ids:
            rows = await conn.execute(
                select(api_tokens.c.id, api_tokens.c.name).where(api_tokens.c.id.in_(token_ids))
            )
            tokens = {str(row.id): str(row.name) for row in rows}
        return cls(results, tokens)


def _export_label(params: Mapping[str, Any]) -> str | None:
    rows = params.get("rows")
    first, last = params.get("from_date"), params.get("to_date")
    parts = []
    if first or last:
        parts.append(f"{first or 'start'} to {last or 'today'}")
    if params.get("source"):
        parts.append(_SOURCES.get(str(params["source"]), str(params["source"])))
    if isinstance(rows, int):
        parts.append(f"{rows:,} rows")
    return ", ".join(parts) or None


def target_label(entry: Mapping[str, Any], names: TargetNames) -> str | None:
    """The target's own name; the stored target when nothing better is known."""
    action = str(entry["action"])
    target: str | None = None if entry["target"] is None else str(entry["target"])
    params: Mapping[str, Any] = entry["params"] or {}
    if action in _ON_A_RESULT and target:
        return names.results.get(target, target)
    if action.startswith("token.") and target:
        return str(params.get("name") or names.tokens.get(target) or target)
    if action.startswith("alerts.") and (params.get("name") or params.get("title")):
        return str(params.get("name") or params.get("title"))  # a rule, channel or alert
    if action == "sync.trigger" and target:
        return _SOURCES.get(target, target)
    if action == "sync.backfill":
        source = _SOURCES.get(target or "", target or "")
        first, last = params.get("from_date"), params.get("to_date")
        return f"{source}, {first} to {last}" if first and last else source or None
    if action == "export.reconciliation" and target:
        kind = params.get("type")
        return f"{target} ({kind})" if kind else target
    if action in ("export.transactions", "export.audit"):
        return _export_label(params)
    if action == "auth.login" and target is None and entry.get("ip"):
        return f"address {entry['ip']}"  # a refused address, whatever e-mails it tried
    return target
