"""Uploads (reference §3.6): images, as the WeChat shops take them (``core/uploads.py``; resp_type 1 answers the
``mmecimage.cn/p/`` link products may use), and qualification files."""

from __future__ import annotations

from typing import Any

from sandbox.channels.codes import ERR_PARAM_QUERY, ERR_QUALIFICATION_EMPTY, ERR_QUALIFICATION_TOO_LARGE, fail
from sandbox.channels.product_rules import IMAGE_PREFIX
from sandbox.channels.shop import Endpoint
from sandbox.channels.state import ShopState
from sandbox.core.app_states import AppStates, caller
from sandbox.core.base import ApiError, Request, ok
from sandbox.core.context import ALPHANUMERIC, SandboxContext
from sandbox.core.images import remember_picture
from sandbox.core.uploads import read_image_upload
from sandbox.core.validation import invalid_args, multipart_media

QUALIFICATION_LIMIT_BYTES = 2 * 1024 * 1024
FILE_ID_LENGTH = 40
# Common WeChat media codes, used by image upload (the reference names none): empty media, invalid media size.
ERR_EMPTY_MEDIA = 44001
ERR_MEDIA_SIZE = 40006


class Uploads:
    def __init__(self, ctx: SandboxContext, shops: AppStates[ShopState]) -> None:
        self._ctx = ctx
        self._shops = shops

    def endpoints(self) -> list[Endpoint]:
        return [
            Endpoint("/basics/img/upload", self.image_upload, shop=True, param=ERR_PARAM_QUERY),
            Endpoint("/basics/qualification/upload", self.qualification_upload, shop=True, param=ERR_PARAM_QUERY),
        ]

    def image_upload(self, request: Request) -> dict[str, Any]:
        """§3.6 basics/img/upload. ``upload_type`` and ``resp_type`` must be in the query (in the body: 10020055).
        upload_type 0: multipart ``media`` plus ``height`` and ``width`` in the query; 1: JSON ``{"img_url"}``.
        resp_type 1 answers ``pic_file.img_url`` (an mmecimage.cn/p/ link products may use), 0 ``media_id`` and
        ``pay_media_id``. At most 2 MB for resp_type 0, 10 MB for resp_type 1."""
        state = self._shops.of_caller(request)
        if "upload_type" not in request.query or "resp_type" not in request.query:
            raise invalid_args("upload_type and resp_type must be in the query string, not the body")
        upload = read_image_upload(request, missing_size="height and width must be > 0")
        if upload.upload_type == 0 and not upload.data:
            raise ApiError(ERR_EMPTY_MEDIA, "empty media data")
        size, limit = len(upload.data), upload.limit
        if size > limit:
            raise ApiError(
                ERR_MEDIA_SIZE, f"invalid media size: {size} bytes, at most {limit} for resp_type {upload.resp_type}"
            )
        info = upload.info()
        pic_file = upload.answer(self._ctx.ids, appid=caller(request), link_prefix=IMAGE_PREFIX, link_field="img_url")
        if upload.resp_type == 1:
            state.images[pic_file["img_url"]] = info
            remember_picture(self._ctx.picture_sources, pic_file["img_url"], upload.data)
        else:
            state.media[pic_file["media_id"]] = {**info, "pay_media_id": pic_file["pay_media_id"]}
        # A URL upload's info already names its source as img_url: the answer's link wins in the log.
        self._shops.record(request, **{**info, **pic_file})
        return ok(pic_file=pic_file)

    def qualification_upload(self, request: Request) -> dict[str, Any]:
        """§3.6 basics/qualification/upload: multipart ``media``; answers ``data.file_id``. 10020059 empty,
        10020060 above 2 MB."""
        state = self._shops.of_caller(request)
        if not request.content_type.startswith("multipart/form-data"):
            raise invalid_args('the body must be multipart/form-data with a "media" field')
        filename, data = multipart_media(request)
        if not data:
            raise fail(ERR_QUALIFICATION_EMPTY, "the qualification file is empty")
        if len(data) > QUALIFICATION_LIMIT_BYTES:
            raise fail(
                ERR_QUALIFICATION_TOO_LARGE, f"the qualification file is larger than {QUALIFICATION_LIMIT_BYTES}"
            )
        file_id = self._ctx.ids.chars(FILE_ID_LENGTH, ALPHANUMERIC)
        state.qualification_files[file_id] = {"filename": filename, "size": len(data)}
        self._shops.record(request, file_id=file_id, filename=filename, size=len(data))
        return ok(data={"file_id": file_id})
