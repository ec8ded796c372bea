"""Transactions (and a quarantined record) with known payer data, for the masking scan."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from psp_dashboard.models.rollup import bucket_sql
from psp_dashboard.partitions import ensure_partitions
from psp_dashboard.runtime import Runtime

SEED_DAY = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)

EMAIL = "zephyrine.quill@example.com"
CONTACT_EMAIL = "zq.contact@example.org"
PHONE = "9812345678"
FIRST, LAST = "Zephyrine", "Quillfeather"
NAME = f"{FIRST} {LAST}"
ORDER_ID = "1768491979464"  # both providers' record of the one payment
VPA = "9812345678-2@axl"
PS_NAME = "Orlando Mbeki-Tran"
PS_PHONE = "7012093341"

# The rows' rollup, as the pipeline keeps it (the list counts from it).
ROLLUP = f"""
INSERT INTO transaction_rollup
SELECT {bucket_sql("created_at")}, source, COALESCE(project, ''), status,
       COALESCE(original_status, ''), COALESCE(payment_method, ''),
       COALESCE(merchant_id, ''), currency, COUNT(*), SUM(amount), SUM(COALESCE(fee, 0))
FROM transactions WHERE created_at = :at GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
"""

# What a viewer must never receive, anywhere.
RAW_VALUES = (EMAIL, CONTACT_EMAIL, PHONE, FIRST, LAST, VPA, "Orlando", "Mbeki-Tran", PS_PHONE)


def vima_raw(operation_id: str) -> dict[str, Any]:
    return {
        "operation_id": operation_id,
        "client_operation_id": "1768491979464",
        "project": "91game",
        "user_id": "16faca55460b41c3a9b46a736c8dbfed",
        "contact": CONTACT_EMAIL,
        "create_params": {
            "method": "payment.in",
            "params": {
                "payment": {
                    "payer": {
                        "email": EMAIL,
                        "phone": PHONE,
                        "person": {"first_name": FIRST, "last_name": LAST},
                        "customer_account": {"id": "16faca55460b41c3a9b46a736c8dbfed"},
                    },
                    "amount": {"value": 10000, "currency": "INR"},
                    "identifiers": {"c_id": 1768491979464},
                }
            },
        },
        "payment_status": "success",
        "notes": f"callback for {EMAIL}",
    }


def payshack_raw(txn_id: str) -> dict[str, Any]:
    return {
        "txnId": txn_id,
        "orderId": "1768491979464",
        "amount": 100,
        "txnStatus": "Success",
        "clientName": "91G_TECH_PVT_LTD",
        "payerVpa": VPA,
        "payerName": PS_NAME,
        "payerPhone": PS_PHONE,
        "upiId": "merchant01@hdfcbank",
    }


async def seed_payer_transactions(runtime: Runtime) -> list[uuid.UUID]:
    rows = [
        {
            "id": uuid.uuid4(),
            "source": "vima",
            "source_id": "1067250921664811008",
            "user_id": "16faca55460b41c3a9b46a736c8dbfed",
            "user_email": EMAIL,
            "user_phone": PHONE,
            "user_name": NAME,
            "raw": vima_raw("1067250921664811008"),
        },
        {
            "id": uuid.uuid4(),
            "source": "payshack",
            "source_id": "PS-77001",
            "user_id": VPA,
            "user_email": None,
            "user_phone": PS_PHONE,
            "user_name": PS_NAME,
            "raw": payshack_raw("PS-77001"),
        },
    ]
    async with runtime.engine.begin() as conn:
        await ensure_partitions(conn, [SEED_DAY, datetime.now(UTC)])
        for row in rows:
            await conn.execute(
                text(
                    "INSERT INTO transactions (id, source, source_id, client_operation_id, "
                    "order_id, project, amount, currency, status, original_status, user_id, "
                    "user_email, user_phone, user_name, country, created_at, updated_at, "
                    "raw_data, data_hash) VALUES (:id, :source, :source_id, '1768491979464', "
                    "'1768491979464', '91game', 100, 'INR', 'success', 'success', :user_id, "
                    ":user_email, :user_phone, :user_name, 'IN', :at, :at, "
                    "CAST(:raw AS jsonb), :hash)"
                ),
                {
                    **{k: v for k, v in row.items() if k != "raw"},
                    "raw": json.dumps(row["raw"]),
                    "at": SEED_DAY,
                    "hash": hashlib.sha256(json.dumps(row["raw"]).encode()).hexdigest(),
                },
            )
        await conn.execute(text(ROLLUP), {"at": SEED_DAY})
    return [row["id"] for row in rows]  # type: ignore[misc]


async def seed_quarantined_record(runtime: Runtime) -> None:
    raw = payshack_raw("PS-BROKEN")
    raw["amount"] = "not-a-number"
    body = json.dumps(raw)
    async with runtime.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO quarantine (source, source_record_id, reason, raw, raw_hash) "
                "VALUES ('payshack', 'PS-BROKEN', 'non-numeric amount', CAST(:raw AS jsonb), :h)"
            ),
            {"raw": body, "h": hashlib.sha256(body.encode()).hexdigest()},
        )
