"""Vima's first sync (issue #20): one pass over the history, `VIMA_SYNC_START` in both
walks, Basic auth. Real pipeline, PostgreSQL and the sandbox over HTTP; the sandbox
counts the operations it served."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import text

from psp_dashboard.config import Settings
from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox import truth
from psp_dashboard.sandbox.config import Credentials, SandboxConfig
from psp_dashboard.sandbox.testing import SandboxHandle, sandbox_thread
from psp_dashboard.sandbox.timeline import ms_of
from psp_dashboard.sandbox.truth_records import TruthRecord
from psp_dashboard.sync.connectors.vima.client import VimaConnector
from psp_dashboard.sync.errors import UpstreamAuthError
from psp_dashboard.sync.pipeline import SyncResult
from psp_dashboard.sync.service import sync_source
from psp_dashboard.sync.sources import endpoints_from_settings
from tests.support.runtime import runtime_with
from tests.sync.conftest import SMALL_WORLD, assert_matches_truth

MAX_FETCHED_PER_STORED = 1.05


async def _stored(runtime: Runtime, since: datetime | None = None) -> tuple[int, datetime | None]:
    async with runtime.engine.connect() as conn:
        count, oldest = (
            await conn.execute(
                text(
                    "SELECT COUNT(*), MIN(created_at) FROM transactions "
                    "WHERE source = 'vima' AND (CAST(:since AS timestamptz) IS NULL "
                    "OR created_at >= :since)"
                ),
                {"since": since},
            )
        ).one()
    return int(count), oldest


async def _cursors(runtime: Runtime) -> dict[str, str]:
    async with runtime.engine.connect() as conn:
        checkpoint = (
            await conn.execute(text("SELECT checkpoint FROM sync_state WHERE source = 'vima'"))
        ).scalar_one()
    return {str(k): str(v) for k, v in (checkpoint or {}).items()}


def _served(sandbox: SandboxHandle) -> int:
    return sandbox.sandbox.vima_served.snapshot()["operations"]


async def _ok(runtime: Runtime) -> SyncResult:
    result = await sync_source(runtime, "vima")
    assert result.status == "success", result.error
    return result


async def test_first_sync_fetches_each_operation_about_once(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    sandbox.sandbox.vima_served.reset()
    result = await _ok(wired)
    stored, _ = await _stored(wired)
    fetched = _served(sandbox)
    assert stored > 1000
    assert stored <= fetched <= MAX_FETCHED_PER_STORED * stored, (fetched, stored)
    async with httpx.AsyncClient(base_url=sandbox.vima_origin) as http:
        answer = (await http.get("/_sandbox/vima/served")).json()
    assert answer["operations"] == fetched and answer["requests"] > stored // 100
    assert result.counts.fetched <= MAX_FETCHED_PER_STORED * stored
    await assert_matches_truth(wired, sandbox, "vima")
    cursors = await _cursors(wired)
    assert cursors["last_create_cursor"] and cursors["last_update_cursor"]
    again = await _ok(wired)  # incremental runs behave as before: nothing new, nothing read
    assert (again.counts.fetched, again.counts.changed) == (0, 0)


async def test_changes_during_a_first_sync_split_over_runs_are_not_lost(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    """A first sync stopped by the page budget (as a crash between batches would stop
    it) resumes its walk, while operations keep arriving and settling in between."""
    sandbox.sandbox.vima_served.reset()
    changes = inserted = runs = 0
    with runtime_with(wired, settings={"vima_max_pages_per_run": 4, "sync_batch_rows": 150}):
        while "last_create_cursor" not in await _cursors(wired):
            assert runs < 40, "the first sync never finished"
            if runs:
                advanced = sandbox.world.advance(new=15, settle=10)
                changes += len(advanced.created) + len(advanced.settled)
            result = await _ok(wired)
            inserted += result.counts.inserted
            runs += 1
        assert runs >= 3
        sandbox.world.advance(new=20, settle=20)
        while (result := await _ok(wired)).counts.fetched:
            inserted += result.counts.inserted
    await assert_matches_truth(wired, sandbox, "vima")
    stored, _ = await _stored(wired)
    assert inserted == stored  # each operation inserted once: no double counting
    # The resumed walk never starts over: the history once, plus what changed meanwhile.
    assert stored <= _served(sandbox) <= MAX_FETCHED_PER_STORED * stored + 2 * (changes + 40)


async def test_sync_start_stores_nothing_earlier_in_either_walk(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    start = SMALL_WORLD.start + timedelta(days=1)
    start_at = datetime.combine(start, datetime.min.time(), UTC)
    with runtime_with(wired, settings={"vima_sync_start": start}):
        await _ok(wired)
        count, oldest = await _stored(wired)
        assert oldest is not None and oldest >= start_at
        expected = [
            r
            for r in truth.vima_records(sandbox.world, from_ms=ms_of(start_at))
            if isinstance(r, TruthRecord)
        ]
        assert count == len(expected)
        # Old pendings settle now: the update walk sees them change, and must not store them.
        settled = sandbox.world.advance(settle=300).settled
        early = [e for e in settled if sandbox.world.vima_facts(e) is not None]
        assert any(
            sandbox.world.vima_facts(e).created_ms < ms_of(start_at)  # type: ignore[union-attr]
            for e in early
        ), "the world must change operations created before the start"
        await _ok(wired)
        count, oldest = await _stored(wired)
    assert oldest is not None and oldest >= start_at
    assert count == len(expected)
    total, _ = await _stored(wired, since=start_at)
    assert total == count


@pytest.fixture
def basic_only() -> Iterator[SandboxHandle]:
    config = SandboxConfig(world=SMALL_WORLD, credentials=Credentials(vima_auth_methods=("basic",)))
    with sandbox_thread(config) as handle:
        yield handle


def _basic_settings(handle: SandboxHandle, password: str) -> Settings:
    creds = handle.credentials
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        vima_base_url=handle.vima_base_url,
        vima_auth="basic",
        vima_username=SecretStr(creds.vima_basic_user),
        vima_password=SecretStr(password),
    )


async def test_basic_auth_from_settings_syncs_the_sandbox(
    clean_db: Runtime, basic_only: SandboxHandle
) -> None:
    creds = basic_only.credentials
    endpoints = endpoints_from_settings(_basic_settings(basic_only, creds.vima_basic_pass))
    assert endpoints.configured("vima")
    with runtime_with(clean_db, endpoints=endpoints):
        await _ok(clean_db)
    await assert_matches_truth(clean_db, basic_only, "vima")
    # This sandbox refuses the API key: the run above authenticated with Basic auth.
    with pytest.raises(UpstreamAuthError):
        _ = [p async for p in VimaConnector(basic_only.vima_base_url, creds.vima_apikey).pages({})]


async def test_wrong_basic_password_fails_the_run_without_showing_it(
    clean_db: Runtime, basic_only: SandboxHandle
) -> None:
    wrong = "wrong-" + basic_only.credentials.vima_basic_pass
    endpoints = endpoints_from_settings(_basic_settings(basic_only, wrong))
    with runtime_with(clean_db, endpoints=endpoints):
        result = await sync_source(clean_db, "vima")
    assert result.status == "failed"
    assert result.error is not None and "UPSTREAM_ERROR" in result.error
    assert wrong not in result.error and basic_only.credentials.vima_basic_user not in result.error
