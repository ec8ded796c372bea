"""Every route's body matches its `response_model`: a body that does not is a 500.

FastAPI checks only what an endpoint returns as data; the read API sends its own JSON
responses (exact decimals, cached JSON text), which `api.validated.ValidatedRoute`
checks. The route table must leave no way around it, and a wrong body must fail,
whichever way the endpoint builds it.
"""

from __future__ import annotations

import importlib
import json
from datetime import date
from typing import Any

import pytest
from fastapi.routing import APIRoute
from starlette.responses import FileResponse, StreamingResponse

from psp_dashboard.api.validated import ValidatedRoute
from psp_dashboard.main import create_app
from psp_dashboard.metrics import service as metrics_service
from psp_dashboard.reconciliation import service as recon_service
from psp_dashboard.runtime import Runtime
from psp_dashboard.transactions import service as transactions_service
from psp_dashboard.users import service as users_service
from tests.api.conftest import Api
from tests.api.factory import load, random_dataset

_iter_route_contexts: Any = getattr(
    importlib.import_module("fastapi.routing"), "iter_route_contexts", None
)
PAGE = {"data": [], "meta": {"page": 1, "limit": 50, "total": 0, "total_pages": 0}}


def test_no_route_gets_around_its_model(runtime: Runtime) -> None:
    """Each documented route is a ValidatedRoute, and only downloads, the event stream
    and the sign-in form's redirect (no JSON body) go without a model."""
    app = create_app(runtime.settings, runtime=runtime)
    contexts = _iter_route_contexts(app.routes) if _iter_route_contexts else app.routes
    found = [getattr(c, "original_route", c) for c in contexts]
    routes = [r for r in found if isinstance(r, APIRoute) and r.include_in_schema]
    operations = [op for item in app.openapi()["paths"].values() for op in item]
    assert sum(len(r.methods) for r in routes) == len(operations)
    for route in routes:
        assert isinstance(route, ValidatedRoute), route.path
        response_class = getattr(route.response_class, "value", route.response_class)
        # Downloads, files, the event stream, a redirect or a 204 have no JSON body.
        no_body = issubclass(
            response_class, StreamingResponse | FileResponse
        ) or route.status_code in (204, 303)
        assert (route.response_model is None) == no_body, route.path


async def body_of(api: Api, path: str, role: str = "analyst", **params: Any) -> tuple[int, Any]:
    response = await api.get(path, role, **params)
    return response.status_code, json.loads(response.text)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (PAGE, 200),
        ({"data": []}, 500),  # no `meta`
        ({**PAGE, "extra": 1}, 500),  # a key the document does not show
        ({**PAGE, "meta": {**PAGE["meta"], "total": "many"}}, 500),
    ],
)
async def test_a_built_response_is_checked(
    api: Api, monkeypatch: pytest.MonkeyPatch, body: dict[str, Any], status: int
) -> None:
    async def listing(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return body

    monkeypatch.setattr(transactions_service, "list_transactions", listing)
    code, answer = await body_of(api, "/transactions")
    assert code == status
    if status == 500:
        assert answer["error"]["code"] == "INTERNAL_ERROR"


async def test_a_nested_extra_key_is_refused(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    await load(api.runtime, random_dataset(5, date(2026, 3, 2), 1, 3))
    original = transactions_service.shape

    def leaky(row: dict[str, Any], principal: Any) -> dict[str, Any]:
        return {**original(row, principal), "raw_data": {}}  # the list never shows it

    monkeypatch.setattr(transactions_service, "shape", leaky)
    code, _ = await body_of(api, "/transactions")
    assert code == 500


async def test_cached_json_text_is_checked(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    """Metrics and the reconciliation summary answer with JSON text (from Redis on a
    hit): that text is checked too."""
    code, good = await body_of(api, "/reconciliation/summary", date="2026-03-02")
    assert code == 200

    async def wrong(*args: Any, **kwargs: Any) -> str:
        return json.dumps({"data": {**good["data"], "matched": None}})

    monkeypatch.setattr(recon_service, "summary_json", wrong)
    assert (await body_of(api, "/reconciliation/summary", date="2026-03-02"))[0] == 500

    async def overview(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {"period": {"from": "2026-03-02"}}

    monkeypatch.setattr(metrics_service, "overview", overview)
    assert (await body_of(api, "/metrics/overview"))[0] == 500


async def test_returned_data_is_checked_by_fastapi(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    def public(user: Any) -> dict[str, Any]:
        return {"id": str(user.id)}  # no e-mail, role, ...

    monkeypatch.setattr(users_service, "public", public)
    code, answer = await body_of(api, "/users", role="admin")
    assert (code, answer["error"]["code"]) == (500, "INTERNAL_ERROR")
