"""What reaches the app before any endpoint: bodies, unknown paths, errors, headers.

Findings 4 (bad input answered 500, SQL parameters in logged tracebacks), 6 (no body
limit), 11 (unknown API paths answered with the dashboard's HTML) and 13 (no security
headers; the OpenAPI document and docs public).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from psp_dashboard.logs import JsonFormatter
from psp_dashboard.main import create_app
from psp_dashboard.runtime import Runtime
from tests.support.auth import sign_in

API = "/api/v1"
NUL = b'"a\\u0000b"'
SURROGATE = b'"\\ud800x"'


def assert_envelope(response: object, status: int, code: str = "VALIDATION_ERROR") -> dict:  # type: ignore[type-arg]
    from httpx import Response

    assert isinstance(response, Response)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    return body["error"]  # type: ignore[no-any-return]


@pytest.fixture
async def admin(clean_db: Runtime, client: AsyncClient) -> dict[str, str]:
    return await sign_in(client, clean_db, "admin")


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "lone-surrogate"])
@pytest.mark.parametrize(
    ("path", "template"),
    [
        ("/auth/login", b'{"email": %s, "password": "whatever-password"}'),
        ("/tokens", b'{"name": %s}'),
        ("/users", b'{"email": %s, "role": "viewer", "password": "long-enough-password"}'),
        (
            f"/reconciliation/discrepancies/{uuid.UUID(int=1)}/resolve",
            b'{"resolution": "resolved", "note": %s}',
        ),
    ],
)
async def test_nul_and_lone_surrogates_in_a_json_body_are_400(
    client: AsyncClient, admin: dict[str, str], path: str, template: bytes, bad: bytes
) -> None:
    """Finding 4: these answered 500 from deep inside a query."""
    response = await client.post(
        API + path,
        content=template % bad,
        headers={**admin, "Content-Type": "application/json"},
    )
    error = assert_envelope(response, 400)
    assert error["details"]["field"] in ("email", "name", "note")
    assert "received" not in error["details"]  # never echoed: it may be a password


async def test_an_unrepresentable_token_expiry_is_400(
    client: AsyncClient, admin: dict[str, str]
) -> None:
    """Finding 4: 9999-12-31T23:59:59-14:00 is after the last instant once in UTC."""
    response = await client.post(
        f"{API}/tokens",
        json={"name": "x", "expires_at": "9999-12-31T23:59:59-14:00"},
        headers=admin,
    )
    assert assert_envelope(response, 400)["details"]["field"] == "expires_at"


@pytest.mark.parametrize(
    "query",
    [{"to_date": "9999-12-31"}, {"from_date": "0001-01-01"}, {"page": "99999999999999999999"}],
)
async def test_audit_filters_out_of_range_are_400(
    client: AsyncClient, admin: dict[str, str], query: dict[str, str]
) -> None:
    response = await client.get(f"{API}/audit", params=query, headers=admin)
    assert assert_envelope(response, 400)["details"]["field"] == next(iter(query))


@pytest.mark.parametrize("value", ["0", "1700000000", "2026-3-1", "20260301"])
async def test_dates_in_a_query_are_yyyy_mm_dd_only(
    client: AsyncClient, admin: dict[str, str], value: str
) -> None:
    """Lax parsing read `?date=0` as a Unix time: the summary of 1970-01-01 came back."""
    response = await client.get(
        f"{API}/reconciliation/summary", params={"date": value}, headers=admin
    )
    assert assert_envelope(response, 400)["details"]["field"] == "date"


async def test_bound_sql_parameters_stay_out_of_logged_tracebacks(runtime: Runtime) -> None:
    """Finding 4: a logged traceback carried a token hash, a note's text, e-mails (the
    driver quotes the value in its message; SQLAlchemy appended the parameters)."""
    secret = f"note-{uuid.uuid4().hex}"
    with pytest.raises(DBAPIError) as failure:
        async with runtime.engine.connect() as conn:
            await conn.execute(text("SELECT CAST(:v AS integer)"), {"v": secret})
    assert secret in repr(failure.value.orig)  # the driver's message does quote it …
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "unhandled error", (), None)
    record.exc_info = (type(failure.value), failure.value, failure.value.__traceback__)
    line = JsonFormatter().format(record)
    assert secret not in line  # … the log line does not
    assert "DBAPIError" in line and "sqlstate 22" in line and "Traceback" in line


async def test_an_unexpected_error_is_the_500_envelope_logged_once(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(runtime.settings, runtime=runtime)

    @app.get(f"{API}/_boom", include_in_schema=False)
    async def boom() -> None:
        raise RuntimeError("boom")

    caplog.set_level(logging.INFO)
    # raise_app_exceptions: an exception that got past the app would fail the call here.
    transport = ASGITransport(app=app, raise_app_exceptions=True)
    async with AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get(f"{API}/_boom")
    error = assert_envelope(response, 500, "INTERNAL_ERROR")
    assert error["message"] == "Internal server error" and "boom" not in response.text
    logged = [r for r in caplog.records if r.exc_info]
    assert len(logged) == 1 and logged[0].getMessage() == "unhandled error"


# ---------------------------------------------------------------- body limit (finding 6)


def _with(runtime: Runtime, **settings: object) -> FastAPI:
    changed = dataclasses.replace(runtime, settings=runtime.settings.model_copy(update=settings))
    return create_app(changed.settings, runtime=changed)


@pytest.fixture
async def small_limit(runtime: Runtime) -> AsyncIterator[AsyncClient]:
    app = _with(runtime, max_body_bytes=1000)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http:
        yield http


async def test_a_body_over_the_limit_is_413_before_sign_in(small_limit: AsyncClient) -> None:
    """Finding 6: an anonymous 50 MB login was read and parsed."""
    padding = "x" * 2000
    response = await small_limit.post(
        f"{API}/auth/login", json={"email": "a@b.c", "password": padding}
    )
    error = assert_envelope(response, 413)
    assert error["details"] == {"field": "body", "reason": "too_large", "max_bytes": 1000}


async def test_a_streamed_body_is_cut_at_the_limit(small_limit: AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"email": "a@b.c", "password": "'
        for _ in range(50):
            yield b"y" * 100
        yield b'"}'

    response = await small_limit.post(
        f"{API}/auth/login", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert_envelope(response, 413)


async def test_the_default_limit_is_one_megabyte(client: AsyncClient) -> None:
    big = b'{"email": "a@b.c", "password": "' + b"z" * (1024 * 1024) + b'"}'
    response = await client.post(
        f"{API}/auth/login", content=big, headers={"Content-Type": "application/json"}
    )
    assert assert_envelope(response, 413)["details"]["max_bytes"] == 1_048_576


# ---------------------------------------------------------------- unknown paths (finding 11)


@pytest.fixture
async def with_dashboard(runtime: Runtime, tmp_path: Path) -> AsyncIterator[AsyncClient]:
    (tmp_path / "index.html").write_text("<!doctype html><title>dashboard</title>")
    (tmp_path / "404.html").write_text("<!doctype html><title>not found</title>")
    app = create_app(runtime.settings, runtime=runtime, frontend_dir=tmp_path)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http:
        yield http


async def test_an_unknown_api_path_is_the_json_404_not_the_dashboard(
    with_dashboard: AsyncClient,
) -> None:
    assert_envelope(await with_dashboard.get(f"{API}/no-such-thing"), 404, "NOT_FOUND")
    assert_envelope(await with_dashboard.post(f"{API}/no/such/thing"), 404, "NOT_FOUND")
    # Outside the API the dashboard still answers, with its own page.
    page = await with_dashboard.get("/no-such-page")
    assert page.status_code == 404 and "not found" in page.text


async def test_a_known_api_path_with_another_method_is_405_with_allow(
    with_dashboard: AsyncClient,
) -> None:
    response = await with_dashboard.get(f"{API}/auth/login")
    assert_envelope(response, 405)
    assert response.headers["allow"] == "POST"


# ---------------------------------------------------------------- headers (finding 13)


async def test_every_answer_carries_the_security_headers(client: AsyncClient) -> None:
    for response in (
        await client.get(f"{API}/health"),
        await client.get(f"{API}/auth/me"),  # 401
        await client.get(f"{API}/nowhere"),  # 404
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["x-frame-options"] == "DENY"
        csp = response.headers["content-security-policy"]
        assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "strict-transport-security" not in response.headers  # plain HTTP


async def test_hsts_only_over_https(runtime: Runtime) -> None:
    app = create_app(runtime.settings, runtime=runtime)
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="https://test") as https:
        response = await https.get(f"{API}/health")
    assert response.headers["strict-transport-security"] == "max-age=31536000"
    off = _with(runtime, cookie_secure=False)
    async with AsyncClient(transport=ASGITransport(app=off), base_url="https://test") as https:
        response = await https.get(f"{API}/health")
    assert "strict-transport-security" not in response.headers


def _sha256(text: str) -> str:
    import base64
    import hashlib

    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


async def test_dashboard_pages_allow_exactly_their_own_inline_scripts(
    runtime: Runtime, tmp_path: Path
) -> None:
    inline = 'self.__next_f.push([1,"payload"])'
    # next/script (beforeInteractive): queued here, inserted as an inline script later.
    theme = "try{document.documentElement.className='dark'}catch(e){}"
    payload = json.dumps({"children": theme, "id": "theme"})
    queued = f"(self.__next_s=self.__next_s||[]).push([0,{payload}])"
    (tmp_path / "index.html").write_text(
        '<!doctype html><script src="/_next/static/a.js"></script>'
        f"<script>{queued}</script><script>{inline}</script>"
    )
    app = create_app(runtime.settings, runtime=runtime, frontend_dir=tmp_path)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http:
        page = await http.get("/")
        again = await http.get("/", headers={"If-None-Match": page.headers["etag"]})
    csp = page.headers["content-security-policy"]
    scripts = csp.split("script-src ", 1)[1].split(";", 1)[0].split()
    assert sorted(scripts) == sorted(["'self'", _sha256(inline), _sha256(queued), _sha256(theme)])
    assert "frame-ancestors 'none'" in csp and "style-src 'self' 'unsafe-inline'" in csp
    # A 304 carries the page's own policy: browsers store a 304's headers over the
    # cached page's, and the API's policy there blocked every script of the dashboard.
    assert again.status_code == 304
    assert again.headers["content-security-policy"] == csp


async def test_docs_need_a_signed_in_user_unless_public(
    clean_db: Runtime, client: AsyncClient
) -> None:
    for path in ("/openapi.json", "/docs"):
        assert_envelope(await client.get(API + path), 401, "UNAUTHENTICATED")
    viewer = await sign_in(client, clean_db, "viewer")
    document = await client.get(f"{API}/openapi.json", headers=viewer)
    assert document.status_code == 200 and document.json()["info"]["title"]
    docs = await client.get(f"{API}/docs", headers=viewer)
    assert docs.status_code == 200 and "swagger-ui" in docs.text
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]
    public = _with(clean_db, docs_public=True)
    async with AsyncClient(transport=ASGITransport(app=public), base_url="http://test") as http:
        assert (await http.get(f"{API}/openapi.json")).status_code == 200
