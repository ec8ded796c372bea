"""`psp retention …` commands and the worker's retention job."""

from __future__ import annotations

import pytest

from psp_dashboard.cli import main
from psp_dashboard.jobs import build_worker
from psp_dashboard.runtime import Runtime
from tests.conftest import TEST_REDIS_URL
from tests.support.runtime import runtime_with


@pytest.fixture
def cli_env(database_url: str, session_tag: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("REDIS_URL", TEST_REDIS_URL)
    monkeypatch.setenv("REDIS_KEY_PREFIX", f"test:{session_tag}:retention-cli:")
    monkeypatch.delenv("RETENTION_MONTHS", raising=False)


def test_cli_run_without_retention_keeps_everything(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["retention", "run"]) == 0
    assert "every month is kept" in capsys.readouterr().err


def test_cli_restore_of_a_month_never_archived_fails_clearly(
    cli_env: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["retention", "restore", "2001-02"]) == 1
    assert "no archive recorded for 2001-02" in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:  # argparse refuses a non-month
        main(["retention", "restore", "02/2001"])
    assert refused.value.code == 2


def test_the_worker_archives_daily_only_with_retention_months(runtime: Runtime) -> None:
    assert "retention:archive" not in build_worker(runtime).job_ids()
    with runtime_with(runtime, settings={"retention_months": 12}):
        worker = build_worker(runtime)
        job = worker.scheduler.get_job("retention:archive")
        assert job is not None and job.misfire_grace_time is None
