"""GET /reconciliation/discrepancies by cursor, and no row of a running run in the detail."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import text

from psp_dashboard.kit import keyset
from psp_dashboard.runtime import Runtime
from tests.api.conftest import Api

DAY = date(2026, 3, 10)


async def _run(
    runtime: Runtime,
    day: date,
    status: str,
    current: bool,
    rows: int,
    *,
    spread: int = 7,
    nulls: bool = True,
) -> uuid.UUID:
    """A run of `day` with `rows` result rows over every kind (NULL types and ids too),
    several sharing a key (`spread` operation ids) so that only `id` tells them apart."""
    async with runtime.engine.begin() as conn:
        run = (
            await conn.execute(
                text(
                    "INSERT INTO reconciliation_runs (recon_date, status, triggered_by, "
                    "settings, is_current) VALUES (:d, :s, 'system', '{}', :c) RETURNING id"
                ),
                {"d": day, "s": status, "c": current},
            )
        ).scalar_one()
        await conn.execute(
            text(
                """
                INSERT INTO reconciliation_results (recon_date, recon_run_id,
                    client_operation_id, match_status, discrepancy_type)
                SELECT :d, :r,
                       CASE WHEN :nulls AND g % 5 = 0 THEN NULL
                            ELSE 'cop-' || (g % :spread) END,
                       (ARRAY['discrepancy', 'missing_vima', 'missing_payshack'])[1 + g % 3],
                       CASE WHEN g % 3 = 0
                            THEN (ARRAY['amount', 'status', 'time'])[1 + g % 4 % 3] END
                FROM generate_series(1, :n) AS g
                """
            ),
            {"d": day, "r": run, "n": rows, "spread": spread, "nulls": nulls},
        )
    return uuid.UUID(str(run))


async def _walk(api: Api, limit: int, **params: Any) -> list[str]:
    body = (await api.get("/reconciliation/discrepancies", limit=limit, **params)).json()
    ids = [r["id"] for r in body["data"]]
    while body["meta"]["next_cursor"]:
        cursor = body["meta"]["next_cursor"]
        response = await api.get(
            "/reconciliation/discrepancies", limit=limit, cursor=cursor, **params
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert "page" not in body["meta"]
        ids += [r["id"] for r in body["data"]]
    return ids


async def _by_pages(api: Api, **params: Any) -> tuple[list[str], int]:
    ids: list[str] = []
    page = 1
    while True:
        body = (
            await api.get("/reconciliation/discrepancies", limit=100, page=page, **params)
        ).json()
        if not body["data"]:
            return ids, body["meta"]["total"]
        ids += [r["id"] for r in body["data"]]
        page += 1


async def test_cursor_walk_over_days_equals_the_page_order(api: Api) -> None:
    for offset in range(3):
        await _run(api.runtime, DAY - timedelta(days=offset), "completed", True, 61)
    await _run(api.runtime, DAY - timedelta(days=1), "completed", False, 9)  # superseded
    await _run(api.runtime, DAY + timedelta(days=1), "running", False, 8)  # in progress
    paged, total = await _by_pages(api)
    assert total == 183 == len(paged) == len(set(paged))
    for limit in (1, 7, 50):
        assert await _walk(api, limit) == paged, limit
    filtered, _ = await _by_pages(api, type="missing_vima")
    assert await _walk(api, 4, type="missing_vima") == filtered
    assert len(filtered) == 3 * 21  # g % 3 == 1 of 1..61


async def test_a_rerun_between_pages_continues_at_the_same_position(api: Api) -> None:
    # A run's rows have distinct keys (one per identity and type), as the engine writes.
    first = await _run(api.runtime, DAY, "completed", True, 40, spread=1000, nulls=False)
    body = (await api.get("/reconciliation/discrepancies", limit=15)).json()
    seen = body["data"]
    # The day is re-run: new rows (new ids), same keys; the old run is superseded.
    async with api.runtime.engine.begin() as conn:
        await conn.execute(
            text("UPDATE reconciliation_runs SET is_current = false WHERE id = :r"),
            {"r": first},
        )
    await _run(api.runtime, DAY, "completed", True, 40, spread=1000, nulls=False)
    rest = await api.get(
        "/reconciliation/discrepancies", limit=100, cursor=body["meta"]["next_cursor"]
    )
    after = rest.json()["data"]
    assert len(seen) + len(after) == 40  # no key seen twice, none skipped
    key = ("match_status", "discrepancy_type", "client_operation_id")
    seen_keys = {tuple(r[k] for k in key) for r in seen}
    after_keys = {tuple(r[k] for k in key) for r in after}
    assert not seen_keys & after_keys
    assert all(r["run_id"] != str(first) for r in after)


async def test_bad_discrepancy_cursors_are_400(api: Api) -> None:
    await _run(api.runtime, DAY, "completed", True, 10)
    good = (await api.get("/reconciliation/discrepancies", limit=3)).json()["meta"]["next_cursor"]
    txn_cursor = keyset.encode("transactions:created_at:desc", keyset.Cursor(("x",), "y"))
    forged = keyset.encode(
        "discrepancies", keyset.Cursor(("not-a-day", str(uuid.uuid4()), "a", None, None), "z")
    )
    for params, reason in [
        ({"cursor": good[:-3]}, "invalid"),
        ({"cursor": txn_cursor}, "invalid"),
        ({"cursor": forged}, "invalid"),
        ({"cursor": good, "page": 2}, "with_page"),
    ]:
        response = await api.get("/reconciliation/discrepancies", **params)
        assert response.status_code == 400, params
        assert response.json()["error"]["details"] == {
            **response.json()["error"]["details"],
            "field": "cursor",
            "reason": reason,
        }


async def test_the_detail_hides_a_row_of_a_run_in_progress(api: Api) -> None:
    running = await _run(api.runtime, DAY, "running", False, 3)
    done = await _run(api.runtime, DAY - timedelta(days=1), "completed", True, 3)
    async with api.runtime.engine.connect() as conn:
        ids = {
            run: str(
                (
                    await conn.execute(
                        text("SELECT id FROM reconciliation_results WHERE recon_run_id = :r"),
                        {"r": run},
                    )
                ).first()[0]  # type: ignore[index]
            )
            for run in (running, done)
        }
    hidden = await api.get(f"/reconciliation/discrepancies/{ids[running]}")
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "NOT_FOUND"
    shown = await api.get(f"/reconciliation/discrepancies/{ids[done]}")
    assert shown.status_code == 200, shown.text
    # Once the run completes the same row is served.
    async with api.runtime.engine.begin() as conn:
        await conn.execute(
            text("UPDATE reconciliation_runs SET status = 'completed' WHERE id = :r"),
            {"r": running},
        )
    assert (await api.get(f"/reconciliation/discrepancies/{ids[running]}")).status_code == 200
