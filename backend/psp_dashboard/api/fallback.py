"""What answers a path no route matched: the dashboard's files, except under the API.

An unknown `/api/v1/...` path is the JSON 404 envelope (it used to be the dashboard's
HTML 404 page); a known path with another method never gets here (the router answers
405 with `Allow`).
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send


class DashboardOrApiNotFound:
    def __init__(self, api_prefix: str, dashboard: ASGIApp | None) -> None:
        self.api_prefix = api_prefix
        self.dashboard = dashboard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        under_api = path == self.api_prefix or path.startswith(self.api_prefix + "/")
        if self.dashboard is None or under_api or scope["type"] != "http":
            raise HTTPException(status_code=404)
        await self.dashboard(scope, receive, send)
