"""What the open platform's ``publishProduct`` will refuse of a product, found before sending (API reference §6,
seed 004). Pure. The shop-wide options (sales channels, settlement) are checked by the shop's form."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.preflight import PreflightFacts, Problem
from products.selectors import ProductSnapshot


def check_product(snapshot: ProductSnapshot, facts: PreflightFacts) -> list[Problem]:
    """``spuImage`` needs a head image and ``skuList`` at least one SKU."""
    problems: list[Problem] = []
    if not snapshot.image_asset_ids:
        problems.append(Problem("product.images", _("Add at least one head image (the first is the main image).")))
    if not snapshot.skus:
        problems.append(Problem("product.skus", _("The product has no SKU: generate them from its specs.")))
    return problems
