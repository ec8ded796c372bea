"""The browser transport built by the factory and run through the one sync pipeline:
real sandbox over HTTP, real Chromium, real PostgreSQL and Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import text

from psp_dashboard.cache import PAYSHACK_SESSION_KEY
from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox import truth
from psp_dashboard.sandbox.config import SandboxConfig, WorldConfig
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sync.connectors.payshack.browser import PayShackBrowserTransport
from psp_dashboard.sync.pipeline import run_sync
from psp_dashboard.sync.sources import SourceEndpoints, build_connector
from tests.connectors.test_payshack_browser import (
    COMMON,
    TIMES,
    api,
    assert_matches_truth,
    collect,
    comparable,
    no_chromium_left,  # noqa: F401 - autouse fixture: no Chromium outlives a test here either
    split,
)

# Every compared field but `unknown_status`, which is not a column (it is counted per run).
STORED = tuple(f for f in (*COMMON, *TIMES) if f != "unknown_status")


@pytest.fixture
def sb() -> Iterator[SandboxHandle]:
    world = WorldConfig(days=1, per_day=400, bad_record_rate=0.02, unknown_status_rate=0.02)
    with sandbox_thread(SandboxConfig(world=world)) as handle:
        yield handle


def connector(runtime: Runtime, sb: SandboxHandle, tmp_path: Path) -> PayShackBrowserTransport:
    settings = runtime.settings.model_copy(
        update={
            "payshack_page_pause_ms": 0,
            "payshack_payin_path": sb.sandbox.payin_path,
            "payshack_diagnostics_dir": tmp_path,
        }
    )
    endpoints = SourceEndpoints(
        payshack_base_url=sb.payshack_base_url,
        payshack_email=SecretStr(sb.credentials.payshack_email),
        payshack_password=SecretStr(sb.credentials.payshack_pass),
    )
    built = build_connector("payshack", settings, endpoints, runtime.cache, transport="browser")
    assert isinstance(built, PayShackBrowserTransport)
    return built


class Stored:
    """A transactions row, comparable with a NormalizedTransaction (`comparable`)."""

    def __init__(self, row: Any) -> None:
        for name in STORED:
            setattr(self, name, getattr(row, name))


async def stored_rows(runtime: Runtime) -> dict[str, Any]:
    async with runtime.engine.connect() as conn:
        result = await conn.execute(
            text(f"SELECT {', '.join(STORED)} FROM transactions WHERE source = 'payshack'")
        )
        return {row.source_id: Stored(row) for row in result}


async def test_a_browser_sync_stores_what_the_api_reads_and_keeps_its_login(
    clean_db: Runtime, sb: SandboxHandle, tmp_path: Path
) -> None:
    result = await run_sync(clean_db, connector(clean_db, sb, tmp_path))
    assert result.status == "success", result.error
    assert result.counts.quarantined == len(truth.bad_records(sb.world, "payshack"))
    assert result.counts.unknown_statuses > 0

    stored = await stored_rows(clean_db)
    assert_matches_truth(stored, sb)  # counts and Decimal sums per status, UTC times
    from_api, _ = split(api(sb), await collect(api(sb)))
    assert set(stored) == set(from_api)
    for source_id, txn in from_api.items():
        assert comparable(stored[source_id], STORED) == comparable(txn, STORED), source_id

    # The login is kept for the next run, encrypted: no cookie name or value readable.
    saved = await clean_db.cache.get_json(PAYSHACK_SESSION_KEY)
    assert isinstance(saved, str) and saved.startswith("gAAAAA") and "ps_session" not in saved

    sb.sandbox.auth.expire_all()  # the provider forgot every session before the next run
    again = connector(clean_db, sb, tmp_path)
    result = await run_sync(clean_db, again)
    assert result.status == "success", result.error
    assert again.last_walk is not None and again.last_walk.session.logins == 1
