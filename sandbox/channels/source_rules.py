"""The Channels store's rules for a third-party source declaration (reference §3.7, seed 000):
``addproductthirdpartysource``."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.core.validation import check_number, invalid_args, join_path, read_dict, read_int, read_list, read_str

SCENES = (1, 2, 3)
PUBLISH_METHODS = (1, 2, 3)
SOURCE_PLATFORM_TYPES = (1, 2, 3)
SOURCE_ATTR_TYPES = (1, 2, 3, 4, 5, 6, 7)
PERFORMANCE_NUMBERS = (
    "accept_rate_24h",
    "accept_rate_48h",
    "ship_count_30d",
    "ship_count_7d",
    "distribute_product_count",
    "on_time_ship_rate",
)
SOURCE_STRINGS = ("visit_url", "product_id", "title")
SOURCE_OPTIONAL_STRINGS = ("brand", "detail_description", "service_guarantee", "delivery_time")
SKU_STRINGS = ("sku_id", "spec_name", "spec_value", "sku_img")
SKU_NUMBERS = ("price", "stock", "stock_type")


def _string_list(data: dict[str, Any], key: str, prefix: str, *, required: bool) -> list[str]:
    items = read_list(data, key, prefix=prefix, required=required, allow_empty=not required)
    for index, item in enumerate(items):
        if not isinstance(item, str) or not item:
            raise invalid_args(f"{join_path(prefix, key)}[{index}] must be a non-empty string")
    return items


def validate_third_party_source(body: dict[str, Any]) -> dict[str, Any]:
    """Seed 000: the required fields, and those required by ``scene_value`` (``publish_method`` for scene 3; the
    supplier's ``source_platform_type`` and ``source_platform_name`` for scenes 1 and 2)."""
    scene = read_int(body, "scene_value", choices=SCENES)
    if body.get("publish_method") is not None or scene == 3:
        read_int(body, "publish_method", choices=PUBLISH_METHODS)
    supplier = read_dict(body, "supplier")
    read_str(supplier, "supplier_name", prefix="supplier")
    if supplier.get("source_platform_type") is not None or scene in (1, 2):
        read_int(supplier, "source_platform_type", prefix="supplier", choices=SOURCE_PLATFORM_TYPES)
    read_str(supplier, "source_platform_name", prefix="supplier", required=scene in (1, 2))
    performance = read_dict(body, "supplier_shop_performance", required=False)
    for key in PERFORMANCE_NUMBERS:
        if performance.get(key) is not None:
            check_number(performance[key], f"supplier_shop_performance.{key}")
    read_str(performance, "merchant_identity", prefix="supplier_shop_performance", required=False, allow_empty=True)
    source = read_dict(body, "product_source_info")
    prefix = "product_source_info"
    for key in SOURCE_STRINGS:
        read_str(source, key, prefix=prefix)
    _string_list(source, "head_img_urls", prefix, required=True)
    _string_list(source, "detail_img_urls", prefix, required=True)
    _string_list(source, "qualification_list", prefix, required=False)
    for key in SOURCE_OPTIONAL_STRINGS:
        read_str(source, key, prefix=prefix, required=False, allow_empty=True)
    for index, attr in enumerate(read_list(source, "attr_list", prefix=prefix, required=False, allow_empty=True)):
        path = f"{prefix}.attr_list[{index}]"
        if not isinstance(attr, dict):
            raise invalid_args(f"{path} must be an object")
        if attr.get("attr_type") is not None:
            read_int(attr, "attr_type", prefix=path, choices=SOURCE_ATTR_TYPES)
        read_str(attr, "attr_name", prefix=path, required=False, allow_empty=True)
        read_str(attr, "attr_value", prefix=path, required=False, allow_empty=True)
    for index, sku in enumerate(read_list(source, "sku_list", prefix=prefix)):
        path = f"{prefix}.sku_list[{index}]"
        if not isinstance(sku, dict):
            raise invalid_args(f"{path} must be an object")
        for key in SKU_STRINGS:
            read_str(sku, key, prefix=path)
        for key in SKU_NUMBERS:
            read_int(sku, key, prefix=path, minimum=0)
    logistics = read_dict(source, "logistics_info", prefix=prefix, required=False)
    for key in ("freight_info", "logistics_template"):
        read_str(logistics, key, prefix=f"{prefix}.logistics_info", required=False, allow_empty=True)
    return copy.deepcopy(body)
