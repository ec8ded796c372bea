"""Helpers of the auth tests: the route table, a raw ASGI caller, seeded payer data."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from psp_dashboard.auth.ratelimit import LoginLimits
from psp_dashboard.main import API_PREFIX, create_app
from psp_dashboard.runtime import Runtime
from tests.support.runtime import runtime_with

# FastAPI >= 0.16x keeps included routers lazily; `iter_route_contexts` walks them
# (older versions list every route flat in app.routes).
iter_route_contexts: Any = getattr(
    importlib.import_module("fastapi.routing"), "iter_route_contexts", None
)

# Routes anyone may call: everything else must declare a role.
# (`/openapi.json` and `/docs` carry the viewer marker: public only with DOCS_PUBLIC.)
# The sign-in routes: the JSON one and the plain HTML form post (works before scripts).
PUBLIC_PATHS = frozenset(
    {f"{API_PREFIX}/health", f"{API_PREFIX}/auth/login", f"{API_PREFIX}/auth/login-form"}
)


@dataclasses.dataclass(frozen=True)
class RouteInfo:
    method: str
    path: str
    roles: tuple[str, ...]  # every required_role marker found in its dependencies
    path_params: tuple[tuple[str, Any], ...]  # (name, annotation)
    query_params: tuple[str, ...]
    has_body: bool

    @property
    def required_role(self) -> str | None:
        from psp_dashboard.auth.deps import ROLE_RANK

        return max(self.roles, key=lambda r: ROLE_RANK[r]) if self.roles else None

    def url(self, values: dict[str, str] | None = None) -> str:
        path = self.path
        for name, annotation in self.path_params:
            value = (values or {}).get(name) or ("1" if annotation is int else str(uuid.uuid4()))
            for convertor in ("", ":path", ":uuid"):
                path = path.replace("{" + name + convertor + "}", value)
        return path


def _walk(dependant: Any, acc: dict[str, list[Any]]) -> None:
    acc["path"] += [(p.name, p.field_info.annotation) for p in dependant.path_params]
    acc["query"] += [p.name for p in dependant.query_params]
    acc["body"] += list(dependant.body_params)
    for sub in dependant.dependencies:
        role = getattr(sub.call, "required_role", None)
        if role is not None:
            acc["roles"].append(role)
        _walk(sub, acc)


def api_routes(app: FastAPI) -> list[RouteInfo]:
    """Every /api/v1 route × method of the app, with its role markers and parameters."""
    contexts = iter_route_contexts(app.routes) if iter_route_contexts else app.routes
    found: list[RouteInfo] = []
    for route in contexts:
        path = getattr(route, "path", None)
        if not path or not path.startswith(API_PREFIX):
            continue
        dependant = getattr(route, "dependant", None)
        acc: dict[str, list[Any]] = {"path": [], "query": [], "body": [], "roles": []}
        if dependant is not None:
            _walk(dependant, acc)
        for method in sorted((getattr(route, "methods", None) or set()) - {"HEAD", "OPTIONS"}):
            found.append(
                RouteInfo(
                    method=method,
                    path=path,
                    roles=tuple(acc["roles"]),
                    path_params=tuple(dict.fromkeys(acc["path"])),
                    query_params=tuple(dict.fromkeys(acc["query"])),
                    has_body=bool(acc["body"]),
                )
            )
    return found


@dataclasses.dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


async def asgi_call(
    app: FastAPI,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    query: str = "",
    body: bytes | None = None,
    settle: float = 10.0,
    stream_grace: float = 0.5,
) -> Reply:
    """Call the app directly: works for endless streams too (reads what comes, then leaves)."""
    raw_headers = [(b"host", b"test")]
    for key, value in (headers or {}).items():
        raw_headers.append((key.lower().encode(), value.encode()))
    if body is not None:
        raw_headers.append((b"content-type", b"application/json"))
        raw_headers.append((b"content-length", str(len(body)).encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": raw_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("test", 80),
        "state": {},
    }
    started = asyncio.Event()
    finished = asyncio.Event()
    disconnect = asyncio.Event()
    reply = Reply(status=0, headers={}, body=b"")
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body or b"", "more_body": False}
        await disconnect.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            reply.status = message["status"]
            reply.headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
            started.set()
        elif message["type"] == "http.response.body":
            reply.body += message.get("body", b"")
            if not message.get("more_body", False):
                finished.set()

    task = asyncio.create_task(app(scope, receive, send))  # type: ignore[arg-type]
    head = asyncio.create_task(started.wait())
    await asyncio.wait({task, head}, timeout=settle, return_when=asyncio.FIRST_COMPLETED)
    endless = reply.headers.get("content-type", "").startswith("text/event-stream")
    waiter = asyncio.create_task(finished.wait())
    # An event stream never ends: take a sip of it. Anything else: wait for its end.
    await asyncio.wait(
        {task, waiter},
        timeout=stream_grace if endless else settle,
        return_when=asyncio.FIRST_COMPLETED,
    )
    disconnect.set()
    for pending in (task, head, waiter):
        if not pending.done():
            pending.cancel()
    await asyncio.gather(task, head, waiter, return_exceptions=True)
    assert reply.status, f"{method} {path}: no response within {settle}s"
    return reply


@pytest.fixture
def app(runtime: Runtime) -> FastAPI:
    return create_app(runtime.settings, runtime=runtime)


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[AsyncClient]:
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as client:
        yield client


@pytest.fixture
def login_limits(runtime: Runtime) -> Iterator[None]:
    """Tests that fail sign-ins on purpose get generous limits unless they set their own."""
    generous = LoginLimits(
        window_seconds=60,
        max_failures_per_account_and_ip=1000,
        max_failures_per_account=1000,
        max_failures_per_ip=1000,
    )
    with runtime_with(runtime, login_limits=generous):
        yield


def iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
