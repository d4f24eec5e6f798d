"""Image upload (reference §2.7): ``common/upload_img`` answers the ``image_url`` products, templates and shelves
may use; the store refuses a link it did not hand out."""

from __future__ import annotations

from typing import Any

from sandbox.core.app_states import AppStates
from sandbox.core.base import ApiError, Request, RouteTable
from sandbox.core.context import ALPHANUMERIC, SandboxContext
from sandbox.core.images import remember_picture
from sandbox.core.validation import invalid_args, multipart_media
from sandbox.wechat_store.state import StoreState, success

IMAGE_URL_TEMPLATE = "http://mmbiz.qpic.cn/mmbiz/{key}/0"
IMAGE_KEY_LENGTH = 86
IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "bmp")
# Common WeChat codes for upload_img (reference §1.3 family): invalid file type, empty media data.
ERR_INVALID_FILE_TYPE = 40005
ERR_EMPTY_MEDIA = 44001


class Images:
    def __init__(self, ctx: SandboxContext, stores: AppStates[StoreState]) -> None:
        self._ctx = ctx
        self._stores = stores

    def routes(self) -> RouteTable:
        return {("POST", "/merchant/common/upload_img"): self.upload_image}

    def upload_image(self, request: Request) -> dict[str, Any]:
        """§2.7: raw image bytes as the body and ``filename`` (with its extension) in the query. A multipart
        field ``media`` is tolerated (wechatpy's other uploader). Answers ``image_url``."""
        state = self._stores.of_caller(request)
        filename = request.query.get("filename", "")
        data = request.body
        if request.content_type.startswith("multipart/form-data"):
            part_name, data = multipart_media(request)
            filename = filename or part_name
        if not filename:
            raise invalid_args("filename is required in the query string")
        extension = filename.rpartition(".")[2].lower() if "." in filename else ""
        if extension not in IMAGE_EXTENSIONS:
            raise ApiError(
                ERR_INVALID_FILE_TYPE, f"invalid file type: filename must end with .{', .'.join(IMAGE_EXTENSIONS)}"
            )
        if not data:
            raise ApiError(ERR_EMPTY_MEDIA, "empty media data")
        image_url = IMAGE_URL_TEMPLATE.format(key=self._ctx.ids.chars(IMAGE_KEY_LENGTH, ALPHANUMERIC))
        state.images[image_url] = {"filename": filename, "size": len(data)}
        remember_picture(self._ctx.picture_sources, image_url, data)
        self._stores.record(request, image_url=image_url, filename=filename, size=len(data))
        return success(image_url=image_url)
