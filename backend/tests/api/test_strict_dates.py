"""Every date of the route table is `YYYY-MM-DD` and nothing else.

The dates are found in the OpenAPI document (`format: date`, query parameters and JSON
body fields), so a route added later is covered without touching this file. Each bad
form must be a 400 in the error envelope naming the field — not a day silently read from
a Unix time or a timestamp.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from psp_dashboard.main import API_PREFIX
from tests.api.conftest import Api

GOOD = "2026-03-02"
BAD_FORMS = (
    "1736899200",  # a Unix time
    "0",
    "2026-01-15T00:00:00",  # a timestamp
    "2026-01-15T00:00:00Z",
    "2026-01-15 00:00",
    "2026-1-5",
    "15-01-2026",
    "2026/01/15",
    "20260115",
    "2026-W03-1",  # a week date
    "2026-02-30",  # no such day
    "2026-01-15\n",
    " 2026-01-15",
    "２０２６-01-15",  # full-width digits
    "٢٠٢٦-٠١-١٥",  # Arabic-Indic digits
)
BAD_JSON = (1736899200, 1736899200.0, True, *BAD_FORMS)


def _is_date(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf", [schema])
    return any(o.get("format") == "date" for o in options)


def _dummy(param: dict[str, Any]) -> str:
    if _is_date(param["schema"]):
        return GOOD
    if param["schema"].get("format") == "uuid":
        return str(uuid.uuid4())
    enum = param["schema"].get("enum")
    return str(enum[0]) if enum else "x"


def _body_value(field: dict[str, Any], schemas: dict[str, Any]) -> Any:
    """A valid value for a required body field (so the date is the only bad one)."""
    if "$ref" in field:
        field = schemas[field["$ref"].rsplit("/", 1)[-1]]
    if _is_date(field):
        return GOOD
    if "enum" in field:
        return field["enum"][0]
    return {"integer": 1, "boolean": False, "number": 1}.get(field.get("type", ""), "x")


def date_fields(doc: dict[str, Any]) -> Iterator[tuple[str, str, str, str, dict[str, Any]]]:
    """(method, path, where, name, the other required values) per date of the document."""
    schemas = doc["components"]["schemas"]
    for path, item in doc["paths"].items():
        for method, op in item.items():
            params = op.get("parameters", [])
            required = {
                p["name"]: _dummy(p)
                for p in params
                if p.get("required") and p["in"] in ("query", "path")
            }
            for p in params:
                if p["in"] == "query" and _is_date(p["schema"]):
                    yield method.upper(), path, "query", p["name"], required
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body is None:
                continue
            ref = body["schema"].get("$ref", "")
            model = schemas.get(ref.rsplit("/", 1)[-1], {})
            others = {
                k: _body_value(v, schemas)
                for k, v in model.get("properties", {}).items()
                if k in model.get("required", [])
            }
            for name, field in model.get("properties", {}).items():
                if _is_date(field):
                    yield method.upper(), path, "body", name, {**required, "__body": others}


def _url(path: str, required: dict[str, Any]) -> str:
    for name, value in required.items():
        path = path.replace("{" + name + "}", value)
    return path


async def test_every_date_of_the_route_table_refuses_every_bad_form(api: Api) -> None:
    doc = api.client._transport.app.openapi()  # type: ignore[attr-defined]
    fields = list(date_fields(doc))
    found = {(m, p.removeprefix(API_PREFIX), n) for m, p, _, n, _ in fields}
    # The route table's dates, at least these (more may come; all are tested).
    assert {
        ("GET", "/transactions", "from_date"),
        ("GET", "/transactions", "to_date"),
        ("GET", "/metrics/overview", "from_date"),
        ("GET", "/metrics/trends", "to_date"),
        ("GET", "/reconciliation/summary", "date"),
        ("GET", "/reconciliation/discrepancies", "from_date"),
        ("GET", "/reconciliation/runs", "date"),
        ("POST", "/reconciliation/run", "date"),
    } <= found, sorted(found)
    headers = await api.headers("admin")
    checked = 0
    for method, path, where, name, required in fields:
        others = required.pop("__body", {})
        query = {k: v for k, v in required.items() if "{" + k + "}" not in path}
        url = _url(path, required)
        for bad in BAD_JSON if where == "body" else BAD_FORMS:
            if where == "query":
                response = await api.client.request(
                    method, url, params={**query, name: bad}, headers=headers
                )
            else:
                response = await api.client.request(
                    method, url, params=query, json={**others, name: bad}, headers=headers
                )
            assert response.status_code == 400, (method, path, name, bad, response.text)
            error = response.json()["error"]
            assert error["code"] == "VALIDATION_ERROR", (path, name, bad)
            named = {
                error["details"]["field"],
                *(e["field"] for e in error["details"].get("errors", [])),
            }
            assert name in named, (path, name, bad, error)
            checked += 1
    assert checked >= 8 * len(BAD_FORMS)
