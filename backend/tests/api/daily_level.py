"""Switch the daily rollup level (migration 0006) on and off in the test database.

While the migration waits in `migrations/pending/` the test database does not have it,
so the tests apply its statements themselves (and drop them again); once it is in
`versions/` the table is already there and only the read path's flag is switched.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

from sqlalchemy import text

from psp_dashboard.metrics import daily
from psp_dashboard.runtime import Runtime

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
NAME = "20261126_0006_api_indexes.py"


def migration() -> ModuleType:
    for folder in ("versions", "pending"):
        path = MIGRATIONS / folder / NAME
        if path.exists():
            spec = importlib.util.spec_from_file_location("api_indexes_0006", path)
            assert spec and spec.loader
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            return module
    raise FileNotFoundError(NAME)


async def exists(runtime: Runtime) -> bool:
    async with runtime.engine.connect() as conn:
        found = await conn.execute(text("SELECT to_regclass('transaction_rollup_daily')"))
        return found.scalar_one() is not None


async def switch_on(runtime: Runtime) -> bool:
    """Returns whether this call created the table (and so should drop it)."""
    created = False
    if not await exists(runtime):
        async with runtime.engine.begin() as conn:
            for statement in migration().DAILY_UP:
                await conn.execute(text(statement))
        created = True
    daily.set_available(runtime.extras, True)
    await runtime.cache.delete_pattern("metrics:*")
    return created


async def switch_off(runtime: Runtime, *, drop: bool) -> None:
    if drop:
        async with runtime.engine.begin() as conn:
            for statement in migration().DAILY_DOWN:
                await conn.execute(text(statement))
    daily.set_available(runtime.extras, False)
    await runtime.cache.delete_pattern("metrics:*")
