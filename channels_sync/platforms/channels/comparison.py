"""A Channels product body field by field (API reference §3.2, §3.3): the ``product/add`` body, and the ``product``
(online) and ``edit_product`` (draft) copies of ``product/get``, which share its shape. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.comparison import Field
from channels_sync.platforms.wechat_comparison import wechat_product_fields

# The copies ``product/get`` gives besides what would be sent, with their column headings.
COPIES = {"draft": _("Shop draft"), "online": _("Online")}


def fields(body: Mapping) -> list[Field]:
    return wechat_product_fields(
        body, short_title_key="short_title", head_images_key="head_imgs", categories_key="cats_v2"
    )
