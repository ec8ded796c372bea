"""AES-GCM payloads for the encrypted mode.

Format: base64(iv[12] || ciphertext || tag[16]) of the UTF-8 JSON, which WebCrypto's
AES-GCM decrypts directly (it expects the tag appended to the ciphertext).
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def encrypt_json(key: bytes, payload: Any) -> str:
    iv = os.urandom(12)
    plain = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.b64encode(iv + AESGCM(key).encrypt(iv, plain, None)).decode("ascii")


def decrypt_json(key: bytes, text: str) -> Any:
    raw = base64.b64decode(text)
    return json.loads(AESGCM(key).decrypt(raw[:12], raw[12:], None))


def key_b64(key: bytes) -> str:
    return base64.b64encode(key).decode("ascii")
