"""The chaos run's catalog: the demo catalog, plus copies of its products under new codes.

The demo catalog (``products.demo``) holds the categories, spec tables, properties and freight template of the
V1.17, Channels and mini-shop emulators, and three products: a T恤 with six SKUs (two category specs), nuts with a
custom spec, cookies with one uniform SKU. Only the T恤 publishes to all three shops as it is: the nuts ship with an
express fee list, which the Channels store and the mini-shop do not take, and the demo's Channels food categories
and properties are its own (``products.demo``: "until categories are imported"), not the emulator's. So the run
uses the T恤 and copies of the three, made valid where they go: the copies take the demo freight template and at
least four head images; T恤s go to every shop, nuts and cookies to V1.17 and the mini-shop. A copy keeps every
other field and relation of its original (images share their assets, so each image is uploaded once per shop) and
gets its own out_product_id, title and SKU codes, since those are unique locally and are what the platforms
recognise a product by.
"""

from __future__ import annotations

from django.db import transaction

from products.demo import demo_catalog_create
from products.models import (
    Product,
    ProductDetailBlock,
    ProductImage,
    ProductPlatformCategory,
    ProductProperty,
    Sku,
)

# The demo products, by out_product_id: the T恤 first.
DEMO_PRODUCTS = ("DEMO-TSHIRT-001", "DEMO-NUTS-001", "DEMO-COOKIES-001")
# What the copies are copies of, in turn (half of them T恤s, which every shop takes).
COPY_CYCLE = ("DEMO-TSHIRT-001", "DEMO-NUTS-001", "DEMO-TSHIRT-001", "DEMO-COOKIES-001")
# The platforms that take each demo product's copies as they are.
PLATFORMS = {
    "DEMO-TSHIRT-001": ("wechat_store", "channels", "minishop"),
    "DEMO-NUTS-001": ("wechat_store", "minishop"),
    "DEMO-COOKIES-001": ("wechat_store", "minishop"),
}
# Head images a copy has at least (the Channels store's food categories ask for four).
MIN_HEAD_IMAGES = 4


def chaos_catalog(copies: int) -> list[tuple[Product, tuple[str, ...]]]:
    """The demo T恤 and ``copies`` copies of the demo products (see COPY_CYCLE), each with the platforms it goes to."""
    if demo_catalog_create() is None:
        raise RuntimeError("the chaos run needs an empty catalog (its own database)")
    originals = {code: Product.objects.get(out_product_id=code) for code in DEMO_PRODUCTS}
    tshirt = originals[DEMO_PRODUCTS[0]]
    catalog = [(tshirt, PLATFORMS[DEMO_PRODUCTS[0]])]
    for number in range(copies):
        code = COPY_CYCLE[number % len(COPY_CYCLE)]
        catalog.append((product_copy(originals[code], number + 1, like=tshirt), PLATFORMS[code]))
    return catalog


def product_copy(source: Product, number: int, *, like: Product) -> Product:
    """A copy of ``source`` numbered ``number``: every field, category, image, detail block, property, spec and
    SKU, with the freight template of ``like`` and head images of ``like`` added up to four."""
    tag = f"C{number:03d}"
    with transaction.atomic():
        product = Product.objects.get(pk=source.pk)
        product.pk = None
        product.out_product_id = f"CHAOS-{number:03d}-{source.out_product_id}"
        # Titles stay within every platform's limit; the number makes each distinct (V1.17 finds a lost create by
        # its name, SKUs and codes).
        product.title = f"{source.short_title or source.title[:20]} 混沌测试 {tag}"
        product.delivery_type = Product.DeliveryType.TEMPLATE
        product.freight_template = like.freight_template
        product.full_clean()
        product.save()
        # The categories are rows of their own (product × platform), not fields the copy carried.
        for row in ProductPlatformCategory.objects.filter(product=source):
            ProductPlatformCategory.objects.create(product=product, platform=row.platform, category=row.category)
        assets = [image.asset for image in ProductImage.objects.filter(product=source).order_by("position")]
        extra = [image.asset for image in ProductImage.objects.filter(product=like).order_by("position")]
        assets += [asset for asset in extra if asset not in assets][: max(0, MIN_HEAD_IMAGES - len(assets))]
        for position, asset in enumerate(assets):
            ProductImage.objects.create(product=product, position=position, asset=asset)
        for block in ProductDetailBlock.objects.filter(product=source):
            ProductDetailBlock.objects.create(
                product=product, position=block.position, kind=block.kind, text=block.text, asset=block.asset
            )
        for prop in ProductProperty.objects.filter(product=source):
            ProductProperty.objects.create(
                product=product, attribute=prop.attribute, value=prop.value, custom_value=prop.custom_value
            )
        for spec in source.specs.all():
            values = list(spec.values.all())
            spec.pk = None
            spec.product = product
            spec.save()
            spec.values.set(values)
        for sku in source.skus.order_by("position"):
            sku.pk = None
            sku.product = product
            sku.product_code = f"{sku.product_code}-{tag}" if sku.product_code else None
            sku.out_sku_id = f"{sku.out_sku_id}-{tag}" if sku.out_sku_id else None
            sku.barcode = None
            sku.full_clean()
            sku.save()
    return product


def sku_stock_edit(*, sku: Sku, stock: int) -> int:
    """Set one SKU's stock as the product admin does: save the SKU, then the engine's hook with the stock before.

    The hook (``catalog_object_saved``) writes a stock movement and queues the product's publish and stock push to
    every shop where it is bound, in the same transaction. Returns the number of shops written to.
    """
    from channels_sync.engine import fanout

    with transaction.atomic():
        product = sku.product
        stock_before = dict(product.skus.values_list("pk", "stock"))
        sku.stock = stock
        sku.full_clean()
        sku.save()
        # Only the stock changed: the admin queues the stock pushes alone (no publish that would send nothing).
        return fanout.catalog_object_saved(target=product, stock_before=stock_before, body_changed=False)


def sku_price_edit(*, sku: Sku, price: int) -> int:
    """Change one SKU's price as the product admin does (an update of the product in every shop where it is)."""
    from channels_sync.engine import fanout

    with transaction.atomic():
        product = sku.product
        stock_before = dict(product.skus.values_list("pk", "stock"))
        sku.price = price
        sku.full_clean()
        sku.save()
        return fanout.catalog_object_saved(target=product, stock_before=stock_before)
