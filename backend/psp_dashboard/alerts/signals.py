"""The cheap reads behind each rule kind: 30-minute rollup buckets, sync runs and state,
reconciliation runs and their summary. Never `transactions`.

"The last N minutes" is the buckets overlapping [now − N min, now]: from the bucket
holding now − N up to the current (partial) one, so a window covers N to N + 30 minutes.
Each function returns one `Observation` per subject it looked at; a subject is a
(source, project) pair for traffic kinds, a source for sync kinds, "recon" for
reconciliation kinds.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from psp_dashboard.config import Settings
from psp_dashboard.models.rollup import BUCKET, bucket_start
from psp_dashboard.reconciliation.service import build_summary
from psp_dashboard.sync.records import STREAM_LABELS

WEEKS = 4
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class RuleView:
    """What a signal needs of a rule."""

    id: uuid.UUID
    kind: str
    scope_type: str
    scope_value: str | None
    params: dict[str, Any]


@dataclass(frozen=True)
class Observation:
    subject: str
    firing: bool
    title: str
    message: str
    value: Decimal | None = None
    threshold: Decimal | None = None
    source: str | None = None
    project: str | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


def _pct(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1'))}"


def _scope_sql(rule: RuleView) -> tuple[str, dict[str, Any]]:
    if rule.scope_type == "source":
        return " AND source = :scope", {"scope": rule.scope_value}
    if rule.scope_type == "project":
        return " AND project = :scope", {"scope": rule.scope_value}
    return "", {}


def _weeks_back(start: datetime, end: datetime) -> tuple[str, dict[str, Any]]:
    """SQL matching buckets in [start, end) of each of the last WEEKS weeks."""
    parts, params = [], {}
    for w in range(1, WEEKS + 1):
        parts.append(f"(bucket >= :wb{w} AND bucket < :we{w})")
        params[f"wb{w}"] = start - timedelta(weeks=w)
        params[f"we{w}"] = end - timedelta(weeks=w)
    return "(" + " OR ".join(parts) + ")", params


def _transactions_link(
    start: datetime, end: datetime, source: str, project: str, status: str | None = None
) -> dict[str, Any]:
    link: dict[str, Any] = {"from": start, "to": end, "source": source, "project": project}
    if status is not None:
        link["status"] = status
    return link


def _subject(source: str, project: str) -> str:
    return f"{source}/{project}"


async def success_rate_low(
    conn: AsyncConnection, rule: RuleView, now: datetime
) -> list[Observation]:
    p = rule.params
    threshold, window, min_volume = (
        Decimal(p["threshold_pct"]),
        p["window_minutes"],
        p["min_volume"],
    )
    start = bucket_start(now - timedelta(minutes=window))
    scope, params = _scope_sql(rule)
    rows = await conn.execute(
        text(
            "SELECT source, project, "
            "coalesce(sum(count) FILTER (WHERE status = 'success'), 0) AS ok, "
            "coalesce(sum(count) FILTER (WHERE status IN ('success', 'failed')), 0) AS final "
            "FROM transaction_rollup WHERE bucket >= :start AND bucket <= :now "
            f"AND project <> ''{scope} GROUP BY source, project"
        ),
        {"start": start, "now": now, **params},
    )
    out = []
    for r in rows:
        final, ok = int(r.final), int(r.ok)
        if final == 0:
            continue
        rate = Decimal(ok) * 100 / Decimal(final)
        firing = final >= min_volume and rate < threshold
        title = f"Success rate {_pct(rate)} % < {threshold} % — {r.project} ({r.source})"
        if not firing:
            title = f"Success rate {_pct(rate)} % — {r.project} ({r.source})"
        out.append(
            Observation(
                _subject(r.source, r.project),
                firing,
                title,
                f"{ok} of {final} final pay-ins succeeded since {start:%Y-%m-%d %H:%M} UTC "
                f"(threshold {threshold} %, minimum volume {min_volume}).",
                rate.quantize(Decimal("0.0001")),
                threshold,
                r.source,
                r.project,
                {"transactions": _transactions_link(start, now, r.source, r.project, "failed")},
            )
        )
    return out


async def traffic_stopped(
    conn: AsyncConnection, rule: RuleView, now: datetime
) -> list[Observation]:
    p = rule.params
    quiet, min_usual = p["quiet_minutes"], Decimal(p["min_usual_per_hour"])
    current = bucket_start(now)
    weeks, wparams = _weeks_back(current - HOUR, current)
    quiet_from = bucket_start(now - timedelta(minutes=quiet))
    scope, sparams = _scope_sql(rule)
    rows = await conn.execute(
        text(
            "WITH usual AS (SELECT source, project, sum(count) AS n FROM transaction_rollup "
            f"WHERE {weeks} AND project <> ''{scope} GROUP BY source, project), "
            "recent AS (SELECT source, project, sum(count) AS n FROM transaction_rollup "
            f"WHERE bucket >= :quiet_from AND bucket <= :now AND project <> ''{scope} "
            "GROUP BY source, project) "
            "SELECT u.source, u.project, u.n AS usual, coalesce(r.n, 0) AS recent "
            "FROM usual u LEFT JOIN recent r USING (source, project)"
        ),
        {**wparams, **sparams, "quiet_from": quiet_from, "now": now},
    )
    out = []
    for r in rows:
        usual = Decimal(int(r.usual)) / WEEKS
        recent = int(r.recent)
        firing = recent == 0 and usual >= min_usual and usual > 0
        title = (
            f"No pay-ins for {quiet} min — {r.project} ({r.source})"
            if firing
            else f"Pay-ins flowing — {r.project} ({r.source})"
        )
        out.append(
            Observation(
                _subject(r.source, r.project),
                firing,
                title,
                f"{recent} pay-ins since {quiet_from:%Y-%m-%d %H:%M} UTC; usually "
                f"{usual} an hour at this weekday-hour (average of the last {WEEKS} weeks).",
                Decimal(recent),
                usual,
                r.source,
                r.project,
                {"transactions": _transactions_link(quiet_from, now, r.source, r.project)},
            )
        )
    return out


async def failures_spike(conn: AsyncConnection, rule: RuleView, now: datetime) -> list[Observation]:
    p = rule.params
    factor, min_failed = Decimal(p["factor"]), p["min_failed"]
    start, end = bucket_start(now) - HOUR, bucket_start(now) + BUCKET
    weeks, wparams = _weeks_back(start, end)
    scope, sparams = _scope_sql(rule)
    rows = await conn.execute(
        text(
            "SELECT source, project, "
            "coalesce(sum(count) FILTER (WHERE bucket >= :start AND bucket <= :now), 0) AS now_n, "
            f"coalesce(sum(count) FILTER (WHERE {weeks}), 0) AS past_n "
            f"FROM transaction_rollup WHERE status = 'failed' AND project <> ''{scope} "
            f"AND ((bucket >= :start AND bucket <= :now) OR {weeks}) GROUP BY source, project"
        ),
        {**wparams, **sparams, "start": start, "now": now},
    )
    out = []
    for r in rows:
        failed, average = int(r.now_n), Decimal(int(r.past_n)) / WEEKS
        limit = factor * average
        firing = failed >= min_failed and failed > limit
        title = (
            f"Failed pay-ins {failed} > {factor}× usual {average} — {r.project} ({r.source})"
            if firing
            else f"Failed pay-ins {failed} — {r.project} ({r.source})"
        )
        out.append(
            Observation(
                _subject(r.source, r.project),
                firing,
                title,
                f"{failed} failed pay-ins since {start:%Y-%m-%d %H:%M} UTC; the same span "
                f"averaged {average} over the last {WEEKS} weeks (limit {factor}×, at least "
                f"{min_failed}).",
                Decimal(failed),
                limit,
                r.source,
                r.project,
                {"transactions": _transactions_link(start, now, r.source, r.project, "failed")},
            )
        )
    return out


_LATEST_RUNS = text(
    "SELECT DISTINCT ON (r.source) r.id, r.source, r.status, r.error, r.finished_at, "
    "s.last_successful_sync FROM sync_runs r LEFT JOIN sync_state s ON s.source = r.source "
    "WHERE r.finished_at IS NOT NULL "
    "ORDER BY r.source, r.started_at DESC"
)


async def _latest_runs(conn: AsyncConnection, rule: RuleView, now: datetime) -> list[Any]:
    # Run records are on the real clock, whatever `now` the evaluation is asked for.
    rows = list((await conn.execute(_LATEST_RUNS)).all())
    if rule.scope_type == "source":
        rows = [r for r in rows if r.source == rule.scope_value]
    return rows


def _label(source: str) -> str:
    return STREAM_LABELS.get(source, source)


async def sync_unhealthy(conn: AsyncConnection, rule: RuleView, now: datetime) -> list[Observation]:
    lag = timedelta(minutes=rule.params["lag_minutes"])
    out = []
    for r in await _latest_runs(conn, rule, now):
        last_ok: datetime | None = r.last_successful_sync
        lag_now = None if last_ok is None else now - last_ok
        lagging = lag_now is not None and lag_now > lag
        bad = r.status in ("failed", "incomplete")
        minutes = None if lag_now is None else Decimal(int(lag_now.total_seconds() // 60))
        if bad:
            title = f"{_label(r.source)} sync {r.status}"
            message = f"The latest {r.source} sync run ended {r.status}: {_short(r.error)}"
        elif lagging:
            title = f"{_label(r.source)} sync lagging {minutes} min"
            message = f"No successful {r.source} sync for {minutes} minutes (limit {lag})."
        else:
            title = f"{_label(r.source)} sync healthy"
            message = f"The latest {r.source} sync run ended {r.status}."
        out.append(
            Observation(
                r.source,
                bad or lagging,
                title,
                message,
                minutes,
                Decimal(rule.params["lag_minutes"]),
                r.source,
                None,
                {"sync_run_id": str(r.id), "source": r.source},
            )
        )
    return out


# How the browser reader words the problems an operator must act on (browser_errors.py).
_BROWSER_PROBLEMS = (
    ("login rejected", re.compile(r"rejected the dashboard login")),
    ("login form not found", re.compile(r"login form not found")),
    ("layout changed", re.compile(r"table is missing the required column")),
)
_SCREENSHOT = re.compile(r"screenshot: (?P<path>[^,)]+\.png)")


def browser_problem(error: str | None) -> str | None:
    """ "login rejected" / "layout changed" / … when a run's error is one of them."""
    for name, pattern in _BROWSER_PROBLEMS:
        if error and pattern.search(error):
            return name
    return None


def screenshot_path(error: str | None) -> str | None:
    found = _SCREENSHOT.search(error or "")
    return found.group("path").strip() if found else None


async def browser_source_problem(
    conn: AsyncConnection, rule: RuleView, now: datetime
) -> list[Observation]:
    out = []
    for r in await _latest_runs(conn, rule, now):
        if r.source != "payshack":
            continue
        problem = browser_problem(r.error)
        title = f"PayShack browser reader: {problem}" if problem else "PayShack reader healthy"
        out.append(
            Observation(
                r.source,
                problem is not None,
                title,
                _short(r.error) if problem else f"The latest PayShack run ended {r.status}.",
                source=r.source,
                evidence={
                    "sync_run_id": str(r.id),
                    "source": r.source,
                    "screenshot": screenshot_path(r.error) if problem else None,
                },
            )
        )
    return out


def _short(error: str | None, limit: int = 500) -> str:
    return (error or "no error recorded")[:limit]


def recon_day(settings: Settings, now: datetime) -> date:
    """The day the daily run reconciles: yesterday in RECON_TIMEZONE."""
    return now.astimezone(ZoneInfo(settings.recon_timezone)).date() - timedelta(days=1)


async def recon_money_at_risk(
    conn: AsyncConnection, rule: RuleView, now: datetime, settings: Settings
) -> list[Observation]:
    day = recon_day(settings, now)
    summary = await build_summary(conn, day)
    if not summary["reconciled"]:
        return []
    total = Decimal(summary["money_at_risk"]["total"])
    limit = Decimal(rule.params["amount"])
    firing = total > limit
    return [
        Observation(
            "recon",
            firing,
            f"Money at risk ₹{total} > ₹{limit} — {day}"
            if firing
            else f"Money at risk ₹{total} — {day}",
            f"Reconciliation of {day}: ₹{total} at risk in unresolved rows (limit ₹{limit}).",
            total,
            limit,
            evidence={"recon_date": day.isoformat()},
        )
    ]


def _discrepancy_rate(summary: dict[str, Any]) -> Decimal:
    total = int(summary["total_transactions"])
    if total == 0:
        return Decimal(0)
    rows = int(summary["discrepancies"]["count"]) + int(summary["missing"]["count"])
    return Decimal(rows) * 100 / Decimal(total)


async def recon_discrepancy_jump(
    conn: AsyncConnection, rule: RuleView, now: datetime, settings: Settings
) -> list[Observation]:
    day = recon_day(settings, now)
    today, before = (
        await build_summary(conn, day),
        await build_summary(conn, day - timedelta(days=1)),
    )
    if not (today["reconciled"] and before["reconciled"]):
        return []
    rate, previous = _discrepancy_rate(today), _discrepancy_rate(before)
    points = Decimal(rule.params["points"])
    jump = rate - previous
    firing = jump > points
    return [
        Observation(
            "recon",
            firing,
            f"Discrepancy rate {_pct(rate)} % (+{_pct(jump)} pts) — {day}"
            if firing
            else f"Discrepancy rate {_pct(rate)} % — {day}",
            f"Reconciliation of {day}: {_pct(rate)} % of rows unmatched against "
            f"{_pct(previous)} % the day before (limit +{points} points).",
            jump.quantize(Decimal("0.0001")),
            points,
            evidence={"recon_date": day.isoformat()},
        )
    ]


async def recon_not_reconciled(
    conn: AsyncConnection, rule: RuleView, now: datetime, settings: Settings
) -> list[Observation]:
    tz = ZoneInfo(settings.recon_timezone)
    local = now.astimezone(tz)
    day = recon_day(settings, now)
    by_hour = rule.params["by_hour"]
    done = (
        await conn.execute(
            text(
                "SELECT 1 FROM reconciliation_runs WHERE recon_date = :d AND is_current "
                "AND status = 'completed'"
            ),
            {"d": day},
        )
    ).first() is not None
    late = local.hour >= by_hour
    firing = late and not done
    return [
        Observation(
            "recon",
            firing,
            f"{day} not reconciled by {by_hour:02d}:00" if firing else f"{day} reconciliation",
            f"No completed reconciliation run of {day} by {by_hour:02d}:00 "
            f"{settings.recon_timezone}."
            if firing
            else f"{day}: {'reconciled' if done else 'not due yet'}.",
            evidence={"recon_date": day.isoformat()},
        )
    ]


async def observe(
    conn: AsyncConnection, rule: RuleView, now: datetime, settings: Settings
) -> list[Observation]:
    """Every subject's observation for one rule at `now`."""
    now = now.astimezone(UTC)
    kind = rule.kind
    if kind == "success_rate_low":
        return await success_rate_low(conn, rule, now)
    if kind == "traffic_stopped":
        return await traffic_stopped(conn, rule, now)
    if kind == "failures_spike":
        return await failures_spike(conn, rule, now)
    if kind == "sync_unhealthy":
        return await sync_unhealthy(conn, rule, now)
    if kind == "browser_source_problem":
        return await browser_source_problem(conn, rule, now)
    if kind == "recon_money_at_risk":
        return await recon_money_at_risk(conn, rule, now, settings)
    if kind == "recon_discrepancy_jump":
        return await recon_discrepancy_jump(conn, rule, now, settings)
    if kind == "recon_not_reconciled":
        return await recon_not_reconciled(conn, rule, now, settings)
    return []
