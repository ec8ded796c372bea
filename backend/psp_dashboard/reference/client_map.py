"""The PayShack client → project map: admin rows (`client_project_map`) over the
PAYSHACK_CLIENT_PROJECTS default, and re-labelling stored rows when it changes.

Names match as `normalize.project_for` matches them: exactly, then with spaces collapsed
and case folded. An admin row replaces every default entry that folds to its name, so
the admin's project wins for each spelling of that client.

A sync reads the map once per run (`use_client_projects`), not per row. An admin change
re-labels the client's stored rows in one transaction, moving the 30-minute rollup by
the difference exactly as the ingestion upsert does (the daily rollup follows through its
trigger) and re-linking the payments whose project entered or left the reconciled ones.
A sync that ran with the old map while the admin changed it re-applies the new one when
it ends (`reapply_client_projects`), so no row keeps a stale project.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from psp_dashboard.config import Settings
from psp_dashboard.models.reference import client_project_map
from psp_dashboard.models.rollup import bucket_sql
from psp_dashboard.payments.links import LinkRule, lock_keys, relink
from psp_dashboard.sync.connectors.payshack.normalize import project_for

if TYPE_CHECKING:
    from psp_dashboard.runtime import Runtime

log = logging.getLogger(__name__)

ProjectSource = Literal["admin", "env", "none"]
PROJECT_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,99}$"


def fold(name: str) -> str:
    """A client name as the map compares it: spaces collapsed, case folded (ASCII names
    fold the same in Python and in SQL's lower())."""
    return " ".join(name.split()).lower()


# The same in SQL, on `transactions.merchant_id` (where a pay-in's clientName is kept).
_FOLD_SQL = r"lower(regexp_replace(btrim(t.merchant_id), '\s+', ' ', 'g'))"


def effective_map(env: Mapping[str, str], admin: Mapping[str, str]) -> dict[str, str]:
    """What normalization uses: the env default without the entries an admin row
    replaces (same folded name), then the admin rows."""
    replaced = {fold(name) for name in admin}
    merged = {name: project for name, project in env.items() if fold(name) not in replaced}
    merged.update(admin)
    return merged


def resolve(
    name: str, env: Mapping[str, str], admin: Mapping[str, str]
) -> tuple[str | None, ProjectSource]:
    """A client's project and where it comes from."""
    project = project_for(name, admin)
    if project is not None:
        return project, "admin"
    project = project_for(name, env)
    return (project, "env") if project is not None else (None, "none")


async def admin_map(conn: AsyncConnection) -> dict[str, str]:
    rows = await conn.execute(
        select(client_project_map.c.client_key, client_project_map.c.project).order_by(
            client_project_map.c.client_key
        )
    )
    return {key: project for key, project in rows}


async def load_client_projects(engine: AsyncEngine, settings: Settings) -> dict[str, str]:
    async with engine.connect() as conn:
        return effective_map(settings.payshack_client_projects, await admin_map(conn))


def _group(folded: str, mapping: Mapping[str, str]) -> tuple[list[str], list[str], str | None]:
    """The entries of one folded name: exact spellings and the fallback `project_for`
    gives any other spelling (the first entry's project), as SQL parameters."""
    names = [name for name in mapping if fold(name) == folded]
    projects = [mapping[name] for name in names]
    return names, projects, (projects[0] if projects else None)


_ROWS_CTE = f"""
WITH old AS (
    SELECT t.id, t.created_at, t.source, t.project, t.status, t.original_status,
           t.payment_method, t.merchant_id, t.currency, t.amount,
           COALESCE(t.fee, 0) AS fee, (t.counterpart_of IS NOT NULL)::int AS linked,
           t.direction, t.order_id,
           COALESCE((SELECT m.project
                     FROM unnest(CAST(:names AS text[]), CAST(:projects AS text[]))
                          AS m(name, project)
                     WHERE m.name = t.merchant_id),
                    CAST(:fallback AS text)) AS new_project
    FROM transactions t
    WHERE t.source = 'payshack' AND t.merchant_id IS NOT NULL AND {_FOLD_SQL} = :folded
),
moved AS (SELECT * FROM old WHERE project IS DISTINCT FROM new_project)
"""

_KEYS_SQL = (
    _ROWS_CTE
    + """
SELECT DISTINCT order_id FROM moved
WHERE direction = 'payin' AND order_id IS NOT NULL
  AND (project = ANY(CAST(:linked_projects AS text[]))
       OR new_project = ANY(CAST(:linked_projects AS text[])))
"""
)

_DIMS = "source, project, status, original_status, payment_method, merchant_id, currency"

_RELABEL_SQL = (
    _ROWS_CTE
    + f""",
up AS (
    UPDATE transactions t SET project = m.new_project
    FROM moved m
    WHERE t.id = m.id AND t.created_at = m.created_at
      AND t.project IS NOT DISTINCT FROM m.project
    RETURNING t.created_at, t.source, t.project AS new_project, m.project AS old_project,
              t.status, t.original_status, t.payment_method, t.merchant_id, t.currency,
              t.amount, COALESCE(t.fee, 0) AS fee,
              (t.counterpart_of IS NOT NULL)::int AS linked, t.direction
),
-- The rollups sum pay-ins only; the row's measures move from its old project to its new.
delta AS (
    SELECT created_at, source, COALESCE(new_project, '') AS project, status,
           COALESCE(original_status, '') AS original_status,
           COALESCE(payment_method, '') AS payment_method,
           COALESCE(merchant_id, '') AS merchant_id, currency,
           1 AS n, amount, fee, linked
    FROM up WHERE direction = 'payin'
    UNION ALL
    SELECT created_at, source, COALESCE(old_project, ''), status,
           COALESCE(original_status, ''), COALESCE(payment_method, ''),
           COALESCE(merchant_id, ''), currency, -1, -amount, -fee, linked
    FROM up WHERE direction = 'payin'
),
agg AS (
    SELECT {bucket_sql("created_at")} AS bucket, {_DIMS},
           SUM(n) AS count, SUM(amount) AS amount, SUM(fee) AS fee,
           SUM(n * linked) AS counterpart_count, SUM(amount * linked) AS counterpart_amount
    FROM delta
    GROUP BY 1, {_DIMS}
    -- The upsert's lock order: concurrent writers cannot deadlock on the rollup.
    ORDER BY 1, {_DIMS}
),
rolled AS (
    INSERT INTO transaction_rollup (bucket, {_DIMS}, count, amount, fee,
                                    counterpart_count, counterpart_amount)
    SELECT bucket, {_DIMS}, count, amount, fee, counterpart_count, counterpart_amount
    FROM agg
    ON CONFLICT ON CONSTRAINT pk_transaction_rollup DO UPDATE SET
        count = transaction_rollup.count + EXCLUDED.count,
        amount = transaction_rollup.amount + EXCLUDED.amount,
        fee = transaction_rollup.fee + EXCLUDED.fee,
        counterpart_count = transaction_rollup.counterpart_count
                            + EXCLUDED.counterpart_count,
        counterpart_amount = transaction_rollup.counterpart_amount
                             + EXCLUDED.counterpart_amount
    RETURNING bucket
)
SELECT (SELECT COUNT(*) FROM up) AS relabelled,
       (SELECT COUNT(DISTINCT (bucket AT TIME ZONE 'UTC')::date) FROM rolled) AS days
"""
)


@dataclass(frozen=True, slots=True)
class Relabelled:
    rows: int = 0
    days: int = 0  # UTC days whose rollups moved
    relinked: int = 0

    def plus(self, other: Relabelled) -> Relabelled:
        return Relabelled(
            self.rows + other.rows, self.days + other.days, self.relinked + other.relinked
        )

    def as_dict(self) -> dict[str, int]:
        return {"rows": self.rows, "days": self.days, "relinked": self.relinked}


async def relabel(
    conn: AsyncConnection, folded: str, mapping: Mapping[str, str], rule: LinkRule
) -> Relabelled:
    """Give the stored PayShack rows of one client (by folded name) the project
    `mapping` gives them, in the caller's transaction."""
    names, projects, fallback = _group(folded, mapping)
    params: dict[str, Any] = {
        "folded": folded,
        "names": names,
        "projects": projects,
        "fallback": fallback,
    }
    linked_projects = list(rule.projects)
    keys = [k for (k,) in await conn.execute(
        text(_KEYS_SQL), {**params, "linked_projects": linked_projects}
    )]  # fmt: skip
    # Before any write, in the links' one sorted order (payments/links.py).
    await lock_keys(conn, keys)
    rows, days = (await conn.execute(text(_RELABEL_SQL), params)).one()
    relinked = await relink(conn, keys, rule) if keys else 0
    return Relabelled(int(rows), int(days), relinked)


def changed_names(before: Mapping[str, str], after: Mapping[str, str]) -> set[str]:
    """Folded names whose entries differ between two effective maps."""
    return {fold(name) for name in {*before, *after} if before.get(name) != after.get(name)}


async def relabel_changed(
    engine: AsyncEngine, settings: Settings, before: Mapping[str, str]
) -> Relabelled:
    """Re-label every client whose project differs between `before` and the map now."""
    total = Relabelled()
    async with engine.connect() as conn:
        after = effective_map(settings.payshack_client_projects, await admin_map(conn))
    rule = LinkRule.from_settings(settings)
    for folded in sorted(changed_names(before, after)):
        for attempt in (1, 2):
            try:
                async with engine.begin() as conn:
                    total = total.plus(await relabel(conn, folded, after, rule))
                break
            except DBAPIError as exc:  # a deadlock victim against a sync batch: once more
                if attempt == 2 or "deadlock" not in str(exc).lower():
                    raise
    return total


async def use_client_projects(runtime: Runtime, connector: Any) -> dict[str, str] | None:
    """Give a PayShack connector the map for this run (read once); returns it, to
    compare when the run ends. Other connectors: None, untouched."""
    if getattr(connector, "source", None) != "payshack" or not hasattr(
        connector, "client_projects"
    ):
        return None
    mapping = await load_client_projects(runtime.engine, runtime.settings)
    connector.client_projects = mapping
    return mapping


async def reapply_client_projects(runtime: Runtime, used: Mapping[str, str] | None) -> None:
    """After a run that used `used`: re-label the clients an admin re-mapped meanwhile."""
    if used is None:
        return
    try:
        moved = await relabel_changed(runtime.engine, runtime.settings, used)
    except Exception:  # the run's own result stands; it is logged for a person to act on
        log.exception("could not re-apply the client → project map after a sync")
        return
    if moved.rows:
        await runtime.cache.invalidate_metrics()
        log.info("client map re-applied after a sync", extra=moved.as_dict())
