"""A Vima operation as the collector API sends it (see vima-api.md for the shape)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from psp_dashboard.sandbox.facts import VimaFacts
from psp_dashboard.sandbox.people import payer
from psp_dashboard.sandbox.render_common import (
    BAD_AMOUNTS,
    BAD_DATES,
    iso_z,
    rupees_float,
    spaced_micro,
)
from psp_dashboard.sandbox.rng import hash64
from psp_dashboard.sandbox.statuses import normalize_vima

if TYPE_CHECKING:
    from psp_dashboard.sandbox.world import World

_SERVICE_IDS = {"91game": 14701, "monetix": 13020, "caroussel": 12877}
_SALT_BAD, _SALT_IP = 0xBAD1, 0x1905


def render_vima(w: World, f: VimaFacts) -> dict[str, Any]:
    ids = w.ids
    person = payer(w.seed, f.person)
    op_id = ids.operation_id(f.entry)
    h = hash64(w.seed, f.entry, _SALT_IP)
    payment: dict[str, Any] = {
        "payer": {
            "email": person.email,
            "phone": person.phone,
            "person": {"first_name": person.first_name, "last_name": person.last_name},
            "customer_account": {"id": person.user_id},
        },
        "amount": {"value": f.amount_minor, "currency": "INR"},
        "client": {"country": "IN", "language": "EN"},
    }
    if f.key is not None and f.key_mode != "none":
        payment["identifiers"] = {"c_id": int(f.key) if f.key.isdigit() else f.key}
    op: dict[str, Any] = {"operation_id": op_id, "reference_id": ids.hex32(f.entry, 0)}
    if f.key is not None and f.key_mode == "field":
        op["client_operation_id"] = f.key
    elif f.key_mode == "c_id_only_empty":
        op["client_operation_id"] = ""
    op.update(
        {
            "service": "multihub-api",
            "service_env": "prod-123hub",
            "project": f.project,
            "project_env": "prod",
            "user_id": person.user_id,
            "contact": person.email,
            "ip_addr": "" if h % 3 else f"49.{h >> 8 & 255}.{h >> 16 & 255}.{h >> 24 & 255}",
            "create_params": {
                "method": "payment.in",
                "params": {"payment": payment},
                "service_id": _SERVICE_IDS.get(f.project, 10000 + h % 9000),
            },
            "current_status": f.current_status,
        }
    )
    if f.payment_status is not None:
        op["payment_status"] = f.payment_status
    final = f.completed_ms is not None
    op.update(
        {
            "payment_product": "multihub-api",
            "payment_method_type": "fiat",
            "payment_method_code": "apm",
            "operation_state": "completed" if final and h % 2 else "in_process",
            "credentials_owner": "123hub",
            "integration_type": "direct",
            "operation_created_at": iso_z(f.created_ms),
            "operation_modified_at": iso_z(f.modified_ms),
            "card_start": [
                {
                    "oper_type": "deposit",
                    "action_id": op_id,
                    "currency": "INR",
                    "amount": rupees_float(f.amount_minor),
                    "created_at": spaced_micro(f.created_ms),
                }
            ],
        }
    )
    if f.completed_ms is not None:
        op["card_finish"] = [_card_finish(f, op_id, f.completed_ms)]
    if f.complete_minor is not None:
        op["complete_amount"] = rupees_float(f.complete_minor)
        op["complete_currency"] = "INR"
        if f.completed_ms is not None:
            op["complete_created_at"] = iso_z(f.completed_ms)
            op["complete_modified_at"] = iso_z(f.modified_ms)
    op["operation_create_id"] = str(ids.create_id(f.create_slot))
    op["operation_update_id"] = str(ids.update_id(f.update_slot))
    op["payment_custom_data"] = {"name": "apm"}
    if f.bad is not None:
        _spoil(w, f, op, payment)
    return op


def _card_finish(f: VimaFacts, op_id: str, completed_ms: int) -> dict[str, Any]:
    success = normalize_vima(f.current_status, f.payment_status) == "success"
    charged = f.complete_minor if f.complete_minor is not None else f.amount_minor
    fee = (charged * 2 + 50) // 100 if success else 0  # 2 % in paise
    return {
        "action_id": op_id,
        "currency": "INR",
        "amount": rupees_float(f.amount_minor),
        "charged_currency": "INR",
        "charged_amount": rupees_float(charged),
        "charged_fee": rupees_float(fee),
        "result": "success" if success else "fail",
        "created_at": spaced_micro(completed_ms),
    }


def _spoil(w: World, f: VimaFacts, op: dict[str, Any], payment: dict[str, Any]) -> None:
    """Make the record one a correct importer must quarantine."""
    h = hash64(w.seed, f.entry, _SALT_BAD)
    if f.bad == "missing_id":
        variant = h % 3
        if variant == 0:
            del op["operation_id"]
        else:
            op["operation_id"] = None if variant == 1 else ""
    elif f.bad == "non_numeric_amount":
        junk = BAD_AMOUNTS[h % len(BAD_AMOUNTS)]
        payment["amount"]["value"] = junk
        if "complete_amount" in op:
            op["complete_amount"] = junk
    elif f.bad == "unparseable_date":
        op["operation_created_at"] = BAD_DATES[h % len(BAD_DATES)]
