"""Builders of catalog objects for the tests and the benchmarks. Each returns a saved, valid object unless told
otherwise.

``bench_tshirt_category`` and ``bench_tshirts`` build a benchmark catalog: T恤 products on the emulator's WeChat Store
category (its colour and size specs and their value ids are the emulator's seeded ones, ``sandbox/wechat_store/seed.py``,
so the products are valid for ``/merchant/create``), written in bulk inside one transaction.
"""

import io
import itertools
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from PIL import Image

from products.models import (
    Brand,
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
    ProductPlatformCategory,
    ProductSpec,
    Sku,
)
from products.services import image_asset_get_or_create

_counter = itertools.count(1)


def png_bytes(color: tuple[int, int, int] | None = None, size: tuple[int, int] = (64, 60)) -> bytes:
    """A small PNG whose colour differs per call, so its content hash differs too."""
    if color is None:
        n = next(_counter)
        color = (n * 37 % 256, n * 91 % 256, n * 53 % 256)
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def uploaded_png(name: str = "photo.png", color: tuple[int, int, int] | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(color), content_type="image/png")


def image_asset(color: tuple[int, int, int] | None = None) -> ImageAsset:
    return image_asset_get_or_create(uploaded_file=uploaded_png(color=color))


def category(platform: str = Platform.CHANNELS, name: str = "T恤", **kwargs) -> Category:
    remote_id = kwargs.pop("remote_id", f"{platform}-{next(_counter)}")
    return Category.objects.create(platform=platform, remote_id=remote_id, name=name, **kwargs)


def spec_attribute(cat: Category, name: str, values: list[str], remote_id: str = "") -> CategoryAttribute:
    attribute = CategoryAttribute.objects.create(
        category=cat, kind=CategoryAttribute.Kind.SPEC, name=name, remote_id=remote_id or f"s{next(_counter)}"
    )
    for value in values:
        CategoryAttributeValue.objects.create(attribute=attribute, name=value, remote_id=f"v{next(_counter)}")
    return attribute


def property_attribute(cat: Category, name: str, values: list[str], *, required: bool = True) -> CategoryAttribute:
    """A category property as an import stores it (no remote ids), with its values; required unless told."""
    attribute = CategoryAttribute.objects.create(
        category=cat, kind=CategoryAttribute.Kind.PROPERTY, name=name, is_required=required
    )
    for value in values:
        CategoryAttributeValue.objects.create(attribute=attribute, name=value)
    return attribute


def freight_template(name: str = "默认运费", **kwargs) -> FreightTemplate:
    defaults = {"ship_from_province": "广东省", "ship_from_city": "广州市"}
    defaults.update(kwargs)
    template = FreightTemplate.objects.create(name=name, **defaults)
    FreightFeeRule.objects.create(
        template=template, express_type=10000028, start_standards=1, start_fees=1000, add_standards=1, add_fees=500
    )
    return template


def product(
    *,
    title: str = "纯棉圆领T恤 夏季款",
    out_product_id: str | None = None,
    images: int = 3,
    sku_prices: list[tuple[int, int]] | None = None,
    template: FreightTemplate | None = None,
) -> Product:
    """A valid uniform-spec product: images, one text detail block, one SKU (price 9900 < 12900 fen)."""
    template = template or FreightTemplate.objects.first() or freight_template()
    item = Product.objects.create(
        title=title,
        out_product_id=out_product_id or f"P{next(_counter):05d}",
        freight_template=template,
    )
    for position in range(images):
        ProductImage.objects.create(product=item, position=position, asset=image_asset())
    ProductDetailBlock.objects.create(product=item, kind=ProductDetailBlock.Kind.TEXT, text="100% 棉")
    for position, (price, original_price) in enumerate(sku_prices or [(9900, 12900)]):
        Sku.objects.create(product=item, position=position, price=price, original_price=original_price, stock=10)
    return item


def product_category_set(item: Product, category_: Category, platform: str | None = None) -> ProductPlatformCategory:
    """Give ``item`` ``category_`` as its category on the category's platform (or ``platform``)."""
    row, _ = ProductPlatformCategory.objects.update_or_create(
        product=item, platform=platform or category_.platform, defaults={"category": category_}
    )
    return row


def custom_spec(item: Product, name: str, values: str, position: int = 0) -> ProductSpec:
    return ProductSpec.objects.create(product=item, custom_name=name, custom_values=values, position=position)


def product_with_sku_images(skus: int) -> Product:
    """A product with 3 images, a category spec of two chosen values (白色, 黑色) × a custom size spec, a brand,
    categories on Channels (three levels) and WeChat Store, and ``skus`` SKUs (an even number), each with an image
    and codes."""
    template = FreightTemplate.objects.first() or freight_template()
    root = category(name="服装", is_leaf=False)
    middle = category(name="上衣", parent=root, level=2, is_leaf=False)
    leaf = category(name="T恤", parent=middle, level=3)
    store_leaf = category(platform=Platform.WECHAT_STORE, name="T恤")
    colour = spec_attribute(leaf, "颜色", ["白色", "黑色"])
    item = product(out_product_id="BUDGET-SKUS", images=3, template=template)
    item.skus.all().delete()
    item.brand = Brand.objects.create(remote_id="b-skus", name_zh="预算品牌")
    item.save()
    product_category_set(item, leaf)
    product_category_set(item, store_leaf)
    spec = ProductSpec.objects.create(product=item, attribute=colour, position=0)
    spec.values.set(colour.values.all())
    sizes = [f"{number}号" for number in range(skus // 2)]
    custom_spec(item, "尺码", ",".join(sizes), position=1)
    position = 0
    for value in colour.values.order_by("pk"):
        for size in sizes:
            Sku.objects.create(
                product=item,
                position=position,
                specs=[
                    {"id": colour.remote_id, "vid": value.remote_id, "name": "颜色", "value": value.name},
                    {"id": "$尺码", "vid": f"${size}", "name": "尺码", "value": size},
                ],
                price=9900,
                original_price=12900,
                stock=5,
                image=image_asset(color=(position * 12 % 256, 90, 160)),
                product_code=f"PC{position:03d}",
                out_sku_id=f"SKU{position:03d}",
            )
            position += 1
    return item


# --- The benchmarks' catalog ---------------------------------------------------------------------------

BENCH_TSHIRT = "537020101"  # 服饰 > 女装 > T恤 in the emulator
BENCH_COLOURS = (("10000995", "白色"), ("10000996", "黑色"), ("10000997", "撞色"), ("10000998", "桔色"))
BENCH_SIZES = (("10001008", "S"), ("10001009", "M"), ("10001010", "L"), ("10001011", "XL"))
BENCH_MAX_SKUS = len(BENCH_COLOURS) * len(BENCH_SIZES)

_bench_image_counter = itertools.count(1)


@dataclass
class TshirtCategory:
    category: Category
    colour: CategoryAttribute
    size: CategoryAttribute
    colour_values: list[CategoryAttributeValue]
    size_values: list[CategoryAttributeValue]


def bench_spec_shape(skus: int) -> tuple[int, int]:
    """(colours, sizes) for ``skus`` SKUs per product; (0, 0) is one uniform SKU."""
    if skus == 1:
        return 0, 0
    for colours in range(1, len(BENCH_COLOURS) + 1):
        if skus % colours == 0 and skus // colours <= len(BENCH_SIZES) and colours >= skus // colours // 2:
            return colours, skus // colours
    raise ValueError(f"{skus} SKUs is not colours × sizes with at most {len(BENCH_COLOURS)} of each")


def bench_tshirt_category() -> TshirtCategory:
    """The emulator's T恤 leaf with its parents, and its colour and size spec tables."""
    clothing = Category.objects.create(
        platform=Platform.WECHAT_STORE, remote_id="537000002", name="服饰", is_leaf=False
    )
    women = Category.objects.create(
        platform=Platform.WECHAT_STORE, remote_id="537000201", name="女装", parent=clothing, level=2, is_leaf=False
    )
    leaf = Category.objects.create(
        platform=Platform.WECHAT_STORE, remote_id=BENCH_TSHIRT, name="T恤", parent=women, level=3
    )
    colour = CategoryAttribute.objects.create(
        category=leaf, kind=CategoryAttribute.Kind.SPEC, name="颜色", remote_id="10000983"
    )
    size = CategoryAttribute.objects.create(
        category=leaf, kind=CategoryAttribute.Kind.SPEC, name="尺码", remote_id="10001007"
    )
    colour_values = [
        CategoryAttributeValue.objects.create(attribute=colour, remote_id=vid, name=name) for vid, name in BENCH_COLOURS
    ]
    size_values = [
        CategoryAttributeValue.objects.create(attribute=size, remote_id=vid, name=name) for vid, name in BENCH_SIZES
    ]
    return TshirtCategory(leaf, colour, size, colour_values, size_values)


def bench_tshirts(
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
    colours, sizes = bench_spec_shape(skus)
    with transaction.atomic():
        products = Product.objects.bulk_create(
            [
                Product(
                    title=f"纯棉圆领T恤 夏季款 {start + index:05d}",
                    out_product_id=f"BENCH-{start + index:05d}",
                    state=Product.State.ACTIVE,
                    freight_template=template,
                    delivery_type=Product.DeliveryType.TEMPLATE,
                    location_province="广东省",
                    location_city="广州市",
                )
                for index in range(count)
            ]
        )
        ProductPlatformCategory.objects.bulk_create(
            [
                ProductPlatformCategory(product=product, platform=Platform.WECHAT_STORE, category=category.category)
                for product in products
            ]
        )
        ProductImage.objects.bulk_create(
            [
                ProductImage(product=product, position=position, asset=_bench_image_asset())
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


def _bench_image_asset() -> ImageAsset:
    """An image of its own colour over 24 bits, so every one of a large catalog is a distinct asset (and upload)."""
    n = next(_bench_image_counter)
    return image_asset(color=((n >> 16) & 255, (n >> 8) & 255, n & 255))
