"""`/api/v1/openapi.json` and `/api/v1/docs`: for signed-in users unless DOCS_PUBLIC=true.

The route table documents the whole attack surface, so by default only someone who
could call the API anyway may read it. The dependency carries the viewer marker the
permission tests read from the route table.
"""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse

from psp_dashboard.auth.deps import require

_SWAGGER_CDN = "https://cdn.jsdelivr.net"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_require_viewer = require("viewer")


async def docs_reader(request: Request) -> None:
    if not request.app.state.runtime.settings.docs_public:
        await _require_viewer(request)


docs_reader.required_role = "viewer"  # type: ignore[attr-defined]


def _docs_policy(html: str) -> str:
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
        for s in _INLINE_SCRIPT.findall(html)
    )
    return (
        f"default-src 'none'; script-src {_SWAGGER_CDN} {hashes}; "
        f"style-src {_SWAGGER_CDN} 'unsafe-inline'; img-src 'self' data: "
        "https://fastapi.tiangolo.com; connect-src 'self'; frame-ancestors 'none'; "
        "base-uri 'none'; form-action 'none'"
    )


def install_docs(app: FastAPI, prefix: str) -> None:
    openapi_url = f"{prefix}/openapi.json"

    @app.get(openapi_url, include_in_schema=False, dependencies=[Depends(docs_reader)])
    async def openapi_document() -> JSONResponse:
        return JSONResponse(app.openapi())

    @app.get(f"{prefix}/docs", include_in_schema=False, dependencies=[Depends(docs_reader)])
    async def swagger_ui() -> HTMLResponse:
        page = get_swagger_ui_html(openapi_url=openapi_url, title=f"{app.title} — docs")
        html = bytes(page.body).decode()
        return HTMLResponse(html, headers={"Content-Security-Policy": _docs_policy(html)})
