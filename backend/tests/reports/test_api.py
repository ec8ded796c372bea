"""The reports API: admins write, analysts read, viewers see nothing; schedules are
validated as a whole; the webhook URL is write-only; every write is audited."""

from __future__ import annotations

from sqlalchemy import text

from psp_dashboard.runtime import Runtime
from tests.alerts.conftest import Caller

DAILY = {"name": "Daily", "kind": "daily_summary", "channel": "email",
         "recipients": ["a@ops.test"], "send_at": "07:45", "timezone": "Europe/London"}  # fmt: skip


async def test_roles(caller: Caller) -> None:
    assert (await caller.call("GET", "/reports/schedules", role="viewer")).status_code == 403
    assert (await caller.call("GET", "/reports/deliveries", role="viewer")).status_code == 403
    assert (await caller.call("GET", "/reports/schedules", role="analyst")).status_code == 200
    refused = await caller.call("POST", "/reports/schedules", role="analyst", json=DAILY)
    assert refused.status_code == 403
    created = (await caller.call("POST", "/reports/schedules", json=DAILY)).json()["data"]
    sid = created["id"]
    for method, path in (("PATCH", f"/reports/schedules/{sid}"),
                         ("DELETE", f"/reports/schedules/{sid}"),
                         ("POST", f"/reports/schedules/{sid}/run")):  # fmt: skip
        response = await caller.call(method, path, role="analyst", json={})
        assert response.status_code == 403, (method, path)


async def test_create_edit_run_delete_with_audit(caller: Caller, reports_rt: Runtime) -> None:
    response = await caller.call("POST", "/reports/schedules", json=DAILY)
    assert response.status_code == 201, response.text
    created = response.json()["data"]
    assert {k: created[k] for k in ("send_at", "timezone", "weekday", "formats", "enabled")} == {
        "send_at": "07:45", "timezone": "Europe/London", "weekday": None, "formats": ["csv"],
        "enabled": True,
    }  # fmt: skip
    assert created["next_run_at"].endswith(("07:45:00Z", "06:45:00Z"))
    assert created["last_delivery"] is None and created["webhook_url_set"] is False

    weekly = {"kind": "weekly_reconciliation", "weekday": 0, "send_at": "06:00"}
    # The kind is fixed at creation; a weekday without the weekly kind is refused.
    bad = await caller.call("PATCH", f"/reports/schedules/{created['id']}", json={"weekday": 2})
    assert bad.status_code == 400 and bad.json()["error"]["details"]["field"] == "weekday"
    changed = await caller.call(
        "PATCH", f"/reports/schedules/{created['id']}",
        json={"send_at": "09:15", "timezone": "Asia/Kolkata", "enabled": False},
    )  # fmt: skip
    assert changed.status_code == 200, changed.text
    data = changed.json()["data"]
    assert (data["send_at"], data["timezone"], data["next_run_at"]) == (
        "09:15",
        "Asia/Kolkata",
        None,
    )

    created_weekly = await caller.call("POST", "/reports/schedules", json={**DAILY, **weekly})
    assert created_weekly.status_code == 201 and created_weekly.json()["data"]["weekday"] == 0

    ran = await caller.call("POST", f"/reports/schedules/{created['id']}/run")
    assert ran.status_code == 202 and ran.json()["data"]["status"] == "pending"
    listed = (await caller.call("GET", "/reports/schedules", role="analyst")).json()["data"]
    assert listed[0]["last_delivery"]["id"] == ran.json()["data"]["id"]

    gone = await caller.call("DELETE", f"/reports/schedules/{created['id']}")
    assert gone.status_code == 204
    missing = await caller.call("POST", f"/reports/schedules/{created['id']}/run")
    assert missing.status_code == 404 and missing.json()["error"]["code"]

    async with reports_rt.engine.connect() as conn:
        actions = (
            (
                await conn.execute(
                    text("SELECT action FROM audit_log WHERE action LIKE 'reports.%' ORDER BY id")
                )
            )
            .scalars()
            .all()
        )
    assert actions == [
        "reports.schedule.create", "reports.schedule.update", "reports.schedule.create",
        "reports.schedule.run", "reports.schedule.delete",
    ]  # fmt: skip


async def test_validation(caller: Caller) -> None:
    cases = [
        ({"recipients": []}, "recipients"),
        ({"channel": "webhook", "recipients": []}, "webhook_url"),
        ({"kind": "weekly_reconciliation"}, "weekday"),
        ({"weekday": 3}, "weekday"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"timezone": "Asia/Kathmandu"}, "timezone"),  # +05:45: not on the metrics' buckets
    ]
    for change, field in cases:
        response = await caller.call("POST", "/reports/schedules", json={**DAILY, **change})
        assert response.status_code == 400, (change, response.text)
        assert response.json()["error"]["details"]["field"] == field, change
    for change in ({"send_at": "24:00"}, {"recipients": ["not-an-address"]},
                   {"formats": ["pdf"]}, {"webhook_url": "ftp://x.test/"}):  # fmt: skip
        response = await caller.call("POST", "/reports/schedules", json={**DAILY, **change})
        assert response.status_code == 400, change


async def test_the_webhook_url_is_write_only(caller: Caller, reports_rt: Runtime) -> None:
    url = "https://hooks.example.test/services/T000/B000/very-secret-token"
    body = {**DAILY, "channel": "webhook", "recipients": [], "webhook_url": url}
    created = await caller.call("POST", "/reports/schedules", json=body)
    assert created.status_code == 201, created.text
    assert created.json()["data"]["webhook_target"] == "https://hooks.example.test"
    listed = await caller.call("GET", "/reports/schedules")
    async with reports_rt.engine.connect() as conn:
        stored = (
            await conn.execute(text("SELECT webhook_url_encrypted FROM report_schedules"))
        ).scalar_one()
        audit = (await conn.execute(text("SELECT params::text FROM audit_log"))).scalars().all()
    for where in (created.text, listed.text, stored, *audit):
        assert "very-secret-token" not in where
