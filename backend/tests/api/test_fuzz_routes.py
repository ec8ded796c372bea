"""Bad values into every parameter of every route of the route table, as every role.

NUL, lone surrogates, 10 KB strings, 9999-12-31, 0001-01-01, 20-digit numbers and
values of the wrong type, one parameter at a time (the others valid, so a bad value
gets as deep as it can): zero 5xx, and every error in the contract's envelope. A route
added later is fuzzed without touching this file.
"""

from __future__ import annotations

import json
import urllib.parse
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI

from psp_dashboard.auth.ratelimit import LoginLimits
from psp_dashboard.main import API_PREFIX, create_app
from psp_dashboard.runtime import Runtime
from tests.auth.conftest import Reply, asgi_call, iter_route_contexts
from tests.support.auth import sign_in
from tests.support.runtime import runtime_with

ROLES = ("anonymous", "viewer", "analyst", "admin")
# Raw query-string forms: NUL, a UTF-8-encoded lone surrogate, and the rest.
QUERY_VALUES = (
    "%00",
    "%ED%A0%80",
    "x" * 10_240,
    "9999-12-31",
    "0001-01-01",
    "99999999999999999999",
    "-99999999999999999999",
    "true",
    "[]",
    "",
)
# JSON values for one field of a body (escapes written as JSON text, not Python).
BODY_VALUES = (
    '"a\\u0000b"',
    '"\\ud800"',
    json.dumps("x" * 10_240),
    '"9999-12-31"',
    '"0001-01-01"',
    '"9999-12-31T23:59:59-14:00"',
    "99999999999999999999",
    "-1",
    "true",
    "null",
    "[]",
    "{}",
)
# A valid body per route, so each mutation changes exactly one field.
VALID_BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/auth/login"): {"email": "viewer@tests.local", "password": "not-the-password"},
    ("POST", "/tokens"): {"name": "fuzz", "scope": "read"},
    ("POST", "/users"): {"email": "f@tests.local", "role": "viewer", "password": "p" * 14},
    ("PATCH", "/users/{user_id}"): {"role": "viewer"},
    ("POST", "/reconciliation/discrepancies/{discrepancy_id}/resolve"): {
        "resolution": "acknowledged",
        "note": "n",
    },
    ("POST", "/reconciliation/run"): {"date": "2026-01-01"},
    ("POST", "/reconciliation/discrepancies/{discrepancy_id}/assign"): {"owner_id": None},
    ("POST", "/reconciliation/discrepancies/{discrepancy_id}/comments"): {"body": "b"},
    ("POST", "/reconciliation/discrepancies/resolve"): {
        "ids": ["00000000-0000-0000-0000-000000000001"],
        "resolution": "acknowledged",
        "note": "n",
    },
    ("POST", "/sync/trigger"): {"source": "vima"},
    ("POST", "/sync/backfill"): {
        "source": "vima",
        "from_date": "2026-01-02",
        "to_date": "2026-01-01",  # reversed: nothing runs, whatever the mutation
    },
}
# Mutations that would make a valid, state-changing request: not sent.
HARMFUL = {("POST", "/sync/trigger", "source", "null")}  # null = sync every source


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # without the API prefix
    path_params: tuple[str, ...]
    query: tuple[str, ...]  # the names on the wire (aliases)
    body_fields: tuple[str, ...]


def _collect(dependant: Any, acc: dict[str, list[str]]) -> None:
    acc["path"] += [p.alias for p in dependant.path_params]
    acc["query"] += [p.alias for p in dependant.query_params]
    for body in dependant.body_params:
        model = body.field_info.annotation
        acc["body"] += list(getattr(model, "model_fields", {}))
    for sub in dependant.dependencies:
        _collect(sub, acc)


def routes(app: FastAPI) -> list[Route]:
    found = []
    for route in iter_route_contexts(app.routes) if iter_route_contexts else app.routes:
        path = getattr(route, "path", "")
        dependant = getattr(route, "dependant", None)
        if not path.startswith(API_PREFIX) or dependant is None:
            continue
        acc: dict[str, list[str]] = {"path": [], "query": [], "body": []}
        _collect(dependant, acc)
        for method in sorted((getattr(route, "methods", None) or set()) - {"HEAD", "OPTIONS"}):
            found.append(
                Route(
                    method,
                    path.removeprefix(API_PREFIX),
                    *(tuple(dict.fromkeys(acc[k])) for k in ("path", "query", "body")),
                )
            )
    return found


def requests_for(route: Route) -> Iterator[tuple[str, str, bytes | None]]:
    """(path, query string, body) with one bad value each."""
    ids = {name: str(uuid.uuid4()) for name in route.path_params}

    def url(values: dict[str, str]) -> str:
        path = route.path
        for name in route.path_params:
            path = path.replace("{" + name + "}", values.get(name, ids[name]))
        return API_PREFIX + path

    valid = VALID_BODIES.get((route.method, route.path))
    body = None if valid is None else json.dumps(valid).encode()
    for name in route.path_params:
        for raw in QUERY_VALUES:
            if raw:  # an empty segment is another route
                yield url({name: raw[:200]}), "", body
    for name in route.query:
        for raw in QUERY_VALUES:
            yield url({}), f"{name}={urllib.parse.quote(raw, safe='%')}", body
    if valid is not None:
        for field in route.body_fields:
            for raw in BODY_VALUES:
                if (route.method, route.path, field, raw) in HARMFUL:
                    continue
                mutated = {**valid, field: "__VALUE__"}
                text = json.dumps(mutated).replace('"__VALUE__"', raw)
                yield url({}), "", text.encode()
    if not route.path_params and not route.query and valid is None:
        yield url({}), "", None  # nothing to mutate: called once as it is


def problems(route: Route, role: str, path: str, query: str, reply: Reply) -> list[str]:
    where = f"{route.method} {path[:80]}?{query[:60]} as {role}"
    if reply.status >= 500:
        return [f"{where}: {reply.status} {reply.body[:200]!r}"]
    if reply.status < 400:
        return []
    try:
        body = json.loads(reply.body)
        ok = set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    except ValueError:
        ok = False
    return [] if ok else [f"{where}: {reply.status} not in the envelope {reply.body[:200]!r}"]


@pytest.fixture
async def signed_in(clean_db: Runtime, client: Any) -> AsyncIterator[dict[str, dict[str, str]]]:
    unlimited = LoginLimits(
        window_seconds=60,
        max_failures_per_account_and_ip=10**6,
        max_failures_per_ip=10**6,
        max_failures_per_account=10**6,
    )
    with runtime_with(clean_db, login_limits=unlimited):
        headers: dict[str, dict[str, str]] = {"anonymous": {}}
        for role in ROLES[1:]:
            headers[role] = await sign_in(client, clean_db, role)
        yield headers


async def test_no_bad_value_gets_a_5xx_or_leaves_the_envelope(
    runtime: Runtime, signed_in: dict[str, dict[str, str]]
) -> None:
    app = create_app(runtime.settings, runtime=runtime)
    # Signing out ends the sessions every later call needs: that route goes last.
    table = sorted(routes(app), key=lambda r: r.path == "/auth/logout")
    assert len(table) >= 40, "route table not walked"
    failures: list[str] = []
    sent = 0
    for route in table:
        for path, query, body in requests_for(route):
            for role in ROLES:
                reply = await asgi_call(
                    app,
                    route.method,
                    path,
                    headers=signed_in[role],
                    query=query,
                    body=body,
                    stream_grace=0.02,
                )
                sent += 1
                failures += problems(route, role, path, query, reply)
                if role != "anonymous" and reply.status == 401 and route.path != "/auth/login":
                    failures.append(f"{route.method} {route.path} as {role}: signed out early")
    assert sent > 2000
    assert not failures, f"{len(failures)} of {sent}:\n" + "\n".join(failures[:40])
