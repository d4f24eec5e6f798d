"""The pictures behind the shops' image links, as the emulator serves them (``GET /__sandbox__/image?url=``).

The platforms' links (``https://mmecimage.cn/p/…``, ``https://mmbiz.qpic.cn/…``) name hosts the emulator is not,
so a client adopting a shop's products fetches their pictures here instead. A link gives a small PNG, the same
bytes each time, drawn from what was uploaded for it (``SandboxContext.picture_sources``): the same file uploaded
to two shops gives the same picture, as a real picture host would serve it; different files give different
pictures. A link the emulator did not issue (or issued before a restart) gets a picture drawn from the link.
"""

from __future__ import annotations

import hashlib
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Small enough to be cheap, large enough for an image library that refuses 1×1 pictures.
IMAGE_SIDE = 16


def remember_picture(sources: dict[str, str], url: str, data: bytes) -> None:
    """Note what was uploaded for the link ``url`` (into ``SandboxContext.picture_sources``)."""
    sources[url] = hashlib.sha256(data).hexdigest()


def image_for_link(url: str, source: str | None = None) -> bytes:
    """A valid ``IMAGE_SIDE``-square RGB PNG for ``url``: drawn from ``source`` (the uploaded bytes' SHA-256)
    when known, else from the link."""
    origin = f"upload:{source}" if source else url
    red, green, blue = hashlib.sha256(origin.encode("utf-8")).digest()[:3]
    row = b"\x00" + bytes((red, green, blue)) * IMAGE_SIDE  # filter type 0, then the pixels
    header = struct.pack(">IIBBBBB", IMAGE_SIDE, IMAGE_SIDE, 8, 2, 0, 0, 0)
    return b"".join(
        (
            PNG_SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"tEXt", b"Source\x00" + origin.encode("utf-8")),
            _chunk(b"IDAT", zlib.compress(row * IMAGE_SIDE)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
