"""Channel URLs and secrets at rest: Fernet with ALERTS_ENCRYPTION_KEY (any text, hashed
to a key) or, unset, a key file made once under DATA_DIR (mode 0600)."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from psp_dashboard.config import Settings

KEY_FILE = "alerts.key"


def _file_key(data_dir: Path) -> bytes:
    path = data_dir / KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting together keep the first one's key.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(Fernet.generate_key())
    return path.read_bytes().strip()


def fernet(settings: Settings) -> Fernet:
    if settings.alerts_encryption_key is not None:
        raw = settings.alerts_encryption_key.get_secret_value().encode()
        return Fernet(base64.urlsafe_b64encode(hashlib.sha256(raw).digest()))
    return Fernet(_file_key(settings.data_dir))


def encrypt(settings: Settings, value: str) -> str:
    return fernet(settings).encrypt(value.encode()).decode()


def decrypt(settings: Settings, token: str | None) -> str | None:
    """The stored value, or None when there is none or the key changed since."""
    if not token:
        return None
    try:
        return fernet(settings).decrypt(token.encode()).decode()
    except InvalidToken:
        return None
