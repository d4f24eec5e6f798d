"""Builders shared by the tests and ``bench/``: the catalog, shops and jobs (``from tests import factories``)."""

from .catalog import (
    BENCH_MAX_SKUS,
    BENCH_TSHIRT,
    TshirtCategory,
    bench_spec_shape,
    bench_tshirt_category,
    bench_tshirts,
    category,
    custom_spec,
    freight_template,
    image_asset,
    png_bytes,
    product,
    product_category_set,
    product_with_sku_images,
    property_attribute,
    spec_attribute,
    uploaded_png,
)
from .jobs import sync_job
from .shops import platform_settings_set, shop

__all__ = [
    "BENCH_MAX_SKUS",
    "BENCH_TSHIRT",
    "TshirtCategory",
    "bench_spec_shape",
    "bench_tshirt_category",
    "bench_tshirts",
    "category",
    "custom_spec",
    "freight_template",
    "image_asset",
    "png_bytes",
    "product",
    "platform_settings_set",
    "product_category_set",
    "product_with_sku_images",
    "property_attribute",
    "shop",
    "spec_attribute",
    "sync_job",
    "uploaded_png",
]
