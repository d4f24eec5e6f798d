"""The catalog: platform-neutral products, SKUs, freight templates, groups and shelves.

A product carries the union of what the platforms need (API reference §2.2 for WeChat Store V1.17, §3.3 for
the Channels store). The rules of the manuals that can be checked without a platform live in ``clean()``
methods and in the admin's formsets (``products.forms``), so bad input is refused before anything is sent.
Money is in fen (``MoneyField``); the admin shows yuan.

One module per concern, re-exported here (``from products.models import Product``).
"""

from .categories import (
    Brand,
    Category,
    CategoryAttribute,
    CategoryAttributeValue,
)
from .constants import (
    AFTERSALE_DESC_MAX_LENGTH,
    CATEGORY_PLATFORMS,
    CHANNELS_SHORT_TITLE_MAX_LENGTH,
    CHANNELS_TITLE_MAX_LENGTH,
    CHANNELS_TITLE_MIN_LENGTH,
    CUSTOM_SPEC_PREFIX,
    HEAD_IMAGES_MAX,
    HEAD_IMAGES_MIN,
    OUT_PRODUCT_ID_MAX_LENGTH,
    OUT_SKU_ID_MAX_LENGTH,
    PROPERTY_PLATFORMS,
    SKU_CODE_MAX_LENGTH,
    SKUS_MAX,
    STOCK_MAX,
    ExpressType,
    Platform,
)
from .freight import (
    FreightFeeRule,
    FreightFreeCondition,
    FreightNotServedArea,
    FreightTemplate,
)
from .products import (
    ImageAsset,
    Product,
    ProductDetailBlock,
    ProductExpressFee,
    ProductImage,
    ProductPlatformCategory,
    ProductProperty,
    ProductSpec,
    Sku,
    # Migration 0001 names the upload path function by this module's path.
    _image_upload_to,  # noqa: F401
    category_choice_error,
    property_category_ids,
)
from .shelves import (
    ProductGroup,
    Shelf,
    ShelfModule,
    ShelfModuleGroup,
)

__all__ = [
    "AFTERSALE_DESC_MAX_LENGTH",
    "CATEGORY_PLATFORMS",
    "PROPERTY_PLATFORMS",
    "Brand",
    "CHANNELS_SHORT_TITLE_MAX_LENGTH",
    "CHANNELS_TITLE_MAX_LENGTH",
    "CHANNELS_TITLE_MIN_LENGTH",
    "CUSTOM_SPEC_PREFIX",
    "Category",
    "CategoryAttribute",
    "CategoryAttributeValue",
    "ExpressType",
    "FreightFeeRule",
    "FreightFreeCondition",
    "FreightNotServedArea",
    "FreightTemplate",
    "HEAD_IMAGES_MAX",
    "HEAD_IMAGES_MIN",
    "ImageAsset",
    "OUT_PRODUCT_ID_MAX_LENGTH",
    "OUT_SKU_ID_MAX_LENGTH",
    "Platform",
    "Product",
    "ProductDetailBlock",
    "ProductExpressFee",
    "ProductGroup",
    "ProductImage",
    "ProductPlatformCategory",
    "category_choice_error",
    "property_category_ids",
    "ProductProperty",
    "ProductSpec",
    "SKUS_MAX",
    "SKU_CODE_MAX_LENGTH",
    "STOCK_MAX",
    "Shelf",
    "ShelfModule",
    "ShelfModuleGroup",
    "Sku",
]
