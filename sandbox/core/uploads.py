"""Image upload as the WeChat shops take it (the Channels store §3.6, the mini-shop §4).

``upload_type`` and ``resp_type`` come in the query string. upload_type 0 sends a multipart ``media`` with
``height`` and ``width`` in the query, 1 a JSON ``{"img_url"}`` (which the sandbox cannot fetch: it counts as an
empty file). resp_type 1 answers a link products may use (at most 10 MB), 0 a ``media_id`` and a ``pay_media_id``
(at most 2 MB). What a platform refuses with a code of its own (an empty media, a file too large) it checks itself,
on what :func:`read_image_upload` returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.core.base import Request
from sandbox.core.context import ALPHANUMERIC, IdFactory
from sandbox.core.validation import invalid_args, multipart_media, read_query_int, read_str

MEDIA_LIMIT_BYTES = 2 * 1024 * 1024
LINK_LIMIT_BYTES = 10 * 1024 * 1024
IMAGE_KEY_LENGTH = 32
MEDIA_ID_LENGTH = 64


@dataclass(frozen=True)
class ImageUpload:
    upload_type: int
    resp_type: int
    # What the image came from: the upload_type, then filename, height and width (0) or source_url (1).
    source: dict[str, Any]
    data: bytes

    @property
    def limit(self) -> int:
        """The largest file this resp_type takes, in bytes."""
        return LINK_LIMIT_BYTES if self.resp_type == 1 else MEDIA_LIMIT_BYTES

    def info(self) -> dict[str, Any]:
        """What the shop keeps of the upload, and files in the applied log."""
        return {**self.source, "resp_type": self.resp_type, "size": len(self.data)}

    def answer(self, ids: IdFactory, *, appid: str, link_prefix: str, link_field: str) -> dict[str, str]:
        """The answer's ``pic_file``: a new link of the shop's image host under ``link_field`` for resp_type 1
        (``{link_prefix}{appid}/{32 letters and digits}``), a new ``media_id`` and ``pay_media_id`` for 0."""
        if self.resp_type == 1:
            return {link_field: f"{link_prefix}{appid}/{ids.chars(IMAGE_KEY_LENGTH, ALPHANUMERIC)}"}
        return {"media_id": ids.chars(MEDIA_ID_LENGTH), "pay_media_id": ids.chars(MEDIA_ID_LENGTH)}


def read_image_upload(request: Request, *, missing_size: str) -> ImageUpload:
    """The upload of ``request``; 40097 (``invalid_args``) for a bad query or body, which each platform answers with
    its own parameter code. ``missing_size`` is the platform's message for a missing height or width."""
    upload_type = read_query_int(request, "upload_type", choices=(0, 1))
    resp_type = read_query_int(request, "resp_type", choices=(0, 1))
    source: dict[str, Any] = {"upload_type": upload_type}
    if upload_type == 0:
        height, width = read_query_int(request, "height"), read_query_int(request, "width")
        if not height or not width:
            raise invalid_args(missing_size)
        if not request.content_type.startswith("multipart/form-data"):
            raise invalid_args('upload_type 0 needs a multipart/form-data body with a "media" field')
        filename, data = multipart_media(request)
        return ImageUpload(
            upload_type, resp_type, {**source, "filename": filename, "height": height, "width": width}, data
        )
    img_url = read_str(request.json(), "img_url")
    if not img_url.startswith(("http://", "https://")):
        raise invalid_args("img_url must be an http(s) URL")
    return ImageUpload(upload_type, resp_type, {**source, "source_url": img_url}, b"")
