"""What a pre-flight check reads and answers, shared by every platform's ``preflight`` rules.

A pre-flight says, before anything is sent, what a platform will refuse of a product: each platform's package has
pure rule functions (``platforms/<platform>/preflight.py``) over the product's snapshot and :class:`PreflightFacts`
(the imported category's requirements, the freight template's valuation), returning :class:`Problem` rows. The
neutral service that gathers the facts and picks the platform is ``channels_sync.preflight.preflight``.

``Problem.field`` names what is at fault the way the errcode explanations do (``"product.properties"``,
``"product.skus.price"``); ``subject`` is the one thing within it (the attribute's name, the SKU's spec
combination); ``choices`` are the platform's options for a missing attribute, so it can be filled right there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from products.selectors import ProductSnapshot, SkuSnapshot


@dataclass(frozen=True)
class Problem:
    """``blocking`` is False for a notice that does not say the platform will refuse (a category whose
    requirements were never imported): *Publish* sends such a product anyway."""

    field: str
    message: Any  # a lazily translated string
    subject: str = ""
    choices: tuple[str, ...] = ()
    blocking: bool = True


@dataclass(frozen=True)
class CategoryAttributeRule:
    """A property of the product's category, as imported from the platform (category/detail)."""

    name: str
    is_required: bool
    choices: tuple[str, ...]  # empty for a free-text property


@dataclass(frozen=True)
class CategoryRules:
    """What the product's category of one platform requires; ``min_head_images`` is the category's minimum."""

    remote_id: str
    attributes: tuple[CategoryAttributeRule, ...] = ()
    min_head_images: int = 0

    def required_attributes(self) -> tuple[CategoryAttributeRule, ...]:
        return tuple(attribute for attribute in self.attributes if attribute.is_required)


@dataclass(frozen=True)
class PreflightFacts:
    """What the rules need besides the snapshot: the product's category of the platform (``None`` when it has none,
    or when the category's details were never imported) and whether its freight template prices by weight."""

    category: CategoryRules | None = None
    freight_template_by_weight: bool = False


def sku_label(sku: SkuSnapshot) -> str:
    """A SKU as a merchant reads it: "颜色：红 / 尺码：M", or its merchant code for a uniform SKU."""
    parts = [f"{spec.get('name', '')}：{spec.get('value', '')}" for spec in sku.spec_dicts() if spec.get("name")]
    return " / ".join(parts) or sku.out_sku_id or sku.product_code or str(sku.id)


def property_names(snapshot: ProductSnapshot, platform: str) -> set[str]:
    """The names of the properties the product has filled for ``platform``'s category."""
    return {p.attribute_name for p in snapshot.properties if p.platform == platform and p.value_name}
