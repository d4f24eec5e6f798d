"""What the Channels store will refuse of a product, found before sending (API reference §3.3; the errcodes each rule
spares are named beside it). Pure: the snapshot and the facts in, the problems out, all of them at once, so a
merchant fills 材质, 袖长 and 领型 in one go instead of learning them from three rejections of 10020097.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from channels_sync.platforms.preflight import PreflightFacts, Problem, property_names, sku_label
from products.models import (
    AFTERSALE_DESC_MAX_LENGTH,
    CHANNELS_SHORT_TITLE_MAX_LENGTH,
    CHANNELS_TITLE_MAX_LENGTH,
    CHANNELS_TITLE_MIN_LENGTH,
    HEAD_IMAGES_MAX,
    HEAD_IMAGES_MIN,
    SKU_CODE_MAX_LENGTH,
    SKUS_MAX,
    STOCK_MAX,
    Platform,
    Product,
)
from products.selectors import ProductSnapshot


def check_product(snapshot: ProductSnapshot, facts: PreflightFacts) -> list[Problem]:
    """Every problem the Channels store would answer with a rejection, in the order of the product form."""
    problems: list[Problem] = []
    problems += _title(snapshot)
    problems += _category(snapshot, facts)
    problems += _head_images(snapshot, facts)
    problems += _skus(snapshot)
    problems += _delivery(snapshot, facts)
    if len(snapshot.aftersale_desc) > AFTERSALE_DESC_MAX_LENGTH:  # 10020095
        problems.append(
            Problem(
                "product.aftersale_desc",
                _("The after-sale description must be at most %(max)d characters (it has %(count)d).")
                % {"max": AFTERSALE_DESC_MAX_LENGTH, "count": len(snapshot.aftersale_desc)},
            )
        )
    return problems


def _title(snapshot: ProductSnapshot) -> list[Problem]:
    title = snapshot.title.strip()
    problems = []
    if not title:  # 10020020
        problems.append(Problem("product.title", _("Enter a title.")))
    elif not CHANNELS_TITLE_MIN_LENGTH <= len(title) <= CHANNELS_TITLE_MAX_LENGTH:  # 10020042, 10020021
        problems.append(
            Problem(
                "product.title",
                _("The title must be %(min)d to %(max)d characters long (it has %(count)d).")
                % {"min": CHANNELS_TITLE_MIN_LENGTH, "max": CHANNELS_TITLE_MAX_LENGTH, "count": len(title)},
            )
        )
    elif title.isascii() and title.replace(" ", "").isalnum():  # 10020045
        problems.append(Problem("product.title", _("The title cannot be made of letters and digits only.")))
    if len(snapshot.short_title) > CHANNELS_SHORT_TITLE_MAX_LENGTH:
        problems.append(
            Problem(
                "product.short_title",
                _("The short title must be at most %(max)d characters (it has %(count)d).")
                % {"max": CHANNELS_SHORT_TITLE_MAX_LENGTH, "count": len(snapshot.short_title)},
            )
        )
    return problems


def _category(snapshot: ProductSnapshot, facts: PreflightFacts) -> list[Problem]:
    if snapshot.channels_category is None:  # 10020017
        return [Problem("product.channels_category", _("Choose a Channels category."))]
    if facts.category is None:
        return [
            Problem(
                "product.channels_category",
                _("The category's details were never imported: import categories on the shop first."),
                blocking=False,
            )
        ]
    filled = property_names(snapshot, Platform.CHANNELS)
    return [  # 10020097, all of them at once
        Problem(
            "product.properties",
            _("The category requires the property “%(name)s”.") % {"name": attribute.name},
            subject=attribute.name,
            choices=attribute.choices,
        )
        for attribute in facts.category.required_attributes()
        if attribute.name not in filled
    ]


def _head_images(snapshot: ProductSnapshot, facts: PreflightFacts) -> list[Problem]:
    minimum = max(HEAD_IMAGES_MIN, facts.category.min_head_images if facts.category else 0)
    count = len(snapshot.image_asset_ids)
    if count < minimum:  # 10020022 and the category's minimum
        return [
            Problem(
                "product.images",
                _("The category needs at least %(min)d head images (the product has %(count)d).")
                % {"min": minimum, "count": count},
            )
        ]
    if count > HEAD_IMAGES_MAX:  # 10020023
        return [
            Problem(
                "product.images",
                _("At most %(max)d head images are accepted (the product has %(count)d).")
                % {"max": HEAD_IMAGES_MAX, "count": count},
            )
        ]
    return []


def _skus(snapshot: ProductSnapshot) -> list[Problem]:
    if not snapshot.skus:  # 10020013, 10020038
        return [Problem("product.skus", _("The product has no SKU: generate them from its specs."))]
    problems = []
    if len(snapshot.skus) > SKUS_MAX:
        problems.append(
            Problem(
                "product.skus",
                _("At most %(max)d SKUs are accepted (the product has %(count)d).")
                % {"max": SKUS_MAX, "count": len(snapshot.skus)},
            )
        )
    for sku in snapshot.skus:
        label = sku_label(sku)
        if sku.price <= 0:  # 10020039
            problems.append(Problem("product.skus.price", _("The price must be above 0."), subject=label))
        elif sku.original_price < sku.price:  # 10020040
            problems.append(
                Problem(
                    "product.skus.original_price", _("The original price must not be below the price."), subject=label
                )
            )
        if sku.stock > STOCK_MAX:
            problems.append(
                Problem(
                    "product.skus.stock",
                    _("The stock must be at most %(max)s.") % {"max": f"{STOCK_MAX:,}"},
                    subject=label,
                )
            )
        if len(sku.product_code) > SKU_CODE_MAX_LENGTH:  # 10020029
            problems.append(
                Problem(
                    "product.skus.product_code",
                    _("The SKU code must be at most %(max)d characters.") % {"max": SKU_CODE_MAX_LENGTH},
                    subject=label,
                )
            )
    return problems


def _delivery(snapshot: ProductSnapshot, facts: PreflightFacts) -> list[Problem]:
    if snapshot.deliver_method != Product.DeliverMethod.EXPRESS:
        return []
    if snapshot.freight_template_id is None:  # 10020019
        return [
            Problem("product.freight_template", _("Choose a freight template: express shipping on Channels needs one."))
        ]
    if facts.freight_template_by_weight and not snapshot.weight_g:  # 10020068
        return [Problem("product.weight_g", _("This freight template prices by weight: enter the weight."))]
    return []
