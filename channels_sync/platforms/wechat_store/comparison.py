"""A WeChat Store (V1.17) product body field by field (API reference §2.2): the ``create`` body. The store keeps no
draft: ``get`` answers the product as the store holds it (``product_info``, its detail as ``detail_html``, read back
into ``detail`` blocks by the adapter), one column beside what would be sent. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.comparison import Field, dicts, sku_field, text, urls

from .constants import DELIVERY_TYPE_TEMPLATE

# No draft: ``get`` gives the product as the store holds it (read by "Read status from shops"), in one column.
COPIES = {"online": _("In the shop (as last read)")}


def fields(body: Mapping) -> list[Field]:
    base = body.get("product_base") if isinstance(body.get("product_base"), Mapping) else {}
    delivery = body.get("delivery_info") if isinstance(body.get("delivery_info"), Mapping) else {}
    detail = dicts(base.get("detail"))
    rows = [
        Field("title", _("Title"), text=text(base.get("name"))),
        Field("category", _("Category"), category_ids=tuple(text(c) for c in base.get("category_id") or ())),
        Field("head_images", _("Head images"), images=urls(base.get("img"))),
        Field("detail_images", _("Detail images"), images=urls(block.get("img") for block in detail)),
        Field("detail_text", _("Detail text"), text="\n".join(text(b["text"]) for b in detail if b.get("text"))),
        Field(
            "freight_template",
            _("Freight template"),
            text=text(delivery.get("template_id")) if delivery.get("delivery_type") == DELIVERY_TYPE_TEMPLATE else "",
        ),
        Field("purchase_limit", _("Purchase limit"), text=text(base.get("buy_limit") or "")),
    ]
    for sku in dicts(body.get("sku_list")):
        key = text(sku.get("sku_id"))
        # The spec key ("$颜色:$灰色;…") read as the merchant's spec values.
        name = "、".join(part.replace("$", "").replace(":", "：") for part in key.split(";") if part) or _("uniform")
        rows.append(
            sku_field(
                key,
                name,
                price=sku.get("price"),
                original_price=sku.get("ori_price"),
                stock=sku.get("quantity"),
                code=sku.get("product_code"),
                image=sku.get("icon_url"),
            )
        )
    return rows
