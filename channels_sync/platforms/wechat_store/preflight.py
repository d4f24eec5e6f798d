"""What the legacy WeChat Store V1.17 will refuse of a product, found before sending (API reference §2.2). Pure."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.preflight import PreflightFacts, Problem, sku_label
from products.models import Product
from products.selectors import ProductSnapshot


def check_product(snapshot: ProductSnapshot, facts: PreflightFacts) -> list[Problem]:
    """Every problem of the product for V1.17: name, category, main image, SKU prices, delivery."""
    problems: list[Problem] = []
    if not snapshot.title.strip():
        problems.append(Problem("product.title", _("Enter a title.")))
    if snapshot.wechat_store_category is None:
        problems.append(Problem("product.wechat_store_category", _("Choose a WeChat Store category.")))
    if not snapshot.image_asset_ids:
        problems.append(Problem("product.images", _("Add at least one head image (the first is the main image).")))
    if not snapshot.skus:
        problems.append(Problem("product.skus", _("The product has no SKU: generate them from its specs.")))
    for sku in snapshot.skus:
        # §2.2: "price must be lower than ori_price, otherwise create fails".
        if sku.price <= 0 or sku.price >= sku.original_price:
            problems.append(
                Problem(
                    "product.skus.price",
                    _("The price must be above 0 and below the original price."),
                    subject=sku_label(sku),
                )
            )
    problems += _delivery(snapshot)
    return problems


def _delivery(snapshot: ProductSnapshot) -> list[Problem]:
    if snapshot.is_post_free:  # §2.2: with isPostFree, delivery_info may be left out
        return []
    if snapshot.delivery_type == Product.DeliveryType.EXPRESS and not snapshot.express_fees:
        return [Problem("product.express_fees", _("Add an express fee, or use a freight template."))]
    if snapshot.delivery_type == Product.DeliveryType.TEMPLATE and snapshot.freight_template_id is None:
        return [Problem("product.freight_template", _("Choose a freight template."))]
    return []
