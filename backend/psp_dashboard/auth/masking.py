"""Payer data masking for viewers.

Callers pass every transaction they return (list, detail with `raw_data`, search
results, export rows) through `mask_transaction` / `mask_export_row`; any other payload
that may carry source records (quarantine, discrepancy details) through `mask_payload`.
For principals that may see payer data these return their input unchanged.

Rules (a viewer sees the shape, never the value):
- e-mail `asha.rao@example.com` → `a***@example.com`
- phone `9000003341` → `******3341` (last four kept)
- name `Asha Rao` → `A*** R***`
- UPI VPA `9012345601@axl` → `90******01@axl`
Inside nested data a value is masked by its key (anything naming an e-mail, phone,
VPA or contact; any key ending in `name` but a known non-person one such as
`clientName`; every string under a `payer` / `person` / `customer` / `beneficiary` …
object), and any string holding an e-mail address or a bare VPA is masked whatever its
key. Free text (a note, an error message, any string with spaces in it) has every
e-mail, VPA and Indian mobile number inside it masked (`mask_text`). Unknown shapes are
masked rather than passed through.
"""

from __future__ import annotations

import re
from typing import Any

from psp_dashboard.auth.principal import Principal

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-']+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
# A UPI handle: local part @ a provider word without dots (`okaxis`, `axl`, `ybl`).
_VPA = re.compile(r"^[A-Za-z0-9._\-]+@[A-Za-z][A-Za-z0-9]*$")
# Inside free text: an e-mail, else a VPA (a handle not followed by a domain's dot), else
# an Indian mobile number (optionally +91 / 91- / 0 first) standing on its own, not a
# stretch of a longer number or id.
_IN_TEXT = re.compile(
    r"(?P<email>[A-Za-z0-9._%+\-']+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+)"
    r"|(?P<vpa>[A-Za-z0-9._\-]+@[A-Za-z][A-Za-z0-9]*)(?![A-Za-z0-9.\-]*\.[A-Za-z0-9])"
    r"|(?<![\w+.])(?P<phone>(?:\+91[\s-]?|91[\s-]|0)?[6-9]\d{4}[\s-]?\d{5})(?!\w|\.\d)"
)

# Top-level transaction fields and how each is masked.
_TRANSACTION_FIELDS = {
    "user_email": "email",
    "user_phone": "phone",
    "user_name": "name",
    "email": "email",
    "phone": "phone",
}
# Normalised key fragments (lower case, no `_`/`-`) that name payer data.
_EMAIL_KEYS = ("email", "mail")
_PHONE_KEYS = ("phone", "mobile", "msisdn")
_VPA_KEYS = ("vpa", "upi")
_CONTACT_KEYS = ("contact",)
# The payer's network address is personal data too (Vima's `ip_addr`).
_IP_KEYS = frozenset({"ip", "ipaddr", "ipaddress", "clientip"})
_NAME_KEYS = (
    "payername",
    "firstname",
    "lastname",
    "middlename",
    "fullname",
    "customername",
    "holdername",
    "username",
)
# Every string below an object under one of these keys is payer data, ids aside.
_PERSON_CONTAINERS = (
    "payer",
    "person",
    "customer",
    "billing",
    "holder",
    "beneficiary",
    "payee",
    "remitter",
    "sender",
    "receiver",
)
# Keys ending in `name` that name no person; any other `…name` key is masked as a name.
_NOT_PERSON_NAMES = frozenset(
    {
        "name",  # bare: a project's, a client's, a file's … (inside a person: see _walk)
        "clientname",
        "merchantname",
        "projectname",
        "bankname",
        "productname",
        "providername",
        "gatewayname",
        "methodname",
        "paymentmethodname",
        "statusname",
        "companyname",
        "businessname",
        "brandname",
        "appname",
        "filename",
        "hostname",
        "servername",
        "eventname",
        "currencyname",
        "countryname",
        "cityname",
        "statename",
        "channelname",
        "typename",
        "sourcename",
        "fieldname",
        "keyname",
    }
)
_ID_KEYS = ("id", "accountid", "customerid")


def mask_email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    if not local:
        return mask_unknown(value)
    return f"{local[0]}***@{domain}"


def mask_phone(value: str) -> str:
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_name(value: str) -> str:
    return " ".join(f"{word[0]}***" for word in value.split()) or value


def mask_vpa(value: str) -> str:
    local, _, handle = value.rpartition("@")
    if len(local) <= 4:
        masked = "*" * len(local)
    else:
        masked = local[:2] + "*" * (len(local) - 4) + local[-2:]
    return f"{masked}@{handle}"


def mask_unknown(value: str) -> str:
    """Unknown shape: keep the first character only."""
    return f"{value[0]}***" if value else value


def _mask_in_text(match: re.Match[str]) -> str:
    if match.group("email"):
        return mask_email(match.group("email"))
    if match.group("vpa"):
        return mask_vpa(match.group("vpa"))
    return mask_phone(match.group("phone"))


def mask_text(value: str) -> str:
    """Free text (a note, an error message): every e-mail, VPA and mobile number in it."""
    return _IN_TEXT.sub(_mask_in_text, value)


def mask_text_for(value: str | None, principal: Principal) -> str | None:
    return value if value is None or not principal.masks_payer_data else mask_text(value)


def _mask_free_text(value: str) -> str:
    """A string under an innocent key: a sentence is free text; a single token (an id, a
    code) keeps its value unless it holds an e-mail or is a whole VPA."""
    if any(ch.isspace() for ch in value):
        return mask_text(value)
    if _VPA.match(value):
        return mask_vpa(value)
    return _EMAIL.sub(lambda m: mask_email(m.group(0)), value)


def _mask_by_kind(kind: str, value: str) -> str:
    if kind == "email":
        return mask_email(value) if "@" in value else mask_unknown(value)
    if kind == "phone":
        return mask_phone(value)
    if kind == "vpa":
        return mask_vpa(value) if "@" in value else mask_unknown(value)
    if kind == "name":
        return mask_name(value)
    if kind == "ip":
        return mask_ip(value)
    # contact or a field of a person: pick by what the value looks like.
    if _EMAIL.fullmatch(value):
        return mask_email(value)
    if _VPA.match(value):
        return mask_vpa(value)
    digits = value.replace("+", "").replace(" ", "").replace("-", "")
    if digits.isdigit():
        return mask_phone(value)
    return mask_name(value)


def mask_ip(value: str) -> str:
    """`203.0.113.7` → `203.***`; IPv6 keeps its first group likewise."""
    if not value:
        return value
    separator = ":" if ":" in value and "." not in value else "."
    return value.split(separator, 1)[0] + separator + "***"


def _kind_of(key: str) -> str | None:
    normalized = key.lower().replace("_", "").replace("-", "")
    if normalized in _IP_KEYS:
        return "ip"
    if any(k in normalized for k in _EMAIL_KEYS):
        return "email"
    if any(k in normalized for k in _VPA_KEYS):
        return "vpa"
    if any(k in normalized for k in _PHONE_KEYS):
        return "phone"
    if any(k in normalized for k in _CONTACT_KEYS):
        return "contact"
    if normalized in _NAME_KEYS:
        return "name"
    # A name under a key not seen before (`beneficiary.accountName`): a person's.
    if normalized.endswith("name") and normalized not in _NOT_PERSON_NAMES:
        return "name"
    return None


def _walk(value: Any, kind: str | None, in_person: bool) -> Any:
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            text_key = str(key)
            normalized = text_key.lower().replace("_", "").replace("-", "")
            child_kind = _kind_of(text_key)
            if child_kind is None and in_person and normalized not in _ID_KEYS:
                child_kind = "name" if normalized == "name" else "person"
            child_in_person = in_person or any(c in normalized for c in _PERSON_CONTAINERS)
            out[key] = _walk(item, child_kind, child_in_person)
        return out
    if isinstance(value, list):
        return [_walk(item, kind, in_person) for item in value]
    if isinstance(value, str):
        if not value:
            return value
        return _mask_by_kind(kind, value) if kind else _mask_free_text(value)
    if (
        kind in ("phone", "contact", "person")
        and isinstance(value, int)
        and not isinstance(value, bool)
    ):
        # A phone number sent as a JSON number.
        return mask_phone(str(value))
    return value


def mask_payload(value: Any, principal: Principal) -> Any:
    """Any JSON-like payload (raw source records, details) with payer data masked."""
    if not principal.masks_payer_data:
        return value
    return _walk(value, None, False)


def _mask_row(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        kind = _TRANSACTION_FIELDS.get(key)
        if kind is not None and isinstance(value, str) and value:
            out[key] = _mask_by_kind(kind, value)
        elif key == "user_id" and isinstance(value, str) and "@" in value:
            # PayShack's payer id is the payer's VPA.
            out[key] = _mask_by_kind("contact", value)
        else:
            out[key] = _walk(value, _kind_of(key), False)
    return out


def mask_transaction(row: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """Return `row` with payer email/phone/name/VPA masked when the principal must not see them
    (including inside `raw_data` when present)."""
    if not principal.masks_payer_data:
        return row
    return _mask_row(row)


def mask_export_row(row: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """The same rules for a flat export row (the export's column names are the fields')."""
    if not principal.masks_payer_data:
        return row
    return _mask_row(row)
