"""Schemathesis against /api/v1/openapi.json, in process (ASGI), for the read API.

Positive and negative (invalid) parameters for every operation of transactions,
metrics and exports, on seeded data: never a 5xx, every error in the contract's
envelope, every response documented and matching its schema. Bounded examples keep it
well under a minute.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.python import asgi as schemathesis_asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from psp_dashboard.config import load_settings
from psp_dashboard.main import create_app
from psp_dashboard.runtime import Runtime
from tests.api.conftest import Api
from tests.api.factory import load, random_dataset
from tests.conftest import TEST_REDIS_URL

FUZZED_PREFIXES = ("/api/v1/transactions", "/api/v1/metrics", "/api/v1/export")
EXAMPLES = {GenerationMode.POSITIVE: 20, GenerationMode.NEGATIVE: 8}


@schemathesis.check
def error_envelope(ctx: Any, response: Any, case: Any) -> bool | None:
    """No 5xx; a 4xx body is `{"error": {"code", "message", ...}}`."""
    assert response.status_code < 500, f"{response.status_code}: {response.text[:300]}"
    if response.status_code >= 400:
        body = json.loads(response.content)
        assert set(body) == {"error"}, body
        assert {"code", "message"} <= set(body["error"]), body
    return None


@pytest.fixture
async def fuzz_headers(api: Api) -> dict[str, str]:
    await load(api.runtime, random_dataset(31, date(2026, 3, 1), 3, 150))
    return await api.headers("admin")


def test_read_api_conforms_to_its_openapi(
    fuzz_headers: dict[str, str], runtime: Runtime, database_url: str
) -> None:
    app_settings = load_settings(
        database_url=database_url,
        redis_url=TEST_REDIS_URL,
        redis_key_prefix=runtime.settings.redis_key_prefix,
        _env_file=None,
    )
    # No runtime handed over: the app's lifespan opens its own in Schemathesis' event loop.
    app = create_app(app_settings)
    try:
        schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
        operations = [
            result.ok()
            for result in schema.get_all_operations()
            if result.ok().path.startswith(FUZZED_PREFIXES)
        ]
        assert {op.path for op in operations} >= {
            "/api/v1/transactions",
            "/api/v1/transactions/{transaction_id}",
            "/api/v1/metrics/overview",
            "/api/v1/metrics/trends",
            "/api/v1/export/transactions",
        }
        checks = [
            error_envelope,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
        for operation in operations:
            for mode, examples in EXAMPLES.items():

                @given(case=operation.as_strategy(generation_mode=mode))
                @settings(
                    max_examples=examples,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
                def run(case: Any) -> None:
                    response = case.call(headers=fuzz_headers)
                    case.validate_response(response, checks=checks)

                run()
    finally:
        schemathesis_asgi.shutdown_lifespans()
