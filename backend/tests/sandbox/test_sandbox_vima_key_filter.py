"""The Vima sandbox's `client_operation_id=` filter (its own addition, for the one-key
re-fetch): only the operations of that key, generated or hand-made, field or c_id."""

from __future__ import annotations

from collections import Counter
from typing import Any

import httpx

from psp_dashboard.sandbox import SandboxHandle
from tests.sandbox.conftest import vima_get, vima_walk


def _key(op: dict[str, Any]) -> str:
    key = op.get("client_operation_id")
    if key in (None, ""):
        try:
            key = op["create_params"]["params"]["payment"]["identifiers"]["c_id"]
        except (KeyError, TypeError):
            return ""
    return str(key).strip()


def test_the_filter_answers_exactly_the_keys_operations(
    shared_sandbox: SandboxHandle, http: httpx.Client
) -> None:
    ops = vima_walk(http, shared_sandbox, "operation_create_id")
    counts = Counter(k for op in ops if (k := _key(op)))
    single = next(k for k, n in counts.items() if n == 1)
    twice = next((k for k, n in counts.items() if n > 1), None)
    for key in [single] + ([twice] if twice else []):
        got = vima_get(
            http, shared_sandbox, client_operation_id=key, count=100, descending="false"
        ).json()
        assert sorted(op["operation_id"] for op in got) == sorted(
            op["operation_id"] for op in ops if _key(op) == key
        )
    assert vima_get(http, shared_sandbox, client_operation_id="no-such-key", count=100).json() == []
