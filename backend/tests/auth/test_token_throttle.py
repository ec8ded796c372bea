"""Finding 9: API tokens had no rate limit on expensive endpoints (a viewer's token
filled Redis with 2,000 summaries in 6.9 s). Now TOKEN_RATE_PER_MINUTE per user there."""

from __future__ import annotations

import dataclasses

from httpx import ASGITransport, AsyncClient

from psp_dashboard.main import create_app
from psp_dashboard.runtime import Runtime
from tests.support.auth import api_token, sign_in

LIMIT = 3


async def test_tokens_are_limited_per_user_on_expensive_endpoints(clean_db: Runtime) -> None:
    limited = dataclasses.replace(
        clean_db,
        settings=clean_db.settings.model_copy(update={"token_rate_per_minute": LIMIT}),
    )
    app = create_app(limited.settings, runtime=limited)
    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://test") as http:
        bearer = await api_token(limited, "viewer")
        # Windows are whole minutes: 2 × LIMIT + 1 calls overflow one of at most two.
        statuses = []
        refused = None
        for i in range(2 * LIMIT + 1):
            day = f"2026-01-{i + 1:02d}"
            response = await http.get(
                "/api/v1/reconciliation/summary", params={"date": day}, headers=bearer
            )
            statuses.append(response.status_code)
            if response.status_code == 429 and refused is None:
                refused = response
        assert set(statuses) == {200, 429} and statuses.count(200) <= 2 * LIMIT
        assert refused is not None
        error = refused.json()["error"]
        assert error["code"] == "RATE_LIMIT_EXCEEDED"
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert error["details"]["limit_per_minute"] == LIMIT
        # Cheap endpoints are not counted; browser sessions are people, not loops.
        assert (await http.get("/api/v1/auth/me", headers=bearer)).status_code == 200
        session = await sign_in(http, limited, "viewer")
        for _ in range(2 * LIMIT + 1):
            response = await http.get("/api/v1/transactions", headers=session)
            assert response.status_code == 200
