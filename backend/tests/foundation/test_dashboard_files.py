"""The dashboard's files: hashed assets cached for good, pages revalidated, gzip copies
served as they are to clients that accept them."""

import gzip
from pathlib import Path

import pytest
from httpx import ASGITransport, AsyncClient

from psp_dashboard.main import create_app
from psp_dashboard.runtime import Runtime

SCRIPT = b"console.log('overview');\n" * 200
PAGE = b"<!doctype html><title>PSP Dashboard</title>" + b"<p>hello</p>" * 200


@pytest.fixture
def export_dir(tmp_path: Path) -> Path:
    chunks = tmp_path / "_next" / "static" / "chunks"
    chunks.mkdir(parents=True)
    (chunks / "page-abc123.js").write_bytes(SCRIPT)
    (chunks / "page-abc123.js.gz").write_bytes(gzip.compress(SCRIPT))
    (chunks / "plain-def456.js").write_bytes(b"1;")
    (tmp_path / "index.html").write_bytes(PAGE)
    (tmp_path / "index.html.gz").write_bytes(gzip.compress(PAGE))
    return tmp_path


def _client(runtime: Runtime, export_dir: Path) -> AsyncClient:
    app = create_app(runtime.settings, runtime=runtime, frontend_dir=export_dir)
    return AsyncClient(transport=ASGITransport(app=app), base_url="http://test")


async def test_hashed_asset_is_immutable_and_gzipped_for_a_client_that_accepts_it(
    runtime: Runtime, export_dir: Path
) -> None:
    async with _client(runtime, export_dir) as client:
        zipped = await client.get(
            "/_next/static/chunks/page-abc123.js", headers={"Accept-Encoding": "gzip, br"}
        )
        plain = await client.get(
            "/_next/static/chunks/page-abc123.js", headers={"Accept-Encoding": "identity"}
        )
    assert zipped.status_code == 200
    assert zipped.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["content-type"].startswith("text/javascript")
    assert int(zipped.headers["content-length"]) < len(SCRIPT) // 5
    assert zipped.content == SCRIPT  # httpx decodes: the bytes are the script's
    assert "content-encoding" not in plain.headers
    assert plain.content == SCRIPT
    assert plain.headers["vary"] == "Accept-Encoding"


async def test_gzip_refused_with_q0_gets_the_plain_file(runtime: Runtime, export_dir: Path) -> None:
    async with _client(runtime, export_dir) as client:
        plain = await client.get(
            "/_next/static/chunks/page-abc123.js", headers={"Accept-Encoding": "gzip;q=0"}
        )
    assert "content-encoding" not in plain.headers
    assert plain.content == SCRIPT


async def test_asset_without_gzip_copy_is_served_plain(runtime: Runtime, export_dir: Path) -> None:
    async with _client(runtime, export_dir) as client:
        response = await client.get("/_next/static/chunks/plain-def456.js")
    assert response.status_code == 200
    assert response.content == b"1;"
    assert "content-encoding" not in response.headers


async def test_pages_are_revalidated_and_answer_304_when_unchanged(
    runtime: Runtime, export_dir: Path
) -> None:
    async with _client(runtime, export_dir) as client:
        first = await client.get("/", headers={"Accept-Encoding": "gzip"})
        again = await client.get(
            "/", headers={"Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]}
        )
    assert first.status_code == 200
    assert first.headers["cache-control"] == "no-cache"
    assert first.headers["content-encoding"] == "gzip"
    assert first.headers["content-type"].startswith("text/html")
    assert first.content == PAGE
    assert again.status_code == 304
    assert again.content == b""


async def test_api_routes_are_not_shadowed_by_the_files(runtime: Runtime, export_dir: Path) -> None:
    async with _client(runtime, export_dir) as client:
        response = await client.get("/api/v1/health")
    assert response.status_code == 200
    assert (
        "cache-control" not in response.headers
        or "immutable" not in response.headers["cache-control"]
    )
