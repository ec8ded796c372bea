"""The admin's client → project map: beats the env default, re-labels stored rows with
exact rollups, applies to later syncs, admin only, audited."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
from httpx import AsyncClient
from sqlalchemy import text

from psp_dashboard.reference.client_map import effective_map, resolve
from psp_dashboard.reference.refresh import refresh_reference
from psp_dashboard.runtime import Runtime
from psp_dashboard.sandbox.testing import SandboxHandle
from psp_dashboard.sync.connectors.payshack.normalize import project_for
from psp_dashboard.sync.service import sync_source
from tests.support.auth import sign_in

ENV = {"91G_TECH_PVT_LTD": "91game", "MNCL_M5_Pvt_Ltd": "mncl_m5"}


def test_an_admin_row_beats_the_env_default_for_every_spelling() -> None:
    admin = {"mncl_m5_pvt_ltd": "mncl_new"}
    merged = effective_map(ENV, admin)
    assert merged == {"91G_TECH_PVT_LTD": "91game", "mncl_m5_pvt_ltd": "mncl_new"}
    for spelling in ("MNCL_M5_Pvt_Ltd", "mncl_m5_pvt_ltd", " MNCL_M5_PVT_LTD "):
        assert project_for(spelling.strip(), merged) == "mncl_new"
    assert resolve("MNCL_M5_Pvt_Ltd", ENV, admin) == ("mncl_new", "admin")
    assert resolve("91G_TECH_PVT_LTD", ENV, admin) == ("91game", "env")
    assert resolve("Someone Else", ENV, admin) == (None, "none")


def advance(handle: SandboxHandle, **body: int) -> None:
    httpx.post(f"{handle.payshack_base_url}/_sandbox/advance", json=body).raise_for_status()


async def by_project(runtime: Runtime) -> dict[str, Any]:
    """Per project: rows and amounts from the rows, the 30-minute and the daily rollup."""
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT COALESCE(project, ''), COUNT(*), SUM(amount) FROM transactions "
                "WHERE direction = 'payin' GROUP BY 1"
            )
        )
        raw = {p: (int(n), Decimal(a)) for p, n, a in rows}
        out: dict[str, Any] = {"rows": raw}
        for table in ("transaction_rollup", "transaction_rollup_daily"):
            summed = await conn.execute(
                text(f"SELECT project, SUM(count), SUM(amount) FROM {table} GROUP BY 1")
            )
            out[table] = {p: (int(n), Decimal(a)) for p, n, a in summed if n}
        per_day = await conn.execute(
            text(
                "SELECT * FROM (SELECT day, project, SUM(count) AS count, SUM(amount) AS amount "
                "FROM transaction_rollup_daily GROUP BY 1, 2 HAVING SUM(count) <> 0) d "
                "FULL JOIN (SELECT (created_at AT TIME ZONE 'UTC')::date AS day, "
                "COALESCE(project, '') AS project, COUNT(*) AS count, SUM(amount) AS amount "
                "FROM transactions WHERE direction = 'payin' GROUP BY 1, 2) t "
                "USING (day, project) "
                "WHERE d.count IS DISTINCT FROM t.count OR d.amount IS DISTINCT FROM t.amount"
            )
        )
        out["daily_mismatches"] = per_day.all()
    return out


async def payshack_projects(runtime: Runtime, merchant: str) -> dict[str | None, int]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT project, COUNT(*) FROM transactions WHERE source = 'payshack' "
                "AND merchant_id = :m GROUP BY 1"
            ),
            {"m": merchant},
        )
        return {p: int(n) for p, n in rows}


async def test_admin_remaps_a_client_rows_rollups_later_syncs_and_audit(
    wired: Runtime, sandbox: SandboxHandle, client: AsyncClient
) -> None:
    assert (await sync_source(wired, "payshack")).status == "success"
    assert (await refresh_reference(wired)).status == "success"
    before = await by_project(wired)
    m5 = await payshack_projects(wired, "MNCL_M5_Pvt_Ltd")
    assert set(m5) == {"mncl_m5"} and m5["mncl_m5"] > 0
    moved_rows = m5["mncl_m5"]

    admin = await sign_in(client, wired, "admin")
    listed = (await client.get("/api/v1/payshack/clients", headers=admin)).json()
    m5_client = next(c for c in listed["items"] if c["name"] == "MNCL_M5_Pvt_Ltd")
    assert (m5_client["project"], m5_client["project_source"]) == ("mncl_m5", "env")
    url = f"/api/v1/payshack/clients/{m5_client['client_id']}/project"

    # Non-admins may not; a bad slug is a 400.
    for role in ("viewer", "analyst"):
        headers = await sign_in(client, wired, role)
        denied = await client.put(url, json={"project": "mncl_new"}, headers=headers)
        assert denied.status_code == 403
    bad = await client.put(url, json={"project": "Not A Slug"}, headers=admin)
    assert bad.status_code == 400

    response = await client.put(url, json={"project": "mncl_new"}, headers=admin)
    assert response.status_code == 200, response.text
    assert (response.json()["project"], response.json()["project_source"]) == (
        "mncl_new",
        "admin",
    )
    assert await payshack_projects(wired, "MNCL_M5_Pvt_Ltd") == {"mncl_new": moved_rows}

    # The rollups say exactly what the rows say, per project and per day.
    after = await by_project(wired)
    assert after["transaction_rollup"] == after["rows"]
    assert after["transaction_rollup_daily"] == after["rows"]
    assert after["daily_mismatches"] == []
    assert after["rows"]["mncl_new"][0] == moved_rows
    assert "mncl_m5" not in after["rows"]
    assert sum(n for n, _ in after["rows"].values()) == sum(n for n, _ in before["rows"].values())

    # Audited, with who, from what to what.
    async with wired.engine.connect() as conn:
        audit = (
            await conn.execute(
                text(
                    "SELECT actor_email, target, params FROM audit_log "
                    "WHERE action = 'payshack.client.project'"
                )
            )
        ).all()
    assert len(audit) == 1
    assert audit[0].target == "MNCL_M5_Pvt_Ltd"
    assert audit[0].params["from"] == "mncl_m5" and audit[0].params["to"] == "mncl_new"
    assert audit[0].params["relabelled_rows"] == moved_rows

    # A later sync's new rows of the client get the admin's project.
    advance(sandbox, new=300, minutes=30)
    assert (await sync_source(wired, "payshack")).status == "success"
    now = await payshack_projects(wired, "MNCL_M5_Pvt_Ltd")
    assert set(now) == {"mncl_new"} and now["mncl_new"] >= moved_rows

    # null: back to the env default; rows and rollups follow again.
    back = await client.put(url, json={"project": None}, headers=admin)
    assert (back.json()["project"], back.json()["project_source"]) == ("mncl_m5", "env")
    assert set(await payshack_projects(wired, "MNCL_M5_Pvt_Ltd")) == {"mncl_m5"}
    final = await by_project(wired)
    assert final["transaction_rollup"] == final["rows"] == final["transaction_rollup_daily"]


async def test_a_sync_running_with_the_old_map_is_corrected_when_it_ends(
    wired: Runtime, sandbox: SandboxHandle
) -> None:
    """The map changes while a sync uses the old one: its rows end with the new project."""
    from psp_dashboard.reference import client_map

    assert (await refresh_reference(wired)).status == "success"
    real_use = client_map.use_client_projects

    async def change_map_after_loading(*args: Any) -> Any:
        used = await real_use(*args)  # the run has its map; the admin now changes it
        async with wired.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO client_project_map (client_key, project) "
                    "VALUES ('MNCL_M5_Pvt_Ltd', 'mncl_late')"
                )
            )
        return used

    from psp_dashboard.sync import pipeline

    pipeline.use_client_projects = change_map_after_loading  # type: ignore[assignment]
    try:
        assert (await sync_source(wired, "payshack")).status == "success"
    finally:
        pipeline.use_client_projects = real_use  # type: ignore[assignment]
    assert set(await payshack_projects(wired, "MNCL_M5_Pvt_Ltd")) == {"mncl_late"}
    final = await by_project(wired)
    assert final["transaction_rollup"] == final["rows"] == final["transaction_rollup_daily"]
