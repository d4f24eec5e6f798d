"""The pictures behind the shops' image links, as the emulator serves them (``GET /__sandbox__/image?url=``).

The platforms' links (``https://mmecimage.cn/p/…``, ``https://mmbiz.qpic.cn/…``) name hosts the emulator is not,
so a client adopting a shop's products fetches their pictures here instead. Every link gives its own small PNG,
the same bytes each time: a colour drawn from the link's hash, and the link itself in a ``tEXt`` chunk, so no two
links share a file.
"""

from __future__ import annotations

import hashlib
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Small enough to be cheap, large enough for an image library that refuses 1×1 pictures.
IMAGE_SIDE = 16


def image_for_link(url: str) -> bytes:
    """A valid ``IMAGE_SIDE``-square RGB PNG for ``url``."""
    red, green, blue = hashlib.sha256(url.encode("utf-8")).digest()[:3]
    row = b"\x00" + bytes((red, green, blue)) * IMAGE_SIDE  # filter type 0, then the pixels
    header = struct.pack(">IIBBBBB", IMAGE_SIDE, IMAGE_SIDE, 8, 2, 0, 0, 0)
    return b"".join(
        (
            PNG_SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"tEXt", b"Source\x00" + url.encode("utf-8")),
            _chunk(b"IDAT", zlib.compress(row * IMAGE_SIDE)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
