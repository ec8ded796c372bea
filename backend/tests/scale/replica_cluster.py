"""A throwaway PostgreSQL primary and its streaming standby, from the machine's binaries.

The machine's own cluster (127.0.0.1:5432) may refuse replication connections (its
pg_hba.conf has no `replication` line), so the test makes its own: `initdb` a primary
on a free port whose pg_hba trusts replication from 127.0.0.1, `pg_basebackup -R -X
stream` a standby from it, start both. Everything lives in one temporary directory
(sockets included) and is stopped and removed afterwards. As root, the servers run as
the `postgres` OS user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PRIMARY_CONF = """
listen_addresses = '127.0.0.1'
port = {port}
unix_socket_directories = '{sockets}'
wal_level = replica
max_wal_senders = 4
hot_standby = on
fsync = off
synchronous_commit = on
full_page_writes = off
shared_buffers = 32MB
"""


def postgres_bindir() -> Path | None:
    """PG_BINDIR, else the newest /usr/lib/postgresql/<n>/bin, else `pg_ctl` on PATH."""
    if explicit := os.environ.get("PG_BINDIR"):
        return Path(explicit)

    def version(pg_ctl: str) -> int:
        name = Path(pg_ctl).parent.parent.name
        return int(name) if name.isdigit() else 0

    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=version)
    if versions:
        return Path(versions[-1]).parent
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    root: Path
    bindir: Path
    primary_port: int
    standby_port: int

    def url(self, port: int, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{port}/{database}"

    @property
    def primary_dir(self) -> Path:
        return self.root / "primary"

    @property
    def standby_dir(self) -> Path:
        return self.root / "standby"


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run(args: list[str], *, cwd: Path) -> None:
    done = subprocess.run(
        _as_postgres(args), cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def _start(cluster: Cluster, data: Path, log: str) -> None:
    pg_ctl = str(cluster.bindir / "pg_ctl")
    _run([pg_ctl, "-D", str(data), "-l", str(cluster.root / log), "-w", "start"], cwd=cluster.root)


def _stop(cluster: Cluster, data: Path) -> None:
    if (data / "postmaster.pid").exists():
        subprocess.run(
            _as_postgres([str(cluster.bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]),
            cwd=cluster.root,
            capture_output=True,
            timeout=60,
            check=False,
        )


@contextmanager
def replica_cluster(bindir: Path) -> Iterator[Cluster]:
    root = Path(tempfile.mkdtemp(prefix="psp-replica-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    os.chmod(root, 0o700)
    cluster = Cluster(root, bindir, free_port(), free_port())
    try:
        _run(
            [
                str(bindir / "initdb"),
                "-D",
                str(cluster.primary_dir),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            cwd=root,
        )
        with (cluster.primary_dir / "postgresql.conf").open("a") as conf:
            conf.write(PRIMARY_CONF.format(port=cluster.primary_port, sockets=root))
        # initdb --auth=trust already lists `host replication all 127.0.0.1/32 trust`;
        # said again so the test does not depend on that default.
        with (cluster.primary_dir / "pg_hba.conf").open("a") as hba:
            hba.write("\nhost replication all 127.0.0.1/32 trust\n")
        _start(cluster, cluster.primary_dir, "primary.log")
        _run(
            [
                str(bindir / "pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(cluster.primary_port),
                "-U",
                "postgres",
                "-D",
                str(cluster.standby_dir),
                "-R",
                "-X",
                "stream",
                "--no-sync",
            ],
            cwd=root,
        )
        with (cluster.standby_dir / "postgresql.conf").open("a") as conf:
            conf.write(f"\nport = {cluster.standby_port}\n")
        _start(cluster, cluster.standby_dir, "standby.log")
        yield cluster
    finally:
        _stop(cluster, cluster.standby_dir)
        _stop(cluster, cluster.primary_dir)
        shutil.rmtree(root, ignore_errors=True)
