"""Image upload (reference §4): img/upload, as the WeChat shops take it (``core/uploads.py``); resp_type 1 answers
``pic_file.temp_img_url``, a link products may use."""

from __future__ import annotations

from typing import Any

from sandbox.core.app_states import AppStates, caller
from sandbox.core.base import Request, RouteTable, ok
from sandbox.core.context import SandboxContext
from sandbox.core.images import remember_picture
from sandbox.core.uploads import read_image_upload
from sandbox.minishop.rules import param
from sandbox.minishop.state import ShopState

IMAGE_HOST = "https://mmbiz.qpic.cn/mini_shop/"


class Images:
    def __init__(self, ctx: SandboxContext, shops: AppStates[ShopState]) -> None:
        self._ctx = ctx
        self._shops = shops

    def routes(self) -> RouteTable:
        return {("POST", "/product/img/upload"): self.image_upload}

    def image_upload(self, request: Request) -> dict[str, Any]:
        """§4 img/upload. ``upload_type`` and ``resp_type`` must be in the query string. upload_type 0: multipart
        ``media`` with ``height`` and ``width`` in the query; 1: JSON ``{"img_url"}``. resp_type 1 answers
        ``pic_file.temp_img_url`` (a link products may use), 0 ``media_id`` and ``pay_media_id``. At most 2 MB for
        resp_type 0 and 10 MB for resp_type 1."""
        state = self._shops.of_caller(request)
        upload = read_image_upload(request, missing_size="height and width must be > 0 in the query string")
        if upload.upload_type == 0 and not upload.data:
            raise param("the media field is empty")
        if len(upload.data) > upload.limit:
            raise param(
                f"the image has {len(upload.data)} bytes, at most {upload.limit} for resp_type {upload.resp_type}"
            )
        info = upload.info()
        pic_file = upload.answer(
            self._ctx.ids, appid=caller(request), link_prefix=IMAGE_HOST, link_field="temp_img_url"
        )
        if upload.resp_type == 1:
            state.images[pic_file["temp_img_url"]] = info
            remember_picture(self._ctx.picture_sources, pic_file["temp_img_url"], upload.data)
        else:
            state.media[pic_file["media_id"]] = info
        self._shops.record(request, **info, **pic_file)
        return ok(pic_file=pic_file)
