"""The secure mode (安全模式) of WeChat pushes, as the platform sends them (README, "Encrypted pushes"):

- ``AESKey = base64_decode(EncodingAESKey + "=")``: 43 characters of ``[A-Za-z0-9]`` give 32 bytes (AES-256); the
  IV is the key's first 16 bytes; CBC, padded PKCS#7-style to a multiple of 32 bytes;
- the plaintext is ``random(16) + length(4, network order) + message + appid``; ``Encrypt`` is its base64;
- ``msg_signature = sha1("".join(sorted([token, timestamp, nonce, Encrypt])))`` goes in the query next to
  ``encrypt_type=aes`` (and the usual ``signature``); the body is ``{"ToUserName", "Encrypt"}``.
"""

from __future__ import annotations

import base64
import hashlib
import re
import struct

from sandbox.core import aes

ENCODING_AES_KEY = re.compile(r"[A-Za-z0-9]{43}", re.ASCII)
# WeChat's sample code pads to 32 bytes (its PKCS7Encoder block size), not to the AES block of 16.
PAD_BLOCK = 32


def check_encoding_aes_key(key: str) -> None:
    if not isinstance(key, str) or not ENCODING_AES_KEY.fullmatch(key):
        raise ValueError("an EncodingAESKey is 43 letters and digits")


def aes_key(encoding_aes_key: str) -> bytes:
    check_encoding_aes_key(encoding_aes_key)
    return base64.b64decode(encoding_aes_key + "=")


def encrypt_message(encoding_aes_key: str, appid: str, message: bytes, random16: bytes) -> str:
    key = aes_key(encoding_aes_key)
    plain = random16 + struct.pack(">I", len(message)) + message + appid.encode("utf-8")
    return base64.b64encode(aes.cbc_encrypt(key, key[:16], aes.pkcs7_pad(plain, PAD_BLOCK))).decode("ascii")


def decrypt_message(encoding_aes_key: str, encrypt: str) -> tuple[bytes, str]:
    """``(message, appid)``: the emulator's own check of what it sends (tests)."""
    key = aes_key(encoding_aes_key)
    plain = aes.pkcs7_unpad(aes.cbc_decrypt(key, key[:16], base64.b64decode(encrypt)), PAD_BLOCK)
    (length,) = struct.unpack(">I", plain[16:20])
    return plain[20 : 20 + length], plain[20 + length :].decode("utf-8")


def msg_signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypt])).encode("utf-8")).hexdigest()
