"""A mini-shop product body field by field (seed 001): the ``product/spu/add`` body, and the ``edit_spu`` (draft)
and ``spu`` (online) answers, which share its shape. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.comparison import Field
from channels_sync.platforms.wechat_comparison import wechat_product_fields

# The copies ``product/spu/get`` gives besides what would be sent, with their column headings.
COPIES = {"draft": _("Shop draft"), "online": _("Online")}


def fields(body: Mapping) -> list[Field]:
    return wechat_product_fields(body, short_title_key="sub_title", head_images_key="head_img", categories_key="cats")
