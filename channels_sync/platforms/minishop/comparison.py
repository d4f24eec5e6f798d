"""A mini-shop product body field by field (seed 001): the ``product/spu/add`` body, and the ``edit_spu`` (draft)
and ``spu`` (online) answers, which share its shape. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from channels_sync.platforms.comparison import Field
from channels_sync.platforms.wechat_comparison import wechat_product_fields


def fields(body: Mapping) -> list[Field]:
    return wechat_product_fields(body, short_title_key="sub_title", head_images_key="head_img", categories_key="cats")
