from collections.abc import AsyncIterator

import pytest
from fastapi import Query
from httpx import ASGITransport, AsyncClient

from psp_dashboard.cache import Cache, make_redis, metrics_key
from psp_dashboard.main import create_app
from psp_dashboard.runtime import Runtime

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


async def test_health_is_healthy_with_database_and_redis(client: AsyncClient) -> None:
    response = await client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "healthy"
    assert body["services"] == {"database": "ok", "redis": "ok"}
    assert body["version"]
    assert response.headers["x-request-id"]


@pytest.fixture
async def runtime_without_redis(runtime: Runtime) -> AsyncIterator[Runtime]:
    broken = Runtime(
        settings=runtime.settings,
        database_url=runtime.database_url,
        redis_url=UNREACHABLE_REDIS,
        engine=runtime.engine,
        sessions=runtime.sessions,
        cache=Cache(make_redis(UNREACHABLE_REDIS)),
    )
    yield broken
    await broken.cache.redis.aclose()


async def test_health_is_degraded_when_redis_is_down(runtime_without_redis: Runtime) -> None:
    app = create_app(runtime_without_redis.settings, runtime=runtime_without_redis)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as http:
        response = await http.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["services"] == {"database": "ok", "redis": "down"}


async def test_cache_falls_through_to_loader_when_redis_is_down(
    runtime_without_redis: Runtime,
) -> None:
    calls = 0

    async def loader() -> dict[str, int]:
        nonlocal calls
        calls += 1
        return {"count": 7}

    key = metrics_key("overview", {"from": "2026-01-01"})
    assert await runtime_without_redis.cache.get_or_load(key, 60, loader) == {"count": 7}
    assert await runtime_without_redis.cache.get_or_load(key, 60, loader) == {"count": 7}
    assert calls == 2


async def test_cache_serves_second_call_from_redis_with_seed_ttl(runtime: Runtime) -> None:
    calls = 0

    async def loader() -> dict[str, int]:
        nonlocal calls
        calls += 1
        return {"count": calls}

    key = metrics_key("overview", {"from": "2026-01-02", "project": "91game"})
    assert key.startswith("metrics:overview:")
    assert await runtime.cache.get_or_load(key, 60, loader) == {"count": 1}
    assert await runtime.cache.get_or_load(key, 60, loader) == {"count": 1}
    ttl = await runtime.cache.redis.ttl(runtime.cache.prefix + key)
    assert 0 < ttl <= 60
    assert await runtime.cache.invalidate_metrics() >= 1
    assert await runtime.cache.get_or_load(key, 60, loader) == {"count": 2}


async def test_bad_query_parameter_gives_400_envelope_naming_the_field(runtime: Runtime) -> None:
    app = create_app(runtime.settings, runtime=runtime)
    from datetime import date

    @app.get("/api/v1/_probe")
    async def probe(from_date: date = Query()) -> dict[str, str]:
        return {"ok": from_date.isoformat()}

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as http:
        response = await http.get("/api/v1/_probe", params={"from_date": "15-01-2026"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["field"] == "from_date"
    assert error["details"]["expected"] == "YYYY-MM-DD"
    assert error["details"]["received"] == "15-01-2026"
    assert "Traceback" not in response.text


async def test_unhandled_error_is_500_envelope_without_trace(runtime: Runtime) -> None:
    app = create_app(runtime.settings, runtime=runtime)

    @app.get("/api/v1/_boom")
    async def boom() -> None:
        raise RuntimeError("SELECT secret FROM somewhere")

    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://t") as http:
        response = await http.get("/api/v1/_boom")
    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "INTERNAL_ERROR", "message": "Internal server error"}
    }


async def test_nul_character_in_the_url_is_a_400_envelope(client: AsyncClient) -> None:
    response = await client.get("/api/v1/transactions?search=ab%00cd")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert response.json()["error"]["details"]["field"] == "url"
