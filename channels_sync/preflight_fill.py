"""Filling right in the pre-flight panel what the product's imported categories require and the product lacks.

The product form no longer refuses a missing required property of an *imported* category (the pre-flight lists it
and *Publish* refuses it); instead the panel offers one field per missing property, with the platform's values
(or a free text where the platform lists none), saved with the product as its property row.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from products.models import (
    PROPERTY_PLATFORMS,
    CategoryAttribute,
    CategoryAttributeValue,
    Platform,
    Product,
    ProductPlatformCategory,
    ProductProperty,
)

FIELD_PREFIX = "preflight_fill_"


@dataclass(frozen=True)
class MissingProperty:
    """A required property of one of the product's imported categories that the product has not filled."""

    attribute: CategoryAttribute  # its values prefetched, its category selected
    values: tuple[CategoryAttributeValue, ...]  # the platform's choices; empty where it takes a free value

    @property
    def field_name(self) -> str:
        return f"{FIELD_PREFIX}{self.attribute.pk}"

    @property
    def platform_label(self) -> str:
        return str(Platform(self.attribute.category.platform).label)


def missing_properties(product: Product) -> list[MissingProperty]:
    """The required properties of the product's imported categories (of the platforms that take properties) that
    it has no row of, in the platforms' and the attributes' order; read in two queries."""
    if product.pk is None:
        return []
    attributes = (
        CategoryAttribute.objects.filter(
            kind=CategoryAttribute.Kind.PROPERTY,
            is_required=True,
            category__imported_at__isnull=False,
            category_id__in=ProductPlatformCategory.objects.filter(
                product=product, platform__in=PROPERTY_PLATFORMS
            ).values("category_id"),
        )
        .exclude(pk__in=ProductProperty.objects.filter(product=product).values("attribute_id"))
        .select_related("category")
        .prefetch_related("values")
        .order_by("category__platform", "pk")
    )
    return [
        MissingProperty(attribute=attribute, values=tuple(sorted(attribute.values.all(), key=lambda v: v.pk)))
        for attribute in attributes
    ]


def properties_fill(*, product: Product, missing: list[MissingProperty], values: dict[str, object]) -> int:
    """Write the values entered for ``missing`` (by field name: a ``CategoryAttributeValue`` or a text) as the
    product's property rows; a blank one is left out, and so is a property whose category the product no longer
    has. Returns how many were written."""
    categories = {row.category_id for row in product.platform_categories.filter(platform__in=PROPERTY_PLATFORMS)}
    written = 0
    with transaction.atomic():
        for item in missing:
            value = values.get(item.field_name)
            if value in (None, "") or item.attribute.category_id not in categories:
                continue
            chosen = value if isinstance(value, CategoryAttributeValue) else None
            ProductProperty.objects.update_or_create(
                product=product,
                attribute=item.attribute,
                defaults={"value": chosen, "custom_value": "" if chosen is not None else str(value).strip()},
            )
            written += 1
    return written
