"""The models are the migrated schema: Alembic's autogenerate, run against the test
database (migrated to head), finds nothing to change.

Left out of the comparison, each for a reason:
- the monthly partitions of `transactions`: the application creates them at run time
  (`partitions.py`), no migration does; the partitioned parent is compared.
- `ix_reconciliation_results_run_type`: reflection drops an index column's collation,
  so its `COLLATE "C"` (the listing's byte order) would always read as a difference;
  it is compared with every other index by its definition as PostgreSQL prints it.
What autogenerate does not compare is compared here by PostgreSQL's own definitions:
every index (columns, collations, order, predicate, uniqueness), primary key (name and
columns) and CHECK constraint. Triggers, functions and storage parameters (the daily
rollup's trigger of 0005, the fillfactors of 0006) are not modelled at all.
"""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, MetaData, String, inspect, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection
from sqlalchemy.schema import CreateIndex

from psp_dashboard.models import metadata
from psp_dashboard.runtime import Runtime

COLLATED_INDEXES = frozenset({"ix_reconciliation_results_run_type"})


def differences(conn: Connection, models: MetaData) -> list[Any]:
    partitions = set(
        conn.execute(text("SELECT relname FROM pg_class WHERE relispartition")).scalars()
    )

    def include(obj: Any, name: str | None, type_: str, reflected: bool, _: Any) -> bool:
        if type_ == "table" and reflected and name in partitions:
            return False
        return not (type_ == "index" and name in COLLATED_INDEXES)

    context = MigrationContext.configure(
        conn,
        opts={"compare_type": True, "compare_server_default": True, "include_object": include},
    )
    return list(compare_metadata(context, models))


def index_definitions(conn: Connection, models: MetaData) -> dict[str, tuple[str, str]]:
    """Each model index as PostgreSQL prints it (built under another name in a
    transaction that is rolled back) next to the migrated one: columns, collations,
    order, predicate and uniqueness, which autogenerate does not all compare."""
    stored = dict(
        conn.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
        ).all()
    )
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    out: dict[str, tuple[str, str]] = {}
    with conn.begin_nested() as probe:
        for table in models.tables.values():
            for index in table.indexes:
                name = str(index.name)
                ddl = str(CreateIndex(index).compile(dialect=dialect))
                conn.execute(text(ddl.replace(f" {name} ON ", " model_probe ON ", 1)))
                built = conn.execute(
                    text("SELECT pg_get_indexdef('model_probe'::regclass)")
                ).scalar_one()
                conn.execute(text("DROP INDEX model_probe"))
                out[name] = (
                    built.replace(" model_probe ON ", f" {name} ON ", 1),
                    stored.get(name, ""),
                )
        probe.rollback()
    return out


def constraint_definitions(conn: Connection, models: MetaData) -> dict[str, tuple[str, str]]:
    """Primary keys and CHECK constraints of the model next to the migrated ones; a
    model CHECK as PostgreSQL prints it (added NOT VALID, so no row is read, under
    another name in a transaction that is rolled back)."""
    reflected = inspect(conn)
    out: dict[str, tuple[str, str]] = {}
    with conn.begin_nested() as probe:
        for table in models.tables.values():
            pk = reflected.get_pk_constraint(table.name)
            out[f"{table.name} primary key"] = (
                f"{table.primary_key.name} {[c.name for c in table.primary_key.columns]}",
                f"{pk['name']} {pk['constrained_columns']}",
            )
            stored = dict(
                conn.execute(
                    text(
                        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE contype = 'c' AND conrelid = CAST(:t AS regclass)"
                    ),
                    {"t": table.name},
                ).all()
            )
            checks = [c for c in table.constraints if isinstance(c, CheckConstraint)]
            for name in set(stored) - {str(c.name) for c in checks}:
                out[name] = ("", stored[name])
            for check in checks:
                conn.execute(
                    text(
                        f"ALTER TABLE {table.name} ADD CONSTRAINT model_probe "
                        f"CHECK ({check.sqltext}) NOT VALID"
                    )
                )
                # The table's own: on a partitioned table (transactions) each partition
                # gets a copy of the probe under the same name.
                built = conn.execute(
                    text(
                        "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                        "WHERE conname = 'model_probe' AND conrelid = CAST(:t AS regclass)"
                    ),
                    {"t": table.name},
                ).scalar_one()
                conn.execute(text(f"ALTER TABLE {table.name} DROP CONSTRAINT model_probe"))
                out[str(check.name)] = (
                    built.removesuffix(" NOT VALID"),
                    stored.get(str(check.name), ""),
                )
        probe.rollback()
    return out


def mismatched(pairs: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    return {name: pair for name, pair in pairs.items() if pair[0] != pair[1]}


async def test_autogenerate_finds_no_difference(runtime: Runtime) -> None:
    async with runtime.engine.connect() as conn:
        found = await conn.run_sync(differences, metadata)
    assert found == []


async def test_every_index_is_defined_as_migrated(runtime: Runtime) -> None:
    async with runtime.engine.connect() as conn:
        found = await conn.run_sync(index_definitions, metadata)
    assert found
    assert mismatched(found) == {}


async def test_every_primary_key_and_check_is_defined_as_migrated(runtime: Runtime) -> None:
    async with runtime.engine.connect() as conn:
        found = await conn.run_sync(constraint_definitions, metadata)
    assert mismatched(found) == {}


def copy_of(models: MetaData) -> MetaData:
    copied = MetaData(naming_convention=models.naming_convention)
    for table in models.sorted_tables:
        table.to_metadata(copied)
    return copied


async def test_a_model_that_differs_is_found(runtime: Runtime) -> None:
    """No comparison is vacuous: a changed column, a missing index, a missing table, an
    index with another predicate, a renamed primary key and a changed CHECK each show
    up."""
    altered = copy_of(metadata)
    altered.tables["users"].c.email.type = String(200)
    runs = altered.tables["sync_runs"]
    runs.indexes.discard(next(iter(runs.indexes)))
    altered.remove(altered.tables["transaction_rollup_daily"])
    [utr] = [i for i in altered.tables["transactions"].indexes if i.name == "ix_transactions_utr"]
    utr.dialect_options["postgresql"]["where"] = text("utr IS NULL")
    altered.tables["audit_log"].primary_key.name = "pk_audit_log"
    users = altered.tables["users"]
    [role] = [c for c in users.constraints if isinstance(c, CheckConstraint)]
    role.sqltext = text("role IN ('admin', 'analyst')")
    async with runtime.engine.connect() as conn:
        found = await conn.run_sync(differences, altered)
        definitions = await conn.run_sync(index_definitions, altered)
        constraints = await conn.run_sync(constraint_definitions, altered)
    kinds = {d[0][0] if isinstance(d, list) else d[0] for d in found}
    assert kinds == {"modify_type", "remove_index", "remove_table"}, found
    assert list(mismatched(definitions)) == ["ix_transactions_utr"]
    assert sorted(mismatched(constraints)) == ["audit_log primary key", "ck_users_role"]
