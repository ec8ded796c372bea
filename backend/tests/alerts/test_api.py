"""The alerts API: rules and channels by admins only, acknowledgement by analysts,
secrets never returned, every change audited, bad input a 400 that changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from psp_dashboard.alerts.evaluate import evaluate
from psp_dashboard.alerts.rules import DEFAULT_RULES
from psp_dashboard.alerts.service import ensure_defaults
from psp_dashboard.runtime import Runtime
from tests.alerts.conftest import Caller, insert_run


async def _audit_actions(rt: Runtime) -> list[str]:
    async with rt.engine.connect() as conn:
        rows = await conn.execute(text("SELECT action FROM audit_log ORDER BY id"))
        return [r[0] for r in rows if r[0].startswith("alerts.")]


async def test_admin_creates_edits_and_deletes_a_rule(caller: Caller, alerts_rt: Runtime) -> None:
    created = await caller.call(
        "POST",
        "/alerts/rules",
        json={"name": "91game success", "kind": "success_rate_low",
              "scope": {"type": "project", "value": "91game"},
              "params": {"threshold_pct": "80.5"}},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    rule = created.json()["data"]
    assert rule["params"] == {"threshold_pct": "80.5", "window_minutes": 60, "min_volume": 20}
    assert rule["scope"] == {"type": "project", "value": "91game"}
    assert rule["state"] == {"firing": 0}

    patched = await caller.call(
        "PATCH", f"/alerts/rules/{rule['id']}", json={"params": {"threshold_pct": "90"}}
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["data"]["params"]["threshold_pct"] == "90"
    assert patched.json()["data"]["params"]["window_minutes"] == 60

    listed = await caller.call("GET", "/alerts/rules", role="viewer")
    assert [r["id"] for r in listed.json()["data"]] == [rule["id"]]

    assert (await caller.call("DELETE", f"/alerts/rules/{rule['id']}")).status_code == 204
    assert (await caller.call("GET", "/alerts/rules")).json()["data"] == []
    assert await _audit_actions(alerts_rt) == [
        "alerts.rule.create",
        "alerts.rule.update",
        "alerts.rule.delete",
    ]


async def test_bad_rule_input_is_a_400_and_stores_nothing(caller: Caller) -> None:
    cases = [
        {"name": "x", "kind": "success_rate_low", "params": {"threshold_pct": 85.5}},
        {"name": "x", "kind": "success_rate_low", "params": {"threshold_pct": "120"}},
        {"name": "x", "kind": "success_rate_low", "params": {"nope": 1}},
        {"name": "x", "kind": "recon_money_at_risk", "scope": {"type": "project", "value": "a"}},
        {"name": "x", "kind": "sync_unhealthy", "scope": {"type": "source", "value": "stripe"}},
        {
            "name": "x",
            "kind": "traffic_stopped",
            "channel_ids": ["00000000-0000-0000-0000-000000000001"],
        },
    ]
    for body in cases:
        response = await caller.call("POST", "/alerts/rules", json=body)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["error"]["code"] == "VALIDATION_ERROR"
    assert (await caller.call("GET", "/alerts/rules")).json()["data"] == []


async def test_roles(caller: Caller) -> None:
    body = {"name": "r", "kind": "sync_unhealthy"}
    assert (await caller.call("POST", "/alerts/rules", "analyst", json=body)).status_code == 403
    assert (await caller.call("GET", "/alerts/channels", "analyst")).status_code == 403
    assert (await caller.call("POST", "/alerts/evaluate", "analyst")).status_code == 403
    assert (await caller.call("GET", "/alerts", "viewer")).status_code == 200
    assert (await caller.call("GET", "/alerts/summary", "viewer")).status_code == 200


async def test_channel_secrets_are_never_returned(caller: Caller, alerts_rt: Runtime) -> None:
    secret_url = "https://hooks.slack.test/services/T000/B000/very-secret-path"
    created = await caller.call(
        "POST",
        "/alerts/channels",
        json={"name": "ops slack", "kind": "webhook", "url": secret_url,
              "secret": "hmac-secret-value"},
    )  # fmt: skip
    assert created.status_code == 201, created.text
    channel = created.json()["data"]
    assert channel["target"] == "https://hooks.slack.test"
    assert channel["has_secret"] is True and channel["format"] == "slack"
    listed = await caller.call("GET", "/alerts/channels")
    async with alerts_rt.engine.connect() as conn:
        stored = (await conn.execute(text("SELECT * FROM alert_channels"))).one()
        audit = (await conn.execute(text("SELECT params::text FROM audit_log"))).scalars().all()
    for text_seen in (created.text, listed.text, str(stored._mapping), *audit):
        assert "very-secret-path" not in text_seen
        assert "hmac-secret-value" not in text_seen
    duplicate = await caller.call(
        "POST", "/alerts/channels", json={"name": "ops slack", "kind": "in_app"}
    )
    assert duplicate.status_code == 409
    missing = await caller.call("POST", "/alerts/channels", json={"name": "m", "kind": "email"})
    assert missing.status_code == 400


async def test_firing_alert_is_listed_acknowledged_and_in_the_summary(
    caller: Caller, alerts_rt: Runtime
) -> None:
    channel = (
        await caller.call("POST", "/alerts/channels", json={"name": "bell", "kind": "in_app"})
    ).json()["data"]
    await caller.call(
        "POST",
        "/alerts/rules",
        json={"name": "Sync", "kind": "sync_unhealthy", "severity": "critical",
              "channel_ids": [channel["id"]]},
    )  # fmt: skip
    now = datetime.now(UTC)
    run_id = await insert_run(alerts_rt, "vima", "failed", now - timedelta(minutes=1), "boom")
    evaluated = await caller.call("POST", "/alerts/evaluate")
    assert evaluated.json()["data"] == {"evaluated": 1, "fired": 1, "resolved": 0}

    summary = (await caller.call("GET", "/alerts/summary", "viewer")).json()["data"]
    assert summary["firing"] == 1 and summary["unacknowledged"] == 1
    alert = summary["latest"][0]
    assert alert["state"] == "firing" and alert["kind"] == "sync_unhealthy"
    assert alert["evidence"]["sync_run_id"] == str(run_id)
    assert alert["notifications"] == [
        {"channel": "bell", "event": "firing", "status": "sent", "attempts": 1,
         "delivered_at": alert["fired_at"]}
    ]  # fmt: skip

    assert (
        await caller.call("POST", f"/alerts/{alert['id']}/acknowledge", "viewer")
    ).status_code == 403
    acked = await caller.call("POST", f"/alerts/{alert['id']}/acknowledge", "analyst")
    assert acked.status_code == 200
    assert acked.json()["data"]["acknowledged_by"] == "analyst@tests.local"
    page = (await caller.call("GET", "/alerts", "viewer", params={"acknowledged": "false"})).json()
    assert page["meta"]["total"] == 0
    page = (await caller.call("GET", "/alerts", "viewer", params={"state": "firing"})).json()
    assert [a["id"] for a in page["data"]] == [alert["id"]]
    assert "alerts.acknowledge" in await _audit_actions(alerts_rt)

    # The run succeeds again: resolved, told to the in-app channel, kept in the history.
    await insert_run(alerts_rt, "vima", "success", now)
    tally = await evaluate(alerts_rt.engine, alerts_rt.settings)
    assert (tally.fired, tally.resolved) == (0, 1)
    resolved = (await caller.call("GET", f"/alerts/{alert['id']}", "viewer")).json()["data"]
    assert resolved["state"] == "resolved" and resolved["resolved_at"] is not None
    assert [n["event"] for n in resolved["notifications"]] == ["firing", "resolved"]
    assert (await caller.call("GET", "/alerts/summary")).json()["data"]["firing"] == 0


async def test_openapi_describes_the_alert_routes(caller: Caller) -> None:
    doc = (await caller.call("GET", "/openapi.json")).json()
    paths = doc["paths"]
    expected = ["", "/summary", "/rules", "/rules/{rule_id}", "/channels",
                "/channels/{channel_id}/test", "/evaluate", "/{alert_id}/acknowledge",
                "/{alert_id}/screenshot"]  # fmt: skip
    for path in (f"/api/v1/alerts{tail}" for tail in expected):
        assert path in paths, path
    assert "evidence" in doc["components"]["schemas"]["Alert"]["properties"]


async def test_defaults_are_added_once_and_can_start_disabled(
    caller: Caller, alerts_rt: Runtime
) -> None:
    async with alerts_rt.engine.begin() as conn:
        assert await ensure_defaults(conn, disabled=("failures_spike",)) == len(DEFAULT_RULES)
    async with alerts_rt.engine.begin() as conn:
        assert await ensure_defaults(conn) == 0  # an installation with rules keeps its own
    rules = (await caller.call("GET", "/alerts/rules", "viewer")).json()["data"]
    [channel] = (await caller.call("GET", "/alerts/channels")).json()["data"]
    assert channel["kind"] == "in_app"
    assert {r["kind"] for r in rules} == {d.kind for d in DEFAULT_RULES}
    assert all(r["channel_ids"] == [channel["id"]] for r in rules)
    assert [r["kind"] for r in rules if not r["enabled"]] == ["failures_spike"]
    success = next(r for r in rules if r["kind"] == "success_rate_low")
    assert success["params"] == {"threshold_pct": "70", "window_minutes": 60, "min_volume": 20}
