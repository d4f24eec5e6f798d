"""State changes of the catalog. Each function owns its transaction."""

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import (
    Brand,
    Category,
    CategoryAttribute,
    CategoryAttributeValue,
    FreightFeeRule,
    FreightTemplate,
    ImageAsset,
    Product,
    ProductPlatformCategory,
)


def image_asset_get_or_create(*, uploaded_file: UploadedFile) -> ImageAsset:
    """Store an uploaded image once per content: the same bytes always give the same ImageAsset.

    Platforms upload each asset once and keep its URL, so deduplicating here saves uploads later.
    """
    sha256 = ImageAsset.content_hash(uploaded_file)
    existing = ImageAsset.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    asset = ImageAsset(sha256=sha256, size_bytes=uploaded_file.size or 0)
    try:
        with transaction.atomic():
            asset.image.save(uploaded_file.name or "image.jpg", uploaded_file, save=False)
            asset.save()
    except IntegrityError:
        # Another request stored the same bytes at the same moment.
        return ImageAsset.objects.get(sha256=sha256)
    return asset


def product_categories_set(*, product: Product, categories: dict[str, Category]) -> None:
    """Make ``categories`` (platform → leaf category) the product's categories: the platforms not named lose
    theirs."""
    with transaction.atomic():
        ProductPlatformCategory.objects.filter(product=product).exclude(platform__in=list(categories)).delete()
        for platform, category in categories.items():
            ProductPlatformCategory.objects.update_or_create(
                product=product, platform=platform, defaults={"category": category}
            )
    # The saved rows are what the product has now: later reads go to them, not to what a form submitted.
    product.set_submitted_categories(None)


def category_cache_import(*, platform: str, imported) -> dict:
    """Upsert a platform's category tree, properties and spec tables into the catalog's cache.

    ``imported`` is a ``CategoryImport`` (channels_sync.platforms.adapter): categories parents first. Entries
    edited by hand keep their local rows; names and leaf flags follow the platform.
    """
    now = timezone.now()
    by_remote_id: dict[str, Category] = {}
    created = updated = 0
    with transaction.atomic():
        existing = {c.remote_id: c for c in Category.objects.filter(platform=platform)}
        for node in sorted(imported.categories, key=lambda n: n.level):
            parent = by_remote_id.get(node.parent_remote_id) or existing.get(node.parent_remote_id or "")
            category = existing.get(node.remote_id)
            fields = {"name": node.name, "level": node.level, "is_leaf": node.is_leaf, "parent": parent}
            if category is None:
                category = Category.objects.create(
                    platform=platform, remote_id=node.remote_id, imported_at=now, **fields
                )
                created += 1
            else:
                for name, value in fields.items():
                    setattr(category, name, value)
                category.imported_at = now
                category.save()
                updated += 1
            by_remote_id[node.remote_id] = category
        attributes = 0
        for node in imported.attributes:
            category = by_remote_id.get(node.category_remote_id) or existing.get(node.category_remote_id)
            if category is None:
                continue
            attribute, _ = CategoryAttribute.objects.update_or_create(
                category=category,
                kind=node.kind,
                name=node.name,
                defaults={"remote_id": node.remote_id, "is_required": node.is_required},
            )
            for value_id, value_name in node.values:
                CategoryAttributeValue.objects.update_or_create(
                    attribute=attribute, name=value_name, defaults={"remote_id": value_id}
                )
            attributes += 1
        brands = 0
        for brand in getattr(imported, "brands", ()):
            Brand.objects.update_or_create(
                platform=platform,
                remote_id=brand.remote_id,
                defaults={"name_zh": brand.name_zh, "name_en": brand.name_en},
            )
            brands += 1
    return {"categories_created": created, "categories_updated": updated, "attributes": attributes, "brands": brands}


def freight_template_import(template: dict) -> FreightTemplate:
    """The local template of this name, created from a platform's template when there is none.

    ``template`` is neutral: name, assumer, valuation and fee_rules (express_type, dest_country, dest_province,
    dest_city, start_standards, start_fees, add_standards, add_fees). An existing local template wins.
    """
    with transaction.atomic():
        local, created = FreightTemplate.objects.get_or_create(
            name=template["name"],
            defaults={
                "assumer": template.get("assumer", 0),
                "valuation": template.get("valuation", 0),
                "shipping_method": (
                    FreightTemplate.ShippingMethod.FREE
                    if template.get("assumer") == FreightTemplate.Assumer.SELLER
                    else FreightTemplate.ShippingMethod.NO_FREE
                ),
            },
        )
        if created:
            for rule in template.get("fee_rules", ()):
                FreightFeeRule.objects.get_or_create(
                    template=local,
                    express_type=rule["express_type"],
                    dest_country=rule.get("dest_country", ""),
                    dest_province=rule.get("dest_province", ""),
                    dest_city=rule.get("dest_city", ""),
                    defaults={
                        "start_standards": rule.get("start_standards", 1),
                        "start_fees": rule.get("start_fees", 0),
                        "add_standards": rule.get("add_standards", 1),
                        "add_fees": rule.get("add_fees", 0),
                    },
                )
    return local
