"""Injected faults are deterministic and look like the real thing on the wire."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from psp_dashboard.sandbox import SandboxHandle
from tests.sandbox.conftest import payshack_login, payshack_page, vima_get


def test_every_nth_request_answers_429_with_retry_after(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    fresh_sandbox.faults.vima.update(every_nth_429=3, retry_after_seconds=2)
    responses = [vima_get(http, fresh_sandbox, count=1) for _ in range(6)]
    assert [r.status_code for r in responses] == [200, 200, 429, 200, 200, 429]
    assert responses[2].headers["Retry-After"] == "2"


def test_server_errors_alternate_500_and_502(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    headers = payshack_login(http, fresh_sandbox)  # login itself is never faulted
    fresh_sandbox.faults.payshack.update(every_nth_5xx=2)
    codes = [payshack_page(http, fresh_sandbox, headers).status_code for _ in range(4)]
    assert codes == [200, 500, 200, 502]
    bad_gateway = [payshack_page(http, fresh_sandbox, headers) for _ in range(4)][3]
    assert bad_gateway.status_code == 502 and "text/html" in bad_gateway.headers["content-type"]


def test_one_truncated_body_then_normal_again(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    fresh_sandbox.faults.vima.update(truncate_next=1)
    cut = vima_get(http, fresh_sandbox, count=10)
    assert cut.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.text)
    assert len(vima_get(http, fresh_sandbox, count=10).json()) == 10


def test_seeded_shares_replay_the_same_sequence(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    def run() -> list[int]:
        fresh_sandbox.faults.vima.update(share_429=0.3, share_5xx=0.2, seed=5)
        return [vima_get(http, fresh_sandbox, count=1).status_code for _ in range(30)]

    first, second = run(), run()
    assert first == second
    assert {200, 429} <= set(first) and ({500, 502} & set(first))


def test_delay_slows_answers(fresh_sandbox: SandboxHandle, http: httpx.Client) -> None:
    fresh_sandbox.faults.vima.update(delay_ms=150)
    started = time.perf_counter()
    assert vima_get(http, fresh_sandbox, count=1).status_code == 200
    assert time.perf_counter() - started >= 0.15


def test_faults_are_switched_through_the_admin_endpoint(
    fresh_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    admin = fresh_sandbox.payshack_base_url + "/_sandbox/faults/vima"
    assert http.put(admin, json={"every_nth_429": 1}).status_code == 200
    assert vima_get(http, fresh_sandbox, count=1).status_code == 429
    assert http.put(admin, json={"no_such_knob": 1}).status_code == 400
    state = http.get(fresh_sandbox.vima_origin + "/_sandbox/faults").json()
    assert state["vima"]["config"]["every_nth_429"] == 1 and state["vima"]["injected"]["429"] == 1
    assert http.put(admin, json={"every_nth_429": 0}).status_code == 200
    assert vima_get(http, fresh_sandbox, count=1).status_code == 200
