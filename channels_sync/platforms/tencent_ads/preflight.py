"""What Tencent Ads' ``product_salesinfos/add`` will refuse of a product, found before sending (API reference §5).
Pure. The shop's own settings (account, data warehouse, landing page) are checked by the shop's form."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.preflight import PreflightFacts, Problem, sku_label
from products.selectors import ProductSnapshot


def check_product(snapshot: ProductSnapshot, facts: PreflightFacts) -> list[Problem]:
    """The product needs SKUs, and each SKU's sale price (current_price) may not exceed its sku_price, which is the
    original price when there is one."""
    if not snapshot.skus:
        return [Problem("product.skus", _("The product has no SKU: generate them from its specs."))]
    return [
        Problem(
            "product.skus.original_price", _("The original price must not be below the price."), subject=sku_label(sku)
        )
        for sku in snapshot.skus
        if sku.original_price and sku.original_price < sku.price
    ]
