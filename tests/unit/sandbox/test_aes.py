"""The emulator's own AES (``sandbox/core/aes.py``, stdlib only) against the published vectors — FIPS-197
appendix C (AES-128, -192, -256), NIST SP 800-38A F.2 (CBC-AES256) — and against ``cryptography``."""

import os

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from sandbox.core import aes

PLAIN = bytes.fromhex("00112233445566778899aabbccddeeff")


@pytest.mark.parametrize(
    ("key", "cipher"),
    [
        ("000102030405060708090a0b0c0d0e0f", "69c4e0d86a7b0430d8cdb78070b4c55a"),
        ("000102030405060708090a0b0c0d0e0f1011121314151617", "dda97ca4864cdfe06eaf70a0ec0d7191"),
        ("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", "8ea2b7ca516745bfeafc49904b496089"),
    ],
)
def test_fips_197_appendix_c(key, cipher):
    round_keys = aes.expand_key(bytes.fromhex(key))

    assert aes.encrypt_block(round_keys, PLAIN).hex() == cipher
    assert aes.decrypt_block(round_keys, bytes.fromhex(cipher)) == PLAIN


SP800_KEY = bytes.fromhex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4")
SP800_IV = bytes.fromhex("000102030405060708090a0b0c0d0e0f")
SP800_PLAIN = bytes.fromhex(
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
)
SP800_CIPHER = (
    "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
    "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b"
)


def test_sp_800_38a_f_2_5_and_f_2_6_cbc_aes256():
    assert aes.cbc_encrypt(SP800_KEY, SP800_IV, SP800_PLAIN).hex() == SP800_CIPHER
    assert aes.cbc_decrypt(SP800_KEY, SP800_IV, bytes.fromhex(SP800_CIPHER)) == SP800_PLAIN


@pytest.mark.parametrize("length", [0, 1, 31, 32, 33, 250])
def test_the_same_as_cryptography_with_the_32_byte_padding_of_wechat(length):
    key, iv, data = os.urandom(32), os.urandom(16), os.urandom(length)
    padded = aes.pkcs7_pad(data, 32)
    expected = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()

    ours = aes.cbc_encrypt(key, iv, padded)

    assert ours == expected.update(padded) + expected.finalize()
    assert aes.pkcs7_unpad(aes.cbc_decrypt(key, iv, ours), 32) == data


def test_bad_padding_is_refused():
    with pytest.raises(ValueError, match="bad PKCS#7 padding"):
        aes.pkcs7_unpad(b"abc" + bytes([33]) * 33, 32)
