"""GET /sync/quarantine: filters by source and reason, and the reasons to pick from."""

from __future__ import annotations

from httpx import AsyncClient

from psp_dashboard.runtime import Runtime
from psp_dashboard.sync.quarantine import Rejected, quarantine_records
from tests.support.auth import sign_in

QUARANTINE = "/api/v1/sync/quarantine"


async def _seed(runtime: Runtime) -> None:
    async with runtime.engine.begin() as conn:
        await quarantine_records(
            conn,
            "vima",
            [Rejected({"n": i}, "missing amount", f"v{i}") for i in range(3)]
            + [Rejected({"n": 10}, "invalid currency", "v10")],
        )
        await quarantine_records(
            conn,
            "payshack",
            [Rejected({"n": i}, "missing amount", f"p{i}") for i in range(2)]
            + [Rejected({"n": 20 + i}, "unparseable createdAt", f"p2{i}") for i in range(4)],
        )


async def test_reason_and_source_filters_narrow_the_list(
    clean_db: Runtime, client: AsyncClient
) -> None:
    await _seed(clean_db)
    viewer = await sign_in(client, clean_db, "viewer")
    both = (
        await client.get(QUARANTINE, params={"reason": "missing amount"}, headers=viewer)
    ).json()
    assert both["meta"]["total"] == 5
    assert {r["source"] for r in both["data"]} == {"vima", "payshack"}
    assert {r["reason"] for r in both["data"]} == {"missing amount"}
    one = await client.get(
        QUARANTINE, params={"source": "payshack", "reason": "missing amount"}, headers=viewer
    )
    assert one.status_code == 200
    body = one.json()
    assert body["meta"]["total"] == 2
    assert sorted(r["source_record_id"] for r in body["data"]) == ["p0", "p1"]
    none = (await client.get(QUARANTINE, params={"reason": "missing"}, headers=viewer)).json()
    assert none["meta"]["total"] == 0  # exact reasons, not a substring search


async def test_meta_lists_each_reason_with_its_count(
    clean_db: Runtime, client: AsyncClient
) -> None:
    await _seed(clean_db)
    viewer = await sign_in(client, clean_db, "viewer")
    every = (await client.get(QUARANTINE, headers=viewer)).json()["meta"]["reasons"]
    assert every == [
        {"reason": "missing amount", "count": 5},
        {"reason": "unparseable createdAt", "count": 4},
        {"reason": "invalid currency", "count": 1},
    ]
    # The source narrows the choices; the picked reason does not (the list stays a menu).
    picked = await client.get(
        QUARANTINE, params={"source": "vima", "reason": "invalid currency"}, headers=viewer
    )
    assert picked.json()["meta"]["total"] == 1
    assert picked.json()["meta"]["reasons"] == [
        {"reason": "missing amount", "count": 3},
        {"reason": "invalid currency", "count": 1},
    ]


async def test_an_overlong_reason_is_a_clear_400(clean_db: Runtime, client: AsyncClient) -> None:
    viewer = await sign_in(client, clean_db, "viewer")
    response = await client.get(QUARANTINE, params={"reason": "x" * 501}, headers=viewer)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"
