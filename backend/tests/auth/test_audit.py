"""The audit trail: what is recorded, in whose transaction, and GET /audit."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
import pytest
from httpx import AsyncClient
from sqlalchemy import text

from psp_dashboard.audit.service import record
from psp_dashboard.auth.principal import Principal
from psp_dashboard.auth.ratelimit import LoginLimits
from psp_dashboard.runtime import Runtime
from tests.support.auth import TEST_PASSWORD, ensure_test_user, role_email, sign_in
from tests.support.runtime import runtime_with

AUDIT = "/api/v1/audit"


async def _entries(runtime: Runtime) -> list[dict[str, Any]]:
    async with runtime.engine.connect() as conn:
        rows = await conn.execute(text("SELECT * FROM audit_log ORDER BY id"))
        return [dict(m) for m in rows.mappings()]


async def test_sign_ins_and_logouts_are_recorded(
    clean_db: Runtime, http: AsyncClient, login_limits: None
) -> None:
    await ensure_test_user(clean_db, "viewer")
    await http.post(
        "/api/v1/auth/login", json={"email": role_email("viewer"), "password": "Wrong-password-9"}
    )
    ok = await http.post(
        "/api/v1/auth/login",
        json={"email": role_email("viewer"), "password": TEST_PASSWORD},
        headers={"X-Request-ID": "req-login-1"},
    )
    headers = {"Cookie": f"psp_session={ok.cookies['psp_session']}"}
    headers["X-CSRF-Token"] = ok.json()["data"]["csrf_token"]
    await http.post("/api/v1/auth/logout", headers=headers)
    failed, signed_in, signed_out = await _entries(clean_db)
    assert (failed["action"], failed["outcome"], failed["actor_email"]) == (
        "auth.login",
        "failure",
        None,
    )
    assert failed["target"] == role_email("viewer")
    assert failed["params"]["reason"] == "bad_credentials"
    assert failed["params"]["attempts"] == 1
    assert "Wrong-password-9" not in str(failed)
    assert (signed_in["action"], signed_in["outcome"]) == ("auth.login", "success")
    assert signed_in["actor_email"] == role_email("viewer")
    assert signed_in["ip"] == "127.0.0.1"
    assert signed_in["request_id"] == "req-login-1"
    assert signed_out["action"] == "auth.logout"


async def test_user_and_token_changes_are_recorded(clean_db: Runtime, http: AsyncClient) -> None:
    admin = await sign_in(http, clean_db, "admin")
    created = await http.post(
        "/api/v1/users",
        json={"email": "new.analyst@tests.local", "role": "analyst", "password": "p" * 14},
        headers=admin,
    )
    user_id = created.json()["data"]["id"]
    await http.patch(f"/api/v1/users/{user_id}", json={"role": "viewer"}, headers=admin)
    token = await http.post("/api/v1/tokens", json={"name": "etl"}, headers=admin)
    await http.delete(f"/api/v1/tokens/{token.json()['data']['id']}", headers=admin)
    actions = [e["action"] for e in await _entries(clean_db) if e["action"] != "auth.login"]
    assert actions == ["user.create", "user.update", "token.create", "token.revoke"]
    entries = {e["action"]: e for e in await _entries(clean_db)}
    assert entries["user.update"]["params"]["role"] == {"from": "analyst", "to": "viewer"}
    assert "p" * 14 not in str(entries["user.create"])
    assert token.json()["data"]["token"] not in str(entries["token.create"])


async def test_record_is_part_of_the_callers_transaction(clean_db: Runtime) -> None:
    principal = Principal(id=uuid.uuid4(), email="someone@tests.local", role="analyst")
    with pytest.raises(RuntimeError):
        async with clean_db.engine.begin() as conn:
            await record(conn, principal, "export.transactions", params={"format": "csv"})
            raise RuntimeError("the export failed")
    assert await _entries(clean_db) == []
    async with clean_db.engine.begin() as conn:
        await record(
            conn,
            principal,
            "export.transactions",
            params={"format": "csv", "day": datetime(2026, 1, 15).date(), "password": "hunter2"},
        )
    (entry,) = await _entries(clean_db)
    assert entry["params"] == {"format": "csv", "day": "2026-01-15", "password": "[redacted]"}


async def test_get_audit_filters_and_pages(clean_db: Runtime, http: AsyncClient) -> None:
    alice = Principal(id=uuid.uuid4(), email="alice@tests.local", role="analyst")
    bob = Principal(id=uuid.uuid4(), email="bob@tests.local", role="admin")
    async with clean_db.engine.begin() as conn:
        for i in range(5):
            await record(conn, alice, "export.transactions", params={"i": i})
        await record(conn, bob, "sync.trigger", target="vima")
        await record(conn, alice, "reconciliation.run", target="2026-01-15")
        await conn.execute(
            text("UPDATE audit_log SET at = at - interval '3 days' WHERE action = 'sync.trigger'")
        )
    admin = await sign_in(http, clean_db, "admin")  # itself audited: auth.login

    page = await http.get(AUDIT, params={"actor": "ALICE@tests.local", "limit": 2}, headers=admin)
    assert page.status_code == 200
    body = page.json()
    assert body["meta"] == {"page": 1, "limit": 2, "total": 6, "total_pages": 3}
    assert [e["action"] for e in body["data"]] == ["reconciliation.run", "export.transactions"]
    entry = body["data"][0]
    assert set(entry) >= {"id", "created_at", "actor", "action", "target", "details", "outcome"}
    assert entry["created_at"].endswith("Z")

    by_id = await http.get(AUDIT, params={"actor": str(bob.id)}, headers=admin)
    assert [e["action"] for e in by_id.json()["data"]] == ["sync.trigger"]
    exact = await http.get(AUDIT, params={"action": "export.transactions"}, headers=admin)
    assert exact.json()["meta"]["total"] == 5
    prefix = await http.get(AUDIT, params={"action": "auth.*"}, headers=admin)
    assert [e["action"] for e in prefix.json()["data"]] == ["auth.login"]
    today = datetime.now(UTC).date()
    recent = await http.get(AUDIT, params={"from_date": str(today)}, headers=admin)
    assert "sync.trigger" not in {e["action"] for e in recent.json()["data"]}
    old_day = str(today - timedelta(days=3))
    old = await http.get(AUDIT, params={"from_date": old_day, "to_date": old_day}, headers=admin)
    assert [e["action"] for e in old.json()["data"]] == ["sync.trigger"]

    backwards = await http.get(
        AUDIT, params={"from_date": str(today), "to_date": old_day}, headers=admin
    )
    assert backwards.status_code == 400
    assert backwards.json()["error"]["code"] == "VALIDATION_ERROR"
    bad_date = await http.get(AUDIT, params={"from_date": "15-01-2026"}, headers=admin)
    assert bad_date.status_code == 400


async def test_only_admins_read_the_audit_trail(clean_db: Runtime, http: AsyncClient) -> None:
    analyst = await sign_in(http, clean_db, "analyst")
    assert (await http.get(AUDIT, headers=analyst)).status_code == 403


async def test_refused_sign_ins_are_one_entry_per_account_and_window(
    clean_db: Runtime, http: AsyncClient, runtime: Runtime
) -> None:
    """Finding 10: every refused sign-in, rate-limited ones too, was a row: anonymous
    callers grew the audit log at will."""
    limits = LoginLimits(
        # A day: entries are per epoch-aligned window, and the test must not straddle two.
        window_seconds=86400,
        max_failures_per_account_and_ip=3,
        max_failures_per_ip=6,
        max_failures_per_account=1000,
    )
    with runtime_with(runtime, login_limits=limits):
        for _ in range(10):  # 3 verified, 7 refused by the (account, address) limit
            await http.post(
                "/api/v1/auth/login", json={"email": "x@tests.local", "password": "nope-nope-1"}
            )
        for i in range(30):  # spraying: 3 more verified, then the address limit
            await http.post(
                "/api/v1/auth/login",
                json={"email": f"spray{i}@tests.local", "password": "nope-nope-1"},
            )
    entries = [e for e in await _entries(clean_db) if e["action"] == "auth.login"]
    by_target = {e["target"]: e["params"] for e in entries}
    assert by_target["x@tests.local"]["attempts"] == 10
    assert by_target["x@tests.local"]["reasons"] == {"bad_credentials": 3, "rate_limited": 7}
    # The sprayed e-mails the address could still try, then one entry for the address.
    assert {f"spray{i}@tests.local" for i in range(3)} <= set(by_target)
    assert by_target[None]["attempts"] == 27 and by_target[None]["reasons"] == {"rate_limited": 27}
    assert len(entries) == 1 + 3 + 1


async def _page(http: AsyncClient, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    response = await http.get(AUDIT, params={"limit": 100, **params}, headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json()["data"])


async def test_entries_read_as_sentences_about_named_targets(
    clean_db: Runtime, http: AsyncClient
) -> None:
    """Issue #19: the trail showed action codes and UUIDs."""
    admin = await sign_in(http, clean_db, "admin")
    created = await http.post(
        "/api/v1/users",
        json={"email": "new.analyst@tests.local", "role": "analyst", "password": "p" * 14},
        headers=admin,
    )
    user_id = created.json()["data"]["id"]
    await http.patch(f"/api/v1/users/{user_id}", json={"role": "viewer"}, headers=admin)
    await http.patch(f"/api/v1/users/{user_id}", json={"is_active": False}, headers=admin)
    token = await http.post("/api/v1/tokens", json={"name": "nightly etl"}, headers=admin)
    token_id = token.json()["data"]["id"]
    await http.delete(f"/api/v1/tokens/{token_id}", headers=admin)
    shown = {(e["action_label"], e["target_label"]) for e in await _page(http, admin)}
    assert {
        ("Created a user", "new.analyst@tests.local"),
        ("Changed a user's role", "new.analyst@tests.local"),
        ("Disabled a user", "new.analyst@tests.local"),
        ("Created an API token", "nightly etl"),
        ("Revoked an API token", "nightly etl"),
        ("Signed in", role_email("admin")),
    } <= shown
    tokens = [e for e in await _page(http, admin, action="token.*")]
    assert {e["target"] for e in tokens} == {token_id}  # the raw target is kept


async def test_older_entries_get_labels_too(clean_db: Runtime, http: AsyncClient) -> None:
    """Labels are worked out on read: entries written before they existed (here, rows as
    `record` has always written them, and one naming its token only by id) read alike."""
    bob = Principal(id=uuid.uuid4(), email="bob@tests.local", role="admin")
    admin = await sign_in(http, clean_db, "admin")
    created = await http.post("/api/v1/tokens", json={"name": "reporting"}, headers=admin)
    token_id = created.json()["data"]["id"]
    result_id, run_id = uuid.uuid4(), uuid.uuid4()
    async with clean_db.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO reconciliation_results (id, recon_date, recon_run_id, "
                "client_operation_id, match_status) VALUES (:i, '2026-03-01', :r, 'cop-77', "
                "'discrepancy')"
            ),
            {"i": result_id, "r": run_id},
        )
        await record(conn, bob, "token.revoke", target=str(token_id))  # no name in params
        await record(
            conn, bob, "recon.resolve", target=str(result_id), params={"resolution": "resolved"}
        )
        await record(conn, bob, "recon.resolve", target=str(uuid.uuid4()), params={})
        await record(conn, bob, "sync.trigger", target="payshack")
        await record(
            conn, bob, "sync.backfill", target="vima",
            params={"from_date": "2026-01-01", "to_date": "2026-01-30"},
        )  # fmt: skip
        await record(conn, bob, "recon.run", target="2026-03-01", outcome="failure")
        await record(conn, bob, "payment_link.create", target="link-9")
    by_bob = await _page(http, admin, actor="bob@tests.local")
    shown = [(e["action_label"], e["target_label"]) for e in by_bob][::-1]
    assert shown == [
        ("Revoked an API token", "reporting"),
        ("Resolved a discrepancy", "cop-77 (2026-03-01)"),
        ("Changed a discrepancy's resolution", shown[2][1]),  # gone: its id stays
        ("Started a sync", "PayShack"),
        ("Started a backfill", "Vima, 2026-01-01 to 2026-01-30"),
        ("Reconciliation failed", "2026-03-01"),
        ("Payment link create", "link-9"),  # an action without a wording: still readable
    ]
    assert uuid.UUID(shown[2][1])


async def test_one_entry_comes_whole(clean_db: Runtime, http: AsyncClient) -> None:
    bob = Principal(id=uuid.uuid4(), email="bob@tests.local", role="admin")
    note = "n" * 1900
    nested = {"filters": {"source": "vima", "statuses": [f"s{i}" for i in range(50)]}}
    async with clean_db.engine.begin() as conn:
        await record(conn, bob, "export.transactions", params={"note": note, **nested, "rows": 5})
    admin = await sign_in(http, clean_db, "admin")
    (listed,) = await _page(http, admin, action="export.transactions")
    one = await http.get(f"{AUDIT}/{listed['id']}", headers=admin)
    assert one.status_code == 200
    entry = one.json()["data"]
    assert entry["details"] == {"note": note, **nested, "rows": 5}
    assert entry["action_label"] == "Exported transactions"
    assert entry["target_label"] == "5 rows"
    assert {k: v for k, v in entry.items()} == listed
    missing = await http.get(f"{AUDIT}/999999999", headers=admin)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
    assert (await http.get(f"{AUDIT}/abc", headers=admin)).status_code == 400
    analyst = await sign_in(http, clean_db, "analyst")
    assert (await http.get(f"{AUDIT}/{listed['id']}", headers=analyst)).status_code == 403


async def test_the_trail_exports_with_its_filters_and_labels(
    clean_db: Runtime, http: AsyncClient
) -> None:
    alice = Principal(id=uuid.uuid4(), email="alice@tests.local", role="analyst")
    async with clean_db.engine.begin() as conn:
        for i in range(3):
            await record(conn, alice, "sync.trigger", target="vima", params={"i": i})
        await record(conn, alice, "user.update", target="x@tests.local", params={"role": {}})
        await record(conn, alice, "auth.logout", params={"note": "=cmd|' /C calc'!A0"})
    admin = await sign_in(http, clean_db, "admin")
    response = await http.get(
        f"{AUDIT}/export", params={"actor": "alice@tests.local"}, headers=admin
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="audit_all_' in response.headers["content-disposition"]
    lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert int(response.headers["x-export-rows"]) == len(lines) == 5
    assert [r["action_label"] for r in lines] == [
        "Signed out", "Changed a user's role", "Started a sync", "Started a sync",
        "Started a sync",
    ]  # fmt: skip
    assert lines[2]["target_label"] == "Vima" and lines[2]["target"] == "vima"
    assert json.loads(lines[2]["details"]) == {"i": 2}
    assert lines[0]["created_at"].endswith("Z")
    assert "calc" in lines[0]["details"] and lines[0]["details"].startswith("{")
    entries = await _page(http, admin, action="export.audit")
    assert entries[0]["details"]["rows"] == 5 and entries[0]["details"]["actor"] == (
        "alice@tests.local"
    )
    everything = await http.get(f"{AUDIT}/export", params={"format": "xlsx"}, headers=admin)
    book = openpyxl.load_workbook(io.BytesIO(everything.content))
    rows = list(book["Audit"].iter_rows(values_only=True))
    assert rows[0][:5] == ("id", "created_at", "actor", "action", "action_label")
    assert isinstance(rows[1][1], datetime)  # a real date-time
    # The file holds the trail as it was when asked for: not its own entry.
    assert len(rows) - 1 == int(everything.headers["x-export-rows"])
    assert "export.audit" in [r[3] for r in rows[1:]]  # the first export's entry
    assert [r[3] for r in rows[1:]].count("export.audit") == 1
    analyst = await sign_in(http, clean_db, "analyst")
    assert (await http.get(f"{AUDIT}/export", headers=analyst)).status_code == 403
    bad = await http.get(
        f"{AUDIT}/export", params={"from_date": "2026-02-02", "to_date": "2026-02-01"},
        headers=admin,
    )  # fmt: skip
    assert bad.status_code == 400


def test_labels_of_the_other_domains_actions() -> None:
    from psp_dashboard.audit.labels import TargetNames, action_label, target_label

    rid = str(uuid.uuid4())
    names = TargetNames({rid: "cop-1 (2026-03-01)"}, {})

    def shown(action: str, target: str | None, params: dict[str, Any]) -> tuple[str, Any]:
        entry = {"action": action, "target": target, "params": params, "ip": None}
        return action_label(action, "success", params), target_label(entry, names)

    assert shown("recon.assign", rid, {"owner_id": None}) == (
        "Unassigned a discrepancy", "cop-1 (2026-03-01)",
    )  # fmt: skip
    assert shown("recon.comment", rid, {"length": 3})[0] == "Commented on a discrepancy"
    assert shown("recon.resolve_bulk", "3 discrepancies", {"resolution": "resolved"}) == (
        "Resolved discrepancies", "3 discrepancies",
    )  # fmt: skip
    assert shown("alerts.rule.update", str(uuid.uuid4()), {"name": "Big refunds"}) == (
        "Changed an alert rule", "Big refunds",
    )  # fmt: skip
    assert shown("alerts.acknowledge", "17", {"title": "Vima is late"}) == (
        "Acknowledged an alert", "Vima is late",
    )  # fmt: skip
    assert action_label("export.transactions", "denied", {}) == "Exported transactions (denied)"
