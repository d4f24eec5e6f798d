"""A remote rejection as the admin shows it: the Chinese explanation of its errcode and a link to what is at fault.

The raw errcode and errmsg stay where they were recorded (the job, its attempts); this only reads them. The link
goes to the change page of the object at fault (the product, its freight template, the shop) and to the field or
inline there: ``product.properties`` → the product page's properties inline, ``shop.app_secret`` → the shop's
app secret field.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.urls import reverse

from channels_sync.errcode_explanations import Explained, explain
from channels_sync.models import Shop
from products.models import FreightTemplate, Product

# The product page's inlines, by the related name the explanations use (``product.skus.price`` → the SKU rows).
PRODUCT_INLINES = frozenset({"images", "detail_blocks", "properties", "specs", "skus", "express_fees"})


@dataclass(frozen=True)
class Rejection:
    explained: Explained
    url: str  # "" when nothing the merchant edits is at fault


def rejection_of(*, shop: Shop, errcode: int | None, errmsg: str, target: models.Model | None) -> Rejection:
    explained = explain(shop.platform, errcode, errmsg)
    return Rejection(explained=explained, url=fault_url(explained.field, shop=shop, target=target))


def fault_url(field: str, *, shop: Shop, target: models.Model | None) -> str:
    """The admin URL of the field at fault, or ``""`` when the field names no object the merchant can open."""
    kind, _, path = field.partition(".")
    name = path.split(".", 1)[0]
    if kind == "shop":
        return reverse("admin:channels_sync_shop_change", args=[shop.pk]) + (f"#id_{name}" if name else "")
    if kind == "product" and isinstance(target, Product):
        anchor = f"#{name}-group" if name in PRODUCT_INLINES else (f"#id_{name}" if name else "")
        return reverse("admin:products_product_change", args=[target.pk]) + anchor
    if kind == "freight_template":
        template_id = target.pk if isinstance(target, FreightTemplate) else getattr(target, "freight_template_id", None)
        if template_id is None:
            return ""
        return reverse("admin:products_freighttemplate_change", args=[template_id]) + (f"#id_{name}" if name else "")
    return ""
