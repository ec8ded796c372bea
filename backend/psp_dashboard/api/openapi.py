"""OpenAPI: validation failures are documented as the contract's 400 envelope, not 422."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {
                    "type": "string",
                    "enum": [
                        "VALIDATION_ERROR",
                        "UNAUTHENTICATED",
                        "FORBIDDEN",
                        "NOT_FOUND",
                        "CONFLICT",
                        "RATE_LIMIT_EXCEEDED",
                        "INTERNAL_ERROR",
                        "UPSTREAM_ERROR",
                        "SERVICE_UNAVAILABLE",
                    ],
                },
                "message": {"type": "string"},
                "details": {"type": "object", "additionalProperties": True},
            },
        }
    },
}

_ERROR_REF = {"$ref": "#/components/schemas/ErrorEnvelope"}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR_REF}}}


def install_openapi(app: FastAPI) -> None:
    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = get_openapi(title=app.title, version=app.version, routes=app.routes)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        components["ErrorEnvelope"] = ERROR_SCHEMA
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                had_422 = responses.pop("422", None) is not None
                if had_422 or operation.get("parameters") or operation.get("requestBody"):
                    responses.setdefault("400", _error_response("Invalid parameters"))
                responses.setdefault("500", _error_response("Internal error"))
                for code, response in responses.items():
                    if code[0] in "45" and "content" not in response:
                        response["content"] = {"application/json": {"schema": _ERROR_REF}}
        app.openapi_schema = schema
        return schema

    app.openapi = build  # type: ignore[method-assign]
