"""Schemathesis, with every check it has, over every router of the API (in process).

All phases but the stateful one (the document declares no links) run against the
OpenAPI document the app serves, signed in with an admin's API token, on seeded data:
every built-in check plus the contract's envelope. One built-in check is narrowed,
not dropped: `positive_data_acceptance` wants every schema-valid request accepted, and
a few of the API's rules are beyond what JSON Schema can say (see `BEYOND_THE_SCHEMA`);
a 400 for one of those, named in the error's details, passes, anything else fails.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from datetime import date
from typing import Any

import pytest
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import Status, events, from_schema
from schemathesis.openapi.checks import RejectedPositiveData
from schemathesis.python import asgi as schemathesis_asgi
from schemathesis.specs.openapi.checks import positive_data_acceptance

from psp_dashboard.config import load_settings
from psp_dashboard.main import ROUTERS, create_app
from psp_dashboard.runtime import Runtime
from tests.api.conftest import Api
from tests.api.factory import load, random_dataset
from tests.conftest import TEST_REDIS_URL
from tests.support.auth import api_token

# One path per router (health and the nine of ROUTERS): all must be fuzzed.
EVERY_ROUTER = {
    "/api/v1/health",
    "/api/v1/auth/login",
    "/api/v1/tokens",
    "/api/v1/transactions",
    "/api/v1/metrics/overview",
    "/api/v1/payments/links",
    "/api/v1/reconciliation/summary",
    "/api/v1/reconciliation/runs/{run_id}/amendments",
    "/api/v1/export/transactions",
    "/api/v1/sync/status",
    "/api/v1/events",
    "/api/v1/audit",
    "/api/v1/users",
    "/api/v1/reports/schedules",
    "/api/v1/analytics/breakdown",
}
# 400s for schema-valid data that no JSON Schema can prevent, by what the error names.
BEYOND_THE_SCHEMA = (
    # An IANA zone name: the set is ~600 names, too many for an enum per parameter.
    lambda d: d.get("field") == "timezone" and d.get("expected") == "IANA time zone name",
    # (page - 1) × limit ≤ 100,000: a rule over two parameters.
    lambda d: d.get("reason") == "too_deep",
    # from_date ≤ to_date: a rule over two parameters.
    lambda d: str(d.get("expected", "")).startswith(("a date on or after", "on or after", "<=")),
    # Days between 2000-01-01 and 2099-12-31 (`format: date` has no bounds), not after
    # today (moves every day), a token's end within TOKEN_MAX_DAYS from now (likewise).
    lambda d: str(d.get("expected", "")).startswith("a date between"),
    lambda d: str(d.get("expected", "")).endswith("or earlier"),
    lambda d: d.get("field") == "expires_at",
    # NUL and lone surrogates in text (finding 4): JSON Schema's strings allow both.
    lambda d: d.get("expected") == "text without U+0000 or lone surrogates",
    # A scope above the owner's or the caller's role: depends on who asks.
    lambda d: d.get("field") == "scope",
    # More rows than EXPORT_MAX_ROWS: depends on the data.
    lambda d: d.get("reason") == "export_too_large",
    # A quarter-hour zone for 30-minute rollups: a property of the zone's history.
    lambda d: d.get("field") == "timezone" and "30-minute" in str(d.get("expected", "")),
    # A keyset cursor is opaque: only a previous answer's `next_cursor` is one.
    lambda d: d.get("field") == "cursor" and d.get("reason") in ("invalid", "with_page"),
    # Alert rules: parameters and scopes per rule kind; channels that exist (data).
    lambda d: str(d.get("field", "")).startswith(("params", "scope.")),
    lambda d: d.get("field") == "channel_ids" and d.get("reason") == "unknown",
    # A field needed or excluded by another's value (an alert channel's kind or format).
    lambda d: d.get("reason") == "combination",
    # A discrepancy's owner must be an existing active user: data, not schema (reached
    # only when an earlier test left a discrepancy in the database).
    lambda d: d.get("field") == "owner_id" and d.get("expected") == "the id of an active user",
)


def beyond_the_schema(response: Any) -> bool:
    if response.status_code != 400:
        return False
    try:
        details = json.loads(response.content)["error"].get("details") or {}
    except (ValueError, KeyError, TypeError):
        return False
    return any(rule(details) for rule in BEYOND_THE_SCHEMA)


@schemathesis.check
def positive_data_acceptance_within_json_schema(ctx: Any, response: Any, case: Any) -> None:
    try:
        positive_data_acceptance(ctx, response, case)
    except RejectedPositiveData:
        if not beyond_the_schema(response):
            raise


@schemathesis.check
def error_envelope(ctx: Any, response: Any, case: Any) -> None:
    """No 5xx; a 4xx body is `{"error": {"code", "message", ...}}`."""
    assert response.status_code < 500, f"{response.status_code}: {response.text[:300]}"
    if response.status_code >= 400:
        body = json.loads(response.content)
        assert set(body) == {"error"}, body
        assert {"code", "message"} <= set(body["error"]), body


@pytest.fixture
async def admin_token(api: Api) -> dict[str, str]:
    await load(api.runtime, random_dataset(31, date(2026, 3, 1), 3, 150))
    return await api_token(api.runtime, "admin")


def test_every_router_conforms_to_its_openapi_under_every_check(
    admin_token: dict[str, str], runtime: Runtime, database_url: str
) -> None:
    app_settings = load_settings(
        database_url=database_url,
        redis_url=TEST_REDIS_URL,
        redis_key_prefix=runtime.settings.redis_key_prefix,
        token_rate_per_minute=10**6,  # the limit is tested elsewhere; here it would hide
        _env_file=None,
    )
    assert len(ROUTERS) == 15  # + payments, + alerts, + reports, + analytics, + payshack,
    # + reconciliation amendments (re-fetch, suggestions)
    # No runtime handed over: the app's lifespan opens its own in Schemathesis' event loop.
    app = create_app(app_settings)
    config = SchemathesisConfig.from_dict(
        {
            "seed": 20261205,
            "continue-on-failure": True,
            "headers": admin_token,
            # Same cases every run (no example database replaying an old failure).
            "generation": {"max-examples": 8, "deterministic": True, "database": "none"},
            "phases": {"stateful": {"enabled": False}},
            "checks": {"positive_data_acceptance": {"enabled": False}},
            # Never the caller's own user or token: a disable, a password reset or a
            # revocation would sign the rest of the run out.
            "parameters": {"user_id": str(uuid.uuid4()), "token_id": str(uuid.uuid4())},
            # The event stream never ends: what it sent within the deadline is the answer.
            "operations": [{"include-path": "/api/v1/events", "request-timeout": 0.2}],
        }
    )
    try:
        schema = schemathesis.openapi.from_asgi(
            "/api/v1/openapi.json", app, headers=admin_token, config=config
        )
        fuzzed: set[str] = set()
        checks: set[str] = set()
        failures: dict[tuple[str, str], list[str]] = defaultdict(list)
        errors: list[str] = []
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished) and event.status != Status.SKIP:
                fuzzed.add((event.label or "").split(" ", 1)[-1])
                for nodes in event.recorder.checks.values():
                    for node in nodes:
                        checks.add(node.name)
                        if node.status == Status.FAILURE and node.failure_info is not None:
                            title = getattr(node.failure_info.failure, "title", node.name)
                            failures[(event.label or "", node.name)].append(
                                f"{title}: {node.failure_info.code_sample[:300]}"
                            )
            elif isinstance(event, events.NonFatalError | events.FatalError):
                errors.append(repr(event)[:500])
    finally:
        schemathesis_asgi.shutdown_lifespans()
    assert not errors, errors
    assert fuzzed >= EVERY_ROUTER, EVERY_ROUTER - fuzzed
    built_in = {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "missing_required_header",
        "unsupported_method",
        "allow_header_conformance",
        "use_after_free",
        "ensure_resource_availability",
        "ignored_auth",
        "object_level_authorization",
    }
    assert built_in | {"positive_data_acceptance_within_json_schema", "error_envelope"} <= checks
    report = [f"{label} [{check}] {samples[0]}" for (label, check), samples in failures.items()]
    assert not report, "\n".join(report)
