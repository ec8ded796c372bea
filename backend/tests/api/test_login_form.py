"""POST /auth/login-form: the sign-in page's plain form post (before its scripts load)."""

from __future__ import annotations

from httpx import AsyncClient

from psp_dashboard.auth.sessions import SESSION_COOKIE
from psp_dashboard.runtime import Runtime
from tests.support.auth import TEST_PASSWORD, ensure_test_user, role_email

URL = "/api/v1/auth/login-form"
SAME = {"Origin": "http://test"}  # the test client's own origin (base_url http://test)


async def _post(client: AsyncClient, form: dict[str, str], **headers: str) -> tuple[int, str, str]:
    client.cookies.clear()
    response = await client.post(URL, data=form, headers=headers or SAME)
    cookie = response.cookies.get(SESSION_COOKIE) or ""
    return response.status_code, response.headers.get("location", ""), cookie


async def test_a_form_post_signs_in_and_redirects_to_next(
    clean_db: Runtime, client: AsyncClient
) -> None:
    await ensure_test_user(clean_db, "analyst")
    form = {"email": role_email("analyst").upper(), "password": TEST_PASSWORD}
    status, location, cookie = await _post(client, {**form, "next": "/transactions/?page=2"})
    assert (status, location) == (303, "/transactions/?page=2")
    assert cookie
    me = await client.get("/api/v1/auth/me", cookies={SESSION_COOKIE: cookie})
    assert me.status_code == 200
    assert me.json()["data"]["email"] == role_email("analyst")
    assert me.json()["data"]["csrf_token"]  # the scripts get it from /auth/me
    # Without `next` (a post made before the page's scripts filled it in): home.
    assert (await _post(client, form))[:2] == (303, "/")


async def test_next_never_leaves_the_site(clean_db: Runtime, client: AsyncClient) -> None:
    await ensure_test_user(clean_db, "viewer")
    form = {"email": role_email("viewer"), "password": TEST_PASSWORD}
    for unsafe in ("//evil.example/", "https://evil.example/", "/\\evil.example", "/login/",
                   "/api/v1/auth/me", "x", "/a\r\nSet-Cookie: x=1"):  # fmt: skip
        status, location, cookie = await _post(client, {**form, "next": unsafe})
        assert (status, location) == (303, "/"), unsafe
        assert cookie


async def test_failures_go_back_to_the_page_with_the_reason(
    clean_db: Runtime, client: AsyncClient
) -> None:
    await ensure_test_user(clean_db, "admin")
    wrong = {"email": role_email("admin"), "password": "wrong-password-123", "next": "/sync/"}
    status, location, cookie = await _post(client, wrong)
    assert (status, location, cookie) == (303, "/login/?error=invalid&next=/sync/", "")
    unknown = {"email": "nobody@tests.local", "password": TEST_PASSWORD}
    assert await _post(client, unknown) == (303, "/login/?error=invalid", "")
    assert await _post(client, {"email": role_email("admin"), "password": ""}) == (
        303,
        "/login/?error=missing",
        "",
    )


async def test_cross_site_posts_are_refused(clean_db: Runtime, client: AsyncClient) -> None:
    """Login CSRF: another site's form must not sign this browser in."""
    await ensure_test_user(clean_db, "admin")
    form = {"email": role_email("admin"), "password": TEST_PASSWORD}
    for headers in (
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},  # a sibling subdomain is another site's page
        {"Origin": "http://test", "Sec-Fetch-Site": "cross-site"},
        {"X-Nothing": "1"},  # neither Origin nor Sec-Fetch-Site
    ):
        client.cookies.clear()
        response = await client.post(URL, data=form, headers=headers)
        assert response.status_code == 403, headers
        assert response.json()["error"]["code"] == "FORBIDDEN"
        assert SESSION_COOKIE not in response.cookies
    # What a browser sends for our own page's form under `Referrer-Policy: no-referrer`.
    browser = {"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    status, _, cookie = await _post(client, form, **browser)
    assert status == 303 and cookie


async def test_a_json_body_is_a_400(clean_db: Runtime, client: AsyncClient) -> None:
    response = await client.post(URL, json={"email": "a@b.c", "password": "x" * 12}, headers=SAME)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
