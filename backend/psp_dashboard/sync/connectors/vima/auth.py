"""How the connector proves itself to Vima: the spec's two ways, chosen by configuration.

1. `apikey=<key>` in the query string (`VIMA_AUTH=api_key`, the default);
2. `Authorization: Basic base64(user:password)` (`VIMA_AUTH=basic`).

Both are secrets: kept as `SecretStr`, never in a repr, a log line or an error message
(the HTTP layer redacts query strings; headers are never logged).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from pydantic import SecretStr


@dataclass(frozen=True, slots=True)
class VimaBasicAuth:
    username: SecretStr
    password: SecretStr

    def __repr__(self) -> str:
        return "VimaBasicAuth(<hidden>)"

    def header(self) -> str:
        pair = f"{self.username.get_secret_value()}:{self.password.get_secret_value()}"
        return "Basic " + base64.b64encode(pair.encode()).decode("ascii")


VimaCredentials = SecretStr | VimaBasicAuth


def as_credentials(value: SecretStr | str | VimaBasicAuth) -> VimaCredentials:
    """An API key given as text becomes a `SecretStr`; anything else stays as it is."""
    return SecretStr(value) if isinstance(value, str) else value


def auth_params(credentials: VimaCredentials) -> dict[str, str]:
    """Query parameters carrying the credentials (the API key), or none."""
    if isinstance(credentials, SecretStr):
        return {"apikey": credentials.get_secret_value()}
    return {}


def auth_headers(credentials: VimaCredentials) -> dict[str, str]:
    """Headers carrying the credentials (Basic auth), or none."""
    if isinstance(credentials, VimaBasicAuth):
        return {"authorization": credentials.header()}
    return {}
