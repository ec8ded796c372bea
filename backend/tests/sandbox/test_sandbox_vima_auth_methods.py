"""The Vima sandbox accepts the spec's two ways to authenticate, as configured."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from psp_dashboard.sandbox.config import Credentials, SandboxConfig, WorldConfig
from psp_dashboard.sandbox.testing import sandbox_thread

TINY = WorldConfig(seed=3, start=date(2026, 1, 5), days=1, per_day=40)


@pytest.mark.parametrize(
    ("methods", "key_ok", "basic_ok"),
    [(("api_key", "basic"), True, True), (("api_key",), True, False), (("basic",), False, True)],
)
def test_each_method_is_accepted_only_when_configured(
    methods: tuple[str, ...], key_ok: bool, basic_ok: bool
) -> None:
    config = SandboxConfig(world=TINY, credentials=Credentials(vima_auth_methods=methods))
    with sandbox_thread(config) as sb, httpx.Client(base_url=sb.vima_base_url) as http:
        c = sb.credentials
        query = {"count": "5", "descending": "false"}
        by_key = http.get("/operation", params={**query, "apikey": c.vima_apikey})
        by_basic = http.get("/operation", params=query, auth=(c.vima_basic_user, c.vima_basic_pass))
        wrong = http.get("/operation", params=query, auth=(c.vima_basic_user, "wrong"))
        assert (by_key.status_code == 200, by_basic.status_code == 200) == (key_ok, basic_ok)
        assert wrong.status_code == 401
        served = sb.sandbox.vima_served.snapshot()
        assert served == {"requests": key_ok + basic_ok, "operations": 5 * (key_ok + basic_ok)}
