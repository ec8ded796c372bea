"""Security headers on every response, and whether a request counts as HTTPS.

Each response gets `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`
(dashboard URLs carry search terms, which may be payer data), `X-Frame-Options: DENY`
and a Content-Security-Policy: the one a response set itself (the dashboard's pages,
the API docs), else the API's, which allows nothing to load and nobody to frame it.
`Strict-Transport-Security` goes with every response to a request that arrived over
HTTPS, unless COOKIE_SECURE=false says this deployment does not want Secure.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import Message, Receive, Scope, Send

from psp_dashboard.api.asgi import HttpMiddleware
from psp_dashboard.api.settings import settings_of
from psp_dashboard.config import Settings

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HSTS = "max-age=31536000"
_ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": API_CSP,
}


def arrived_over_https(scope: Scope) -> bool:
    """The scheme as the client used it: a trusted proxy's X-Forwarded-Proto has been
    applied by then (main.py), anyone else's is ignored."""
    return scope.get("scheme") in ("https", "wss")


def cookie_is_secure(settings: Settings, scope: Scope) -> bool:
    if settings.cookie_secure == "auto":
        return arrived_over_https(scope)
    return bool(settings.cookie_secure)


class SecurityHeadersMiddleware(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        settings = settings_of(scope)
        hsts = arrived_over_https(scope) and settings.cookie_secure is not False

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in _ALWAYS.items():
                    # A 304 refreshes a cached response's headers: a policy added here would
                    # replace the one the page was served with.
                    if name not in headers and not (
                        message["status"] == 304 and name == "Content-Security-Policy"
                    ):
                        headers[name] = value
                if hsts:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, with_headers)
