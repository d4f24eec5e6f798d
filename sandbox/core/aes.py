"""AES (FIPS-197) and CBC (NIST SP 800-38A) in the standard library only, for the pushes of the platforms' secure
mode (安全模式, README "Encrypted pushes"): the emulator never imports third-party code.

Slow (pure Python, a table per round) but a push is a few hundred bytes. Checked against the FIPS-197 appendix C
vectors, the SP 800-38A CBC vectors and the ``cryptography`` package in ``tests/unit/sandbox/test_aes.py``.
"""

from __future__ import annotations

BLOCK = 16


def _xtime(value: int) -> int:
    value <<= 1
    return (value ^ 0x11B) if value & 0x100 else value


def _multiply(a: int, b: int) -> int:
    """Multiplication in GF(2^8) modulo x^8 + x^4 + x^3 + x + 1."""
    product = 0
    while b:
        if b & 1:
            product ^= a
        a = _xtime(a)
        b >>= 1
    return product


def _sbox() -> tuple[list[int], list[int]]:
    """The S-box from its definition (multiplicative inverse, then the affine map), and its inverse."""
    inverse = [0] * 256
    for a in range(1, 256):
        for b in range(1, 256):
            if _multiply(a, b) == 1:
                inverse[a] = b
                break
    sbox = [0] * 256
    for value in range(256):
        x = inverse[value]
        result = 0x63
        for shift in range(5):
            result ^= ((x << shift) | (x >> (8 - shift))) & 0xFF
        sbox[value] = result
    inverse_sbox = [0] * 256
    for value, substituted in enumerate(sbox):
        inverse_sbox[substituted] = value
    return sbox, inverse_sbox


SBOX, INV_SBOX = _sbox()
_MUL = {factor: [_multiply(value, factor) for value in range(256)] for factor in (2, 3, 9, 11, 13, 14)}


def expand_key(key: bytes) -> list[list[int]]:
    """The round keys (16 bytes each) of a 16-, 24- or 32-byte key."""
    if len(key) not in (16, 24, 32):
        raise ValueError("an AES key has 16, 24 or 32 bytes")
    words_in_key = len(key) // 4
    rounds = words_in_key + 6
    words = [list(key[i : i + 4]) for i in range(0, len(key), 4)]
    rcon = 1
    for index in range(words_in_key, 4 * (rounds + 1)):
        word = list(words[index - 1])
        if index % words_in_key == 0:
            word = [SBOX[byte] for byte in word[1:] + word[:1]]
            word[0] ^= rcon
            rcon = _xtime(rcon)
        elif words_in_key > 6 and index % words_in_key == 4:
            word = [SBOX[byte] for byte in word]
        words.append([a ^ b for a, b in zip(words[index - words_in_key], word, strict=True)])
    return [sum(words[r * 4 : r * 4 + 4], []) for r in range(rounds + 1)]


def _shift_rows(state: list[int], inverse: bool) -> list[int]:
    # The state is column-major: byte r + 4c is row r of column c; row r moves r columns.
    sign = -1 if inverse else 1
    return [state[row + 4 * ((column + sign * row) % 4)] for column in range(4) for row in range(4)]


def encrypt_block(round_keys: list[list[int]], block: bytes) -> bytes:
    state = [byte ^ key for byte, key in zip(block, round_keys[0], strict=True)]
    last = len(round_keys) - 1
    for round_index in range(1, last + 1):
        state = _shift_rows([SBOX[byte] for byte in state], inverse=False)
        if round_index != last:
            mixed = []
            for column in range(4):
                a0, a1, a2, a3 = state[4 * column : 4 * column + 4]
                m2, m3 = _MUL[2], _MUL[3]
                mixed += [
                    m2[a0] ^ m3[a1] ^ a2 ^ a3,
                    a0 ^ m2[a1] ^ m3[a2] ^ a3,
                    a0 ^ a1 ^ m2[a2] ^ m3[a3],
                    m3[a0] ^ a1 ^ a2 ^ m2[a3],
                ]
            state = mixed
        state = [byte ^ key for byte, key in zip(state, round_keys[round_index], strict=True)]
    return bytes(state)


def decrypt_block(round_keys: list[list[int]], block: bytes) -> bytes:
    last = len(round_keys) - 1
    state = [byte ^ key for byte, key in zip(block, round_keys[last], strict=True)]
    for round_index in range(last - 1, -1, -1):
        state = [INV_SBOX[byte] for byte in _shift_rows(state, inverse=True)]
        state = [byte ^ key for byte, key in zip(state, round_keys[round_index], strict=True)]
        if round_index:
            mixed = []
            for column in range(4):
                a0, a1, a2, a3 = state[4 * column : 4 * column + 4]
                m9, m11, m13, m14 = _MUL[9], _MUL[11], _MUL[13], _MUL[14]
                mixed += [
                    m14[a0] ^ m11[a1] ^ m13[a2] ^ m9[a3],
                    m9[a0] ^ m14[a1] ^ m11[a2] ^ m13[a3],
                    m13[a0] ^ m9[a1] ^ m14[a2] ^ m11[a3],
                    m11[a0] ^ m13[a1] ^ m9[a2] ^ m14[a3],
                ]
            state = mixed
    return bytes(state)


def cbc_encrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """CBC over whole blocks (the caller pads)."""
    if len(iv) != BLOCK or len(data) % BLOCK:
        raise ValueError("CBC takes a 16-byte IV and whole 16-byte blocks")
    round_keys = expand_key(key)
    previous, out = iv, bytearray()
    for start in range(0, len(data), BLOCK):
        previous = encrypt_block(
            round_keys, bytes(a ^ b for a, b in zip(data[start : start + BLOCK], previous, strict=True))
        )
        out += previous
    return bytes(out)


def cbc_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    if len(iv) != BLOCK or len(data) % BLOCK:
        raise ValueError("CBC takes a 16-byte IV and whole 16-byte blocks")
    round_keys = expand_key(key)
    previous, out = iv, bytearray()
    for start in range(0, len(data), BLOCK):
        block = data[start : start + BLOCK]
        out += bytes(a ^ b for a, b in zip(decrypt_block(round_keys, block), previous, strict=True))
        previous = block
    return bytes(out)


def pkcs7_pad(data: bytes, block_size: int) -> bytes:
    count = block_size - len(data) % block_size
    return data + bytes([count]) * count


def pkcs7_unpad(data: bytes, block_size: int) -> bytes:
    count = data[-1] if data else 0
    if not 1 <= count <= block_size or data[-count:] != bytes([count]) * count:
        raise ValueError("bad PKCS#7 padding")
    return data[:-count]
