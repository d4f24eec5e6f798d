"""The product body the WeChat product APIs share (Channels store §3.3, mini-shop §4): title, images, category path,
attributes, freight, SKUs with ``sale_price``/``market_price`` in fen and ``sku_attrs``. Each platform's
``comparison.fields`` names its own keys where they differ. Pure."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from .comparison import Field, dicts, pairs, sku_field, text, urls


def wechat_product_fields(
    body: Mapping, *, short_title_key: str, head_images_key: str, categories_key: str
) -> list[Field]:
    """The fields a merchant compares, in the order of the product form; SKUs by their merchant SKU id."""
    desc = body.get("desc_info") if isinstance(body.get("desc_info"), Mapping) else {}
    express = body.get("express_info") if isinstance(body.get("express_info"), Mapping) else {}
    limited = body.get("limited_info") if isinstance(body.get("limited_info"), Mapping) else {}
    extra = body.get("extra_service") if isinstance(body.get("extra_service"), Mapping) else {}
    rows = [
        Field("title", _("Title"), text=text(body.get("title"))),
        Field("short_title", _("Short title"), text=text(body.get(short_title_key))),
        Field(
            "category",
            _("Category"),
            category_ids=tuple(text(cat.get("cat_id")) for cat in dicts(body.get(categories_key))),
        ),
        Field("head_images", _("Head images"), images=urls(body.get(head_images_key))),
        Field("detail_images", _("Detail images"), images=urls(desc.get("imgs"))),
        Field("detail_text", _("Detail text"), text=text(desc.get("desc"))),
        Field("attributes", _("Attributes"), text=pairs(dicts(body.get("attrs")), "attr_key", "attr_value")),
        Field("freight_template", _("Freight template"), text=text(express.get("template_id"))),
        Field("weight", _("Weight (g)"), text=text(express.get("weight"))),
        Field("purchase_limit", _("Purchase limit"), text=text(limited.get("limited_buy_num"))),
        Field(
            "seven_day_return",
            _("Seven-day return"),
            text=text(extra.get("seven_day_return")) and (_("Yes") if extra.get("seven_day_return") else _("No")),
        ),
        Field("aftersale_desc", _("After-sale description"), text=text(body.get("aftersale_desc"))),
    ]
    for sku in dicts(body.get("skus")):
        key = text(sku.get("out_sku_id")) or text(sku.get("sku_id"))
        name = pairs(dicts(sku.get("sku_attrs")), "attr_key", "attr_value") or key
        rows.append(
            sku_field(
                key,
                name,
                price=sku.get("sale_price"),
                original_price=sku.get("market_price"),
                stock=sku.get("stock_num"),
                code=sku.get("sku_code"),
                image=sku.get("thumb_img"),
            )
        )
    return rows
