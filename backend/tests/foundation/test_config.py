import os
import subprocess
import sys

import pytest

from psp_dashboard.cli import main
from psp_dashboard.config import ConfigError, load_settings

BAD_SETTINGS = [
    ("DATABASE_URL", "mysql://u@h/db", "DATABASE_URL"),
    ("DATABASE_URL", "::not a url::", "DATABASE_URL"),
    ("TIMEZONE", "Mars/Olympus", "TIMEZONE"),
    ("RECON_TIMEZONE", "Nowhere", "RECON_TIMEZONE"),
    ("VIMA_SYNC_INTERVAL_MINUTES", "-5", "VIMA_SYNC_INTERVAL_MINUTES"),
    ("VIMA_BASE_URL", "not a url", "VIMA_BASE_URL"),
    ("REDIS_URL", "http://localhost", "REDIS_URL"),
]


def _one_line_error(stderr: str, expected: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"configuration error: {expected}:")
    assert "Traceback" not in stderr


@pytest.mark.parametrize(("variable", "value", "expected"), BAD_SETTINGS)
def test_bad_configuration_stops_start_up_with_one_line_and_exit_2(
    variable: str,
    value: str,
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # `psp` is `raise SystemExit(main())`: main's answer is the process's exit code and
    # stderr (one process below proves it; a process per case costs seconds of imports).
    for name in list(os.environ):
        if name.startswith(("VIMA_", "PAYSHACK_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv(variable, value)
    assert main(["serve"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    _one_line_error(captured.err, expected)


def test_the_psp_process_exits_2_with_that_one_line() -> None:
    variable, value, expected = BAD_SETTINGS[0]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIMA_", "PAYSHACK_"))}
    env[variable] = value
    result = subprocess.run(
        [sys.executable, "-m", "psp_dashboard.cli", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    _one_line_error(result.stderr, expected)


def test_secrets_are_not_shown_when_settings_are_printed() -> None:
    settings = load_settings(
        vima_api_key="master-0123456789abcdef0123456789abcdef",
        payshack_password="hunter2-hunter2",
        _env_file=None,
    )
    shown = repr(settings) + str(settings.model_dump())
    assert "0123456789abcdef" not in shown
    assert "hunter2" not in shown


def test_config_error_message_never_echoes_the_bad_secret_value() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(database_url="mysql://user:topsecretpw@h/db", _env_file=None)
    assert "topsecretpw" not in str(caught.value)
