"""The neutral pre-flight: ``preflight(product=…, shop=…)`` lists what the shop's platform will refuse of a product,
before anything is sent.

It gathers the facts the rules need (the product's category of that platform with its imported properties, the
freight template's valuation) and hands them, with the product's snapshot, to the platform's pure rules
(``channels_sync/platforms/<platform>/preflight.py``). Reads only; nothing is sent and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from channels_sync.models import Shop
from channels_sync.platforms.channels import preflight as channels_preflight
from channels_sync.platforms.minishop import preflight as minishop_preflight
from channels_sync.platforms.open_platform import preflight as open_platform_preflight
from channels_sync.platforms.preflight import CategoryAttributeRule, CategoryRules, PreflightFacts, Problem
from channels_sync.platforms.tencent_ads import preflight as tencent_ads_preflight
from channels_sync.platforms.wechat_store import preflight as wechat_store_preflight
from products.models import Category, CategoryAttribute, FreightTemplate, Platform, Product
from products.selectors import ProductSnapshot, product_snapshot

CHECKS: Mapping[str, Callable[[ProductSnapshot, PreflightFacts], list[Problem]]] = {
    Platform.WECHAT_STORE: wechat_store_preflight.check_product,
    Platform.CHANNELS: channels_preflight.check_product,
    Platform.MINISHOP: minishop_preflight.check_product,
    Platform.TENCENT_ADS: tencent_ads_preflight.check_product,
    Platform.OPEN_PLATFORM: open_platform_preflight.check_product,
}
# The product's category field for each platform that has a category tree of its own.
CATEGORY_FIELDS: Mapping[str, str] = {
    Platform.WECHAT_STORE: "wechat_store_category_id",
    Platform.CHANNELS: "channels_category_id",
    Platform.MINISHOP: "minishop_category_id",
}


def preflight(*, product: Product, shop: Shop) -> list[Problem]:
    """Every problem ``shop``'s platform would answer with a rejection of ``product``; ``[]`` when none is known."""
    snapshot = product_snapshot(product_id=product.pk)
    return CHECKS[shop.platform](snapshot, preflight_facts(product=product, platform=shop.platform))


def preflight_facts(*, product: Product, platform: str) -> PreflightFacts:
    field = CATEGORY_FIELDS.get(platform)
    category_id = getattr(product, field) if field else None
    by_weight = product.freight_template_id is not None and (
        FreightTemplate.objects.filter(
            pk=product.freight_template_id, valuation_type=FreightTemplate.ValuationType.WEIGHT
        ).exists()
    )
    return PreflightFacts(category=category_rules(category_id=category_id), freight_template_by_weight=by_weight)


def category_rules(*, category_id: int | None) -> CategoryRules | None:
    """The imported properties of a category; ``None`` for no category, or one entered by hand and never imported
    (its requirements are unknown, so nothing is claimed about them)."""
    if category_id is None:
        return None
    category = Category.objects.filter(pk=category_id, imported_at__isnull=False).first()
    if category is None:
        return None
    attributes = (
        CategoryAttribute.objects.filter(category_id=category_id, kind=CategoryAttribute.Kind.PROPERTY)
        .prefetch_related("values")
        .order_by("pk")
    )
    return CategoryRules(
        remote_id=category.remote_id,
        attributes=tuple(
            CategoryAttributeRule(
                name=attribute.name,
                is_required=attribute.is_required,
                choices=tuple(value.name for value in sorted(attribute.values.all(), key=lambda v: v.pk)),
            )
            for attribute in attributes
        ),
    )
