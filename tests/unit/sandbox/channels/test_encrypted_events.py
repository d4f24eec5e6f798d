"""The Channels events in the secure mode (README, "Encrypted pushes"): with ``push_aes_keys`` set for the app,
only ``{"ToUserName", "Encrypt"}`` travels, the query adds ``encrypt_type=aes`` and ``msg_signature``; the
ciphertext opens with ``cryptography`` to the plain event and ends with the app id. A bad key is refused."""

import base64
import hashlib
import json
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from tests.unit.sandbox.channels.builders import CHANNELS_APP, PUSH_TOKEN, generate, tshirt_body

AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"


def open_with_cryptography(encrypt: str) -> tuple[dict, str]:
    key = base64.b64decode(AES_KEY + "=")
    decryptor = Cipher(algorithms.AES(key), modes.CBC(key[:16])).decryptor()
    plain = decryptor.update(base64.b64decode(encrypt)) + decryptor.finalize()
    plain = plain[: -plain[-1]]
    (length,) = struct.unpack(">I", plain[16:20])
    return json.loads(plain[20 : 20 + length]), plain[20 + length :].decode()


def test_an_order_event_travels_encrypted_and_signed(channels, channel_images, template_id, receiver):
    appid, _ = CHANNELS_APP
    channels.configure(push_aes_keys={appid: AES_KEY})
    product_id = channels.listed(tshirt_body(channel_images, template_id))
    order_id = generate(channels, product_id, channels.sku_ids(product_id)[0], paid=False)["order_id"]

    # The product's own events come first (encrypted too): wait for the order's.
    pushed, event, sender, seen = None, {}, "", 0
    while event.get("Event") != "channels_ec_order_new":
        seen += 1
        pushed = receiver.wait_for(seen)[seen - 1]
        event, sender = open_with_cryptography(pushed["json"]["Encrypt"])

    assert set(pushed["json"]) == {"ToUserName", "Encrypt"}
    query = pushed["query"]
    assert query["encrypt_type"] == "aes"
    expected = "".join(sorted([PUSH_TOKEN, query["timestamp"], query["nonce"], pushed["json"]["Encrypt"]]))
    assert (event["Event"], event["order_info"], sender) == ("channels_ec_order_new", {"order_id": order_id}, appid)
    assert query["msg_signature"] == hashlib.sha1(expected.encode()).hexdigest()


def test_a_malformed_key_is_refused_and_changes_nothing(channels):
    appid, _ = CHANNELS_APP

    answer = channels.control_error("POST", "config", {"push_aes_keys": {appid: "short"}, "push_token": "changed"})

    assert answer["errmsg"] == "invalid args: an EncodingAESKey is 43 letters and digits"
