"""The embedded PostgreSQL says one line per step (start, stop), not initdb's output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from pathlib import Path
from psp_dashboard.embedded import start_embedded_postgres, stop_embedded
from psp_dashboard.logs import configure_logging
configure_logging("INFO")
try:
    start_embedded_postgres(Path(sys.argv[1]))
finally:
    stop_embedded()
"""


def _start_once(data_dir: Path) -> list[dict[str, object]]:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    return [json.loads(line) for line in lines]  # every line is one JSON record


def test_first_start_and_restart_log_one_line_per_step(tmp_path: Path) -> None:
    first = _start_once(tmp_path)
    messages = [str(record.get("message", record.get("msg"))) for record in first]
    assert messages == [
        "embedded postgresql: creating its data directory",
        "embedded postgresql: database created",
        "embedded postgresql started",
        "embedded postgresql stopped",
    ], first
    assert (tmp_path / "postgres" / "PG_VERSION").exists()
    again = _start_once(tmp_path)  # data kept: no initdb, no CREATE DATABASE
    assert [str(r.get("message", r.get("msg"))) for r in again] == [
        "embedded postgresql started",
        "embedded postgresql stopped",
    ], again
