"""Every route's JSON body is checked against its `response_model`.

FastAPI validates what an endpoint returns only when it returns data; a `Response` it
sends as is. The read API builds its own JSON responses (`kit.json`: exact decimals,
cached JSON text), so those bodies are validated here, after the endpoint, against the
same model the OpenAPI document shows, with no key beyond it. A body that does not
match is a bug: it ends as FastAPI's own `ResponseValidationError` (a 500, logged)
instead of reaching a client that trusts the document.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.exceptions import ResponseValidationError
from fastapi.routing import APIRoute
from pydantic import TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class ValidatedRoute(APIRoute):
    """The route class of every router (`APIRouter(route_class=ValidatedRoute)`)."""

    def get_route_handler(self) -> Handler:
        handler = super().get_route_handler()
        if self.response_model is None:
            return handler
        adapter: TypeAdapter[Any] = TypeAdapter(self.response_model)

        async def validated(request: Request) -> Response:
            response = await handler(request)
            if isinstance(response, JSONResponse):
                try:
                    adapter.validate_json(bytes(response.body), extra="forbid")
                except ValidationError as exc:
                    # Where and what kind, not the values: a body holds payer data, and
                    # the error is logged.
                    errors = exc.errors(include_input=False, include_url=False)
                    raise ResponseValidationError(errors) from None
            return response

        return validated
