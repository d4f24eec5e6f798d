"""Builders of a benchmark catalog: T恤 products on the emulator's WeChat Store category, with real images.

The category, its colour and size specs and their value ids are the emulator's seeded ones
(``sandbox/wechat_store/seed.py``), so the products are valid for ``/merchant/create``. Rows are
written in bulk inside one transaction: building the catalog is setup, not what is measured.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from products.models import (
    Category,
    CategoryAttribute,
    CategoryAttributeValue,
    FreightFeeRule,
    FreightTemplate,
    ImageAsset,
    Platform,
    Product,
    ProductDetailBlock,
    ProductImage,
    ProductSpec,
    Sku,
)
from products.services import image_asset_get_or_create

TSHIRT = "537020101"  # 服饰 > 女装 > T恤 in the emulator
COLOURS = (("10000995", "白色"), ("10000996", "黑色"), ("10000997", "撞色"), ("10000998", "桔色"))
SIZES = (("10001008", "S"), ("10001009", "M"), ("10001010", "L"), ("10001011", "XL"))
MAX_SKUS = len(COLOURS) * len(SIZES)

_colour_counter = itertools.count(1)


@dataclass
class TshirtCategory:
    category: Category
    colour: CategoryAttribute
    size: CategoryAttribute
    colour_values: list[CategoryAttributeValue]
    size_values: list[CategoryAttributeValue]


def spec_shape(skus: int) -> tuple[int, int]:
    """(colours, sizes) for ``skus`` SKUs per product; (0, 0) is one uniform SKU."""
    if skus == 1:
        return 0, 0
    for colours in range(1, len(COLOURS) + 1):
        if skus % colours == 0 and skus // colours <= len(SIZES) and colours >= skus // colours // 2:
            return colours, skus // colours
    raise ValueError(f"{skus} SKUs is not colours × sizes with at most {len(COLOURS)} of each")


def tshirt_category() -> TshirtCategory:
    """The emulator's T恤 leaf with its parents, and its colour and size spec tables."""
    clothing = Category.objects.create(
        platform=Platform.WECHAT_STORE, remote_id="537000002", name="服饰", is_leaf=False
    )
    women = Category.objects.create(
        platform=Platform.WECHAT_STORE, remote_id="537000201", name="女装", parent=clothing, level=2, is_leaf=False
    )
    leaf = Category.objects.create(platform=Platform.WECHAT_STORE, remote_id=TSHIRT, name="T恤", parent=women, level=3)
    colour = CategoryAttribute.objects.create(
        category=leaf, kind=CategoryAttribute.Kind.SPEC, name="颜色", remote_id="10000983"
    )
    size = CategoryAttribute.objects.create(
        category=leaf, kind=CategoryAttribute.Kind.SPEC, name="尺码", remote_id="10001007"
    )
    colour_values = [
        CategoryAttributeValue.objects.create(attribute=colour, remote_id=vid, name=name) for vid, name in COLOURS
    ]
    size_values = [
        CategoryAttributeValue.objects.create(attribute=size, remote_id=vid, name=name) for vid, name in SIZES
    ]
    return TshirtCategory(leaf, colour, size, colour_values, size_values)


def freight_template() -> FreightTemplate:
    template = FreightTemplate.objects.create(name="全国快递", ship_from_province="广东省", ship_from_city="广州市")
    FreightFeeRule.objects.create(
        template=template, express_type=10000028, start_standards=1, start_fees=1000, add_standards=1, add_fees=500
    )
    return template


def png_asset() -> ImageAsset:
    """A small PNG of its own colour, so each image is a distinct asset (and a distinct upload)."""
    n = next(_colour_counter)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 60), ((n >> 16) & 255, (n >> 8) & 255, n & 255)).save(buffer, format="PNG")
    upload = SimpleUploadedFile(f"bench-{n}.png", buffer.getvalue(), content_type="image/png")
    return image_asset_get_or_create(uploaded_file=upload)


def tshirts(
    count: int,
    *,
    category: TshirtCategory,
    template: FreightTemplate,
    skus: int = 4,
    images: int = 3,
    start: int = 0,
) -> list[Product]:
    """``count`` valid T恤 products numbered from ``start``: ``images`` head images each, one text detail block,
    and ``skus`` SKUs as a full colour × size matrix of the category's specs (one uniform SKU for 1)."""
    colours, sizes = spec_shape(skus)
    with transaction.atomic():
        products = Product.objects.bulk_create(
            [
                Product(
                    title=f"纯棉圆领T恤 夏季款 {start + index:05d}",
                    out_product_id=f"BENCH-{start + index:05d}",
                    state=Product.State.ACTIVE,
                    wechat_store_category=category.category,
                    freight_template=template,
                    delivery_type=Product.DeliveryType.TEMPLATE,
                    location_province="广东省",
                    location_city="广州市",
                )
                for index in range(count)
            ]
        )
        ProductImage.objects.bulk_create(
            [
                ProductImage(product=product, position=position, asset=png_asset())
                for product in products
                for position in range(images)
            ]
        )
        ProductDetailBlock.objects.bulk_create(
            [
                ProductDetailBlock(product=product, kind=ProductDetailBlock.Kind.TEXT, text="100% 棉")
                for product in products
            ]
        )
        sku_rows = []
        for number, product in enumerate(products, start=start):
            combinations: list[list[dict]] = [[]]
            if colours:
                combinations = [
                    [
                        {"id": category.colour.remote_id, "vid": c.remote_id, "name": "颜色", "value": c.name},
                        {"id": category.size.remote_id, "vid": s.remote_id, "name": "尺码", "value": s.name},
                    ]
                    for c in category.colour_values[:colours]
                    for s in category.size_values[:sizes]
                ]
                for position, (attribute, values) in enumerate(
                    ((category.colour, category.colour_values[:colours]), (category.size, category.size_values[:sizes]))
                ):
                    spec = ProductSpec.objects.create(product=product, attribute=attribute, position=position)
                    spec.values.set(values)
            for position, specs in enumerate(combinations):
                sku_rows.append(
                    Sku(
                        product=product,
                        position=position,
                        specs=specs,
                        spec_key=Sku.build_spec_key(specs),  # bulk_create skips Sku.save(), which sets it
                        price=5900 + position * 100,
                        original_price=9900 + position * 100,
                        stock=20 + position,
                        product_code=f"B{number:05d}-{position:02d}",
                    )
                )
        Sku.objects.bulk_create(sku_rows)
    return products
