"""`psp sandbox` end to end: a real process prints usable URLs and stops on Ctrl-C."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from datetime import UTC, datetime

import httpx

from psp_dashboard.sandbox.cli import build_parser, config_from_args


def test_arguments_become_the_config() -> None:
    args = build_parser().parse_args(
        [
            "--days",
            "2",
            "--per-day",
            "300",
            "--living",
            "--rate",
            "5",
            "--encrypted",
            "--every-nth-429",
            "4",
            "--expire-after",
            "7",
            "--payin-path",
            "/txn/payin",
        ]
    )
    now = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
    config = config_from_args(args, now)
    assert (config.world.days, config.world.per_day) == (2, 300)
    assert config.world.start.isoformat() == "2026-04-30" and config.world.end_at == now
    assert config.living.enabled and config.living.rate_per_second == 5
    assert config.payshack.encrypted and config.payshack.payin_path == "/txn/payin"
    assert config.payshack_faults.every_nth_429 == 4
    assert config.vima_faults.expire_after_requests == 7


def test_cli_serves_until_interrupted() -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "psp_dashboard.sandbox.cli",
            "--vima-port",
            "0",
            "--payshack-port",
            "0",
            "--days",
            "1",
            "--per-day",
            "200",
            # A whole day: cut at "now", the world is nearly empty just after 00:00 UTC.
            "--full-days",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:  # blocks until the banner is printed
            lines.append(line)
            if line.startswith("Ctrl-C"):
                break
        text = "".join(lines)
        base = re.search(r"VIMA_BASE_URL=(\S+)", text)
        key = re.search(r"VIMA_API_KEY=(\S+)", text)
        payshack = re.search(r"PAYSHACK_BASE_URL=(\S+)", text)
        assert base and key and payshack, text
        assert base.group(1).endswith("/collector1/api/v1")
        ops = httpx.get(
            base.group(1) + "/operation",
            params={"apikey": key.group(1), "count": 3, "descending": "false"},
        )
        assert ops.status_code == 200 and len(ops.json()) == 3
        assert httpx.get(payshack.group(1) + "/login").status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=30)
    assert code == 0
