"""Small builders for catalog objects in tests. Each returns a saved, valid object unless told otherwise."""

import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
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


def custom_spec(item: Product, name: str, values: str, position: int = 0) -> ProductSpec:
    return ProductSpec.objects.create(product=item, custom_name=name, custom_values=values, position=position)
