"""Where archives go: a directory, or an S3-compatible bucket (ARCHIVE_DIR=s3://…).

Both through `pyarrow.fs`, so the archive and restore code never knows which. A local
file is written under a temporary name and renamed when complete; an S3 object only
appears once its upload completes, so it is written under its final key directly.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from pyarrow import fs as pafs

from psp_dashboard.config import Settings

S3_SCHEME = "s3://"
HASH_CHUNK = 1 << 20


@dataclass(frozen=True)
class ArchiveStore:
    filesystem: pafs.FileSystem
    base: str  # a directory, or "bucket/prefix"
    s3: bool

    def path(self, month: date, source: str) -> str:
        return f"{self.base}/transactions/{month:%Y-%m}/{source}.parquet"

    def uri(self, path: str) -> str:
        """What `partition_archives.path` records (and restore opens)."""
        return f"{S3_SCHEME}{path}" if self.s3 else path

    def path_of(self, uri: str) -> str:
        return uri.removeprefix(S3_SCHEME) if self.s3 else uri

    def writing_path(self, path: str) -> str:
        """Where a file is written before it is complete (the final path on S3)."""
        return path if self.s3 else f"{path}.partial"

    def prepare(self, path: str) -> None:
        if not self.s3:
            self.filesystem.create_dir(path.rsplit("/", 1)[0], recursive=True)

    def commit(self, written: str, path: str) -> None:
        if written != path:
            self.filesystem.move(written, path)

    def sha256(self, path: str) -> str:
        digest = hashlib.sha256()
        with self.filesystem.open_input_stream(path) as stream:
            while chunk := stream.read(HASH_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()


def archive_store(settings: Settings) -> ArchiveStore:
    """ARCHIVE_DIR's store: s3://bucket/prefix with ARCHIVE_S3_*, else a directory
    (default DATA_DIR/archive)."""
    target = settings.archive_dir or str(settings.data_dir / "archive")
    if not target.startswith(S3_SCHEME):
        return ArchiveStore(pafs.LocalFileSystem(), str(Path(target).resolve()), s3=False)
    base = target.removeprefix(S3_SCHEME).strip("/")
    if not base:
        raise ValueError("ARCHIVE_DIR=s3:// needs a bucket: s3://bucket/prefix")
    options: dict[str, object] = {"region": settings.archive_s3_region}
    if settings.archive_s3_endpoint:
        endpoint = urlsplit(
            settings.archive_s3_endpoint
            if "://" in settings.archive_s3_endpoint
            else f"https://{settings.archive_s3_endpoint}"
        )
        options["endpoint_override"] = endpoint.netloc
        options["scheme"] = endpoint.scheme
    if settings.archive_s3_key is not None and settings.archive_s3_secret is not None:
        options["access_key"] = settings.archive_s3_key.get_secret_value()
        options["secret_key"] = settings.archive_s3_secret.get_secret_value()
    return ArchiveStore(pafs.S3FileSystem(**options), base, s3=True)
