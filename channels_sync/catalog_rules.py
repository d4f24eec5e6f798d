"""The platforms' product form rules, applied to the products that go to their shops.

A product goes to a platform when it has a category of that platform or is bound to one of its shops. Each
platform package declares its rules (``PRODUCT_FORM_RULES`` in its ``product_rules`` module); this module is
registered with the catalog's product form (``products.extensions``) by ``ChannelsSyncConfig.ready``.
"""

from collections.abc import Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType

from products.models import Product

from .models import RemoteBinding
from .platforms.registry import platform_modules


def product_goes_to(product: Product, platform: str) -> bool:
    if platform in product.categories_by_platform():
        return True
    if product.pk is None:
        return False
    return RemoteBinding.objects.filter(
        content_type=ContentType.objects.get_for_model(Product), object_id=product.pk, shop__platform=platform
    ).exists()


def product_platform_rules(product: Product, cleaned_data: Mapping[str, Any]) -> dict[str, list[str]]:
    """The errors of every platform the product goes to, by field."""
    errors: dict[str, list[str]] = {}
    for platform, module in platform_modules("product_rules").items():
        rules = module.PRODUCT_FORM_RULES
        if not product_goes_to(product, platform):
            continue
        for rule in rules:
            for field, messages in rule(cleaned_data).items():
                errors.setdefault(field, []).extend(messages)
    return errors
