"""`/_sandbox/handmade`: payments added to a running world are served by both APIs;
a hand-made pay-in's status changes on request."""

from __future__ import annotations

import httpx

from psp_dashboard.sandbox import SandboxHandle
from tests.sandbox.conftest import payshack_login, vima_get


def test_added_payments_are_served_and_a_status_changes(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    admin = fresh_sandbox.vima_origin + "/_sandbox"
    added = http.post(
        admin + "/handmade",
        json={"payments": [{
            "key": "HM-1",
            "vima": {"amount": "12.50"},
            "payshack": {"amount": "12.50", "status": "Initiated", "order_id": "hm-1",
                         "seconds": 30},
        }]},
    )  # fmt: skip
    assert added.status_code == 200, added.text
    ops = vima_get(http, fresh_sandbox, client_operation_id="HM-1", count=10).json()
    assert [op["client_operation_id"] for op in ops] == ["HM-1"]
    assert ops[0]["complete_amount"] == 12.5

    def payin() -> dict[str, object]:
        body = http.get(
            fresh_sandbox.payshack_base_url + "/indigate-payin-svc/api/v1/payin/transaction/fetch",
            params={"page": 1, "limit": 10, "orderId": "hm-1"},
            headers=payshack_login(http, fresh_sandbox),
        ).json()
        (row,) = body["data"]["transactions"]
        return row  # type: ignore[no-any-return]

    assert payin()["txnStatus"] == "Initiated"
    changed = http.post(
        admin + "/handmade/status", json={"key": "HM-1", "payshack_status": "Success"}
    )
    assert changed.status_code == 200, changed.text
    assert payin()["txnStatus"] == "Success"
    missing = http.post(
        admin + "/handmade/status", json={"key": "nope", "payshack_status": "Success"}
    )
    assert missing.status_code == 404
    bad = http.post(admin + "/handmade", json={"payments": [{"key": "X"}]})
    assert bad.status_code == 400
