"""The secure mode (安全模式) of the platforms' event pushes: the body carries only ``Encrypt``, AES-256-CBC with
the shop's EncodingAESKey, and the query a ``msg_signature`` over it (sandbox README, "Encrypted pushes", which
names the official pages).

- ``AESKey = base64_decode(EncodingAESKey + "=")`` (43 letters and digits → 32 bytes); IV = its first 16 bytes;
- plaintext = ``random(16) + length(4 bytes, network order) + message + appid``, padded PKCS#7-style to a multiple
  of 32 bytes (WeChat's sample code), so a padding byte runs from 1 to 32;
- ``msg_signature = sha1(sorted([token, timestamp, nonce, Encrypt]))``.

Every failure is a :class:`~channels_sync.pushes.PushRefused` with a short reason that names no secret and echoes
no input; nothing here touches the database.
"""

import base64
import binascii
import hashlib
import hmac
import re
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.http import QueryDict

from .pushes import SIGNATURE, PushRefused

ENCODING_AES_KEY = re.compile(r"[A-Za-z0-9]{43}", re.ASCII)
PAD_BLOCK = 32
AES_BLOCK = 16
# random(16) + length(4): what precedes the message in the plaintext.
HEADER_BYTES = 20
# The ciphertext of the largest body the endpoint reads, as base64 (pushes.MAX_BODY_BYTES bounds it anyway).
MAX_ENCRYPT_CHARS = 64 * 1024


def valid_encoding_aes_key(key: str) -> bool:
    return bool(ENCODING_AES_KEY.fullmatch(key))


def msg_signature(token: str, timestamp: str, nonce: str, encrypt: str) -> str:
    return hashlib.sha1("".join(sorted([token, timestamp, nonce, encrypt])).encode()).hexdigest()  # noqa: S324  (WeChat's scheme)


def is_encrypted(query: QueryDict) -> bool:
    """WeChat marks a secure-mode push with ``encrypt_type=aes``; absent or ``raw`` is plain text."""
    return query.get("encrypt_type", "raw") != "raw"


def decrypted_push(fields: dict, query: QueryDict, *, token: str, encoding_aes_key: str, appid: str) -> str:
    """The plain text of an encrypted push, checked: ``encrypt_type`` aes, ``msg_signature`` over ``Encrypt``,
    padding, length and the appid at the end (the shop's own). 403 for a forged or foreign push, 400 for a
    malformed one."""
    if query.get("encrypt_type") != "aes":
        raise PushRefused(400, "unsupported encrypt_type")
    encrypt = fields.get("Encrypt")
    if not isinstance(encrypt, str) or not encrypt or len(encrypt) > MAX_ENCRYPT_CHARS:
        raise PushRefused(400, "invalid Encrypt")
    signature = query.get("msg_signature", "")
    expected = msg_signature(token, query.get("timestamp", ""), query.get("nonce", ""), encrypt)
    if not (SIGNATURE.fullmatch(signature) and hmac.compare_digest(expected, signature.lower())):
        raise PushRefused(403, "invalid msg_signature")
    key = base64.b64decode(encoding_aes_key + "=")
    try:
        cipher_text = base64.b64decode(encrypt, validate=True)
    except (binascii.Error, ValueError) as error:
        raise PushRefused(400, "invalid Encrypt") from error
    if not cipher_text or len(cipher_text) % AES_BLOCK:
        raise PushRefused(400, "invalid Encrypt")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:AES_BLOCK])).decryptor()
    plain = decryptor.update(cipher_text) + decryptor.finalize()
    pad = plain[-1]
    if not 1 <= pad <= PAD_BLOCK or pad > len(plain) or plain[-pad:] != bytes([pad]) * pad:
        # A wrong key reads as garbage, its padding first.
        raise PushRefused(403, "cannot decrypt")
    plain = plain[:-pad]
    if len(plain) < HEADER_BYTES:
        raise PushRefused(403, "cannot decrypt")
    (length,) = struct.unpack(">I", plain[16:HEADER_BYTES])
    if length > len(plain) - HEADER_BYTES:
        raise PushRefused(403, "cannot decrypt")
    message, sender = plain[HEADER_BYTES : HEADER_BYTES + length], plain[HEADER_BYTES + length :]
    if not hmac.compare_digest(sender, appid.encode()):
        raise PushRefused(403, "wrong appid")
    try:
        return message.decode("utf-8")
    except UnicodeDecodeError as error:
        raise PushRefused(400, "body is not UTF-8") from error
