"""Masking rules, table-driven: pure functions of their inputs."""

from __future__ import annotations

import json
import uuid

import pytest

from psp_dashboard.auth.masking import (
    mask_email,
    mask_export_row,
    mask_name,
    mask_payload,
    mask_phone,
    mask_transaction,
    mask_vpa,
)
from psp_dashboard.auth.principal import Principal
from tests.auth.payer_data import (
    CONTACT_EMAIL,
    EMAIL,
    NAME,
    PHONE,
    PS_NAME,
    PS_PHONE,
    RAW_VALUES,
    VPA,
    payshack_raw,
    vima_raw,
)

VIEWER = Principal(id=uuid.uuid4(), email="v@x.test", role="viewer")
ANALYST = Principal(id=uuid.uuid4(), email="a@x.test", role="analyst")


@pytest.mark.parametrize(
    ("function", "value", "masked"),
    [
        (mask_email, "asha.rao@example.com", "a***@example.com"),
        (mask_email, "a@b.co", "a***@b.co"),
        (mask_phone, "9000003341", "******3341"),
        (mask_phone, "+91 90000 03341", "***********3341"),
        (mask_phone, "341", "***"),
        (mask_name, "Asha Rao", "A*** R***"),
        (mask_name, "आशा राव", "आ*** र***"),
        (mask_name, "Madonna", "M***"),
        (mask_vpa, "9012345601@axl", "90******01@axl"),
        (mask_vpa, "9000000001-2@axl", "90********-2@axl"),
        (mask_vpa, "abc@ybl", "***@ybl"),
    ],
)
def test_mask_functions(function, value: str, masked: str) -> None:  # type: ignore[no-untyped-def]
    assert function(value) == masked


def _transaction(raw: dict[str, object], **fields: object) -> dict[str, object]:
    return {
        "id": str(uuid.uuid4()),
        "source": "vima",
        "amount": 100.0,
        "status": "success",
        "client_operation_id": "1768491979464",
        "user_id": "16faca55460b41c3a9b46a736c8dbfed",
        "user_email": EMAIL,
        "user_phone": PHONE,
        "user_name": NAME,
        "raw_data": raw,
        **fields,
    }


def test_vima_transaction_is_masked_for_a_viewer_including_raw_data() -> None:
    row = _transaction(vima_raw("1"))
    masked = mask_transaction(row, VIEWER)
    assert masked["user_email"] == "z***@example.com"
    assert masked["user_phone"] == "******5678"
    assert masked["user_name"] == "Z*** Q***"
    payer = masked["raw_data"]["create_params"]["params"]["payment"]["payer"]
    assert payer["email"] == "z***@example.com"
    assert payer["phone"] == "******5678"
    assert payer["person"] == {"first_name": "Z***", "last_name": "Q***"}
    # Ids, amounts and everything else keep their values.
    assert payer["customer_account"] == {"id": "16faca55460b41c3a9b46a736c8dbfed"}
    assert masked["raw_data"]["contact"] == "z***@example.org"
    assert masked["raw_data"]["notes"] == "callback for z***@example.com"
    assert masked["user_id"] == row["user_id"]
    assert masked["client_operation_id"] == "1768491979464"
    assert masked["amount"] == 100.0
    text = json.dumps(masked, ensure_ascii=False)
    assert not [v for v in RAW_VALUES if v in text]


def test_payshack_transaction_is_masked_for_a_viewer() -> None:
    row = _transaction(
        payshack_raw("PS-1"), user_id=VPA, user_email=None, user_phone=PS_PHONE, user_name=PS_NAME
    )
    masked = mask_transaction(row, VIEWER)
    assert masked["user_id"] == "98********-2@axl"
    assert masked["user_email"] is None
    raw = masked["raw_data"]
    assert raw["payerVpa"] == "98********-2@axl"
    assert raw["payerName"] == "O*** M***"
    assert raw["payerPhone"] == "******3341"
    assert raw["txnId"] == "PS-1"
    assert not [v for v in RAW_VALUES if v in json.dumps(masked, ensure_ascii=False)]


def test_analyst_and_admin_see_payer_data_unchanged() -> None:
    row = _transaction(vima_raw("1"))
    assert mask_transaction(row, ANALYST) is row
    assert mask_export_row(row, ANALYST) is row
    assert mask_payload(row, ANALYST) is row


def test_masking_does_not_modify_the_input() -> None:
    row = _transaction(vima_raw("1"))
    before = json.dumps(row, sort_keys=True)
    mask_transaction(row, VIEWER)
    assert json.dumps(row, sort_keys=True) == before


def test_export_row_is_masked() -> None:
    row = {
        "id": "x",
        "user_email": CONTACT_EMAIL,
        "user_phone": PHONE,
        "user_name": NAME,
        "user_id": VPA,
        "utr": "983991008838",
    }
    masked = mask_export_row(row, VIEWER)
    assert masked == {
        "id": "x",
        "user_email": "z***@example.org",
        "user_phone": "******5678",
        "user_name": "Z*** Q***",
        "user_id": "98********-2@axl",
        "utr": "983991008838",
    }


def test_unknown_shapes_are_masked_by_key_and_by_value() -> None:
    payload = {
        "customer": {"name": "Asha Rao", "mobile": 9000003341, "id": 7},
        "contacts": [{"contact": "9000003341"}, {"contact": "asha@example.com"}],
        "extra": ["someone@example.net", "9012345601@okaxis", "plain"],
        "payerEmail": "not-an-email",
    }
    masked = mask_payload(payload, VIEWER)
    assert masked == {
        "customer": {"name": "A*** R***", "mobile": "******3341", "id": 7},
        "contacts": [{"contact": "******3341"}, {"contact": "a***@example.com"}],
        "extra": ["s***@example.net", "90******01@okaxis", "plain"],
        "payerEmail": "n***",
    }


def test_payer_ip_address_in_raw_data_is_masked_for_a_viewer() -> None:
    from psp_dashboard.auth.masking import mask_payload
    from psp_dashboard.auth.principal import Principal

    viewer = Principal(id=uuid.UUID(int=1), email="v@example.com", role="viewer")
    masked = mask_payload(
        {"ip_addr": "203.0.113.77", "other": {"ipAddress": "2001:db8::1"}}, viewer
    )
    assert masked == {"ip_addr": "203.***", "other": {"ipAddress": "2001:***"}}


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "payer x@y.com, phone 9876543210, vpa a@okhdfc",
            "payer x***@y.com, phone ******3210, vpa *@okhdfc",
        ),
        ("call +91 98765 43210 or 09876543210", "call ***********3210 or *******3210"),
        ("vpa 9012345601@ybl.", "vpa 90******01@ybl."),
        # Ids, UTRs, amounts and longer numbers are not phones.
        ("utr 983991008838 op 1067251098160838656", "utr 983991008838 op 1067251098160838656"),
        ("amount 9876543210.50 of 1234567890", "amount 9876543210.50 of 1234567890"),
    ],
)
def test_free_text_has_payer_data_masked_inside_it(text: str, masked: str) -> None:
    from psp_dashboard.auth.masking import mask_text

    assert mask_text(text) == masked


def test_names_under_unknown_keys_and_in_sentences_are_masked() -> None:
    payload = {
        "beneficiary": {"accountName": "Asha Rao", "accountNumber": "123456789012"},
        "settlement": {"holderName": "Ravi Kumar", "bankName": "HDFC", "clientName": "91G"},
        "remark": "refund to 9876543210 requested",
        "reference": "9876543210",  # one token under an innocent key: an id, kept
    }
    assert mask_payload(payload, VIEWER) == {
        "beneficiary": {"accountName": "A*** R***", "accountNumber": "********9012"},
        "settlement": {"holderName": "R*** K***", "bankName": "HDFC", "clientName": "91G"},
        "remark": "refund to ******3210 requested",
        "reference": "9876543210",
    }
