"""Encryption at rest of shop app secrets (Fernet: AES-128-CBC with an HMAC).

The key comes from FIELD_ENCRYPTION_KEY; the embedded default derives one from SECRET_KEY so a development
install works out of the box (the production system check refuses to run without a real key).
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


class SecretDecryptionError(Exception):
    """The stored secret cannot be read with the configured key (the key changed?)."""

    def __str__(self) -> str:
        return "The stored app secret cannot be decrypted with FIELD_ENCRYPTION_KEY."


def _fernet() -> Fernet:
    key = settings.FIELD_ENCRYPTION_KEY
    if not key:
        digest = hashlib.sha256(f"shopadmin-field-encryption:{settings.SECRET_KEY}".encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key.encode() if isinstance(key, str) else key)


def encrypt_secret(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt_secret(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise SecretDecryptionError from None
