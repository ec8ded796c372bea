"""A sync process killed with SIGKILL mid-run, then started again, ends exactly at truth."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.testing import SandboxHandle
from psp_dashboard.sync.state import source_lock
from tests.sync.conftest import assert_matches_truth


def _sync_process(
    runtime: Runtime, sandbox: SandboxHandle, *args: str, crash_at: str | None = None
) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIMA_", "PAYSHACK_"))}
    env.update(
        {
            "DATABASE_URL": runtime.database_url,
            "REDIS_URL": runtime.redis_url,
            "REDIS_KEY_PREFIX": runtime.settings.redis_key_prefix,
            "VIMA_BASE_URL": sandbox.vima_base_url,
            "VIMA_API_KEY": sandbox.credentials.vima_apikey,
            "SYNC_BATCH_ROWS": "300",
            "LOG_LEVEL": "WARNING",
        }
    )
    if crash_at:
        env["PSP_SYNC_CRASH_AT"] = crash_at
    return subprocess.Popen(
        [sys.executable, "-m", "psp_dashboard", "sync", "vima", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("crash_at", ["inside:3", "after:2"])
async def test_killed_sync_resumes_to_exact_truth(
    clean_db: Runtime, sandbox: SandboxHandle, crash_at: str
) -> None:
    killed = _sync_process(clean_db, sandbox, crash_at=crash_at)
    killed.communicate(timeout=120)
    assert killed.returncode == -signal.SIGKILL

    resumed = _sync_process(clean_db, sandbox)
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    assert '"status": "success"' in out
    await assert_matches_truth(clean_db, sandbox, "vima")


async def test_second_process_skips_while_the_first_holds_the_source(
    clean_db: Runtime, sandbox: SandboxHandle
) -> None:
    async with source_lock(clean_db.engine, "vima") as held:
        assert held
        other = _sync_process(clean_db, sandbox)
        out, _ = other.communicate(timeout=120)
        assert other.returncode == 3
        assert '"status": "skipped"' in out
        waiting = _sync_process(clean_db, sandbox, "--wait")
        with pytest.raises(subprocess.TimeoutExpired):
            waiting.communicate(timeout=3)  # still blocked on the lock we hold
    out, err = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, err
    await assert_matches_truth(clean_db, sandbox, "vima")
