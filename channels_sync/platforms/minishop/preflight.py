"""What the mini-shop will refuse of a product, found before sending (API reference §4, seed 001). Pure."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.minishop.payloads import CATS_LEVELS, OUT_SKU_ID_MAX_LENGTH, PRICE_MAX, SKU_CODE_MAX_LENGTH
from channels_sync.platforms.preflight import PreflightFacts, Problem, sku_label
from products.models import Product
from products.selectors import ProductSnapshot


def check_product(snapshot: ProductSnapshot, facts: PreflightFacts) -> list[Problem]:
    """Every problem of the product for the mini-shop: category, title, images, freight template, SKUs."""
    problems: list[Problem] = []
    category = snapshot.minishop_category
    if category is None:
        problems.append(Problem("product.minishop_category", _("Choose a mini-shop category.")))
    elif len(category.path_remote_ids) != CATS_LEVELS:
        problems.append(
            Problem(
                "product.minishop_category",
                _("Choose a category on level %(level)d of the tree.") % {"level": CATS_LEVELS},
            )
        )
    if not snapshot.title.strip():
        problems.append(Problem("product.title", _("Enter a title.")))
    if not snapshot.image_asset_ids:
        problems.append(Problem("product.images", _("Add at least one head image (the first is the main image).")))
    if snapshot.delivery_type != Product.DeliveryType.TEMPLATE or snapshot.freight_template_id is None:
        problems.append(
            Problem("product.freight_template", _("The mini-shop ships with freight templates only: choose one."))
        )
    if not snapshot.skus:
        problems.append(Problem("product.skus", _("The product has no SKU: generate them from its specs.")))
    for sku in snapshot.skus:
        label = sku_label(sku)
        if sku.price > PRICE_MAX or sku.original_price > PRICE_MAX:  # 9401043
            problems.append(
                Problem("product.skus.price", _("The price must be at most 10,000,000 yuan."), subject=label)
            )
        if len(sku.out_sku_id) > OUT_SKU_ID_MAX_LENGTH:
            problems.append(
                Problem(
                    "product.skus.out_sku_id",
                    _("The merchant SKU code must be at most %(max)d characters.") % {"max": OUT_SKU_ID_MAX_LENGTH},
                    subject=label,
                )
            )
        if len(sku.product_code) > SKU_CODE_MAX_LENGTH:
            problems.append(
                Problem(
                    "product.skus.product_code",
                    _("The SKU code must be at most %(max)d characters.") % {"max": SKU_CODE_MAX_LENGTH},
                    subject=label,
                )
            )
    return problems
