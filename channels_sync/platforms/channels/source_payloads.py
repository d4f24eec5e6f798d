"""WeChat Channels store third-party source declaration (§3.7, seed 000): the merchant's declaration and the
product snapshot to the body. Pure, as ``payloads``."""

from collections.abc import Mapping, Sequence
from typing import Any

from channels_sync.platforms.errors import PayloadError
from channels_sync.platforms.skus import out_sku_id_for
from products.models import (
    Platform,
)
from products.selectors import ProductSnapshot

from .constants import (
    ATTR_TYPE_TEXT,
    PUBLISH_METHODS,
    SCENE_DISTRIBUTION,
    SCENE_MIGRATION,
    SCENE_OTHER,
    SCENE_VALUES,
    SOURCE_PLATFORM_TYPES,
    STOCK_TYPE_SPOT,
    UNIFORM_SPEC_NAME,
    UNIFORM_SPEC_VALUE,
    JsonDict,
)
from .payloads import _detail_images, _sku_combination, _text_blocks

# --- Third-party source (§3.7, seed 000) ---------------------------------------------------------------------------

# Fields of the declaration the merchant enters (the catalog does not hold them), by where they go in the body.
DECLARATION_TOP_FIELDS = ("scene_value", "publish_method", "supplier", "supplier_shop_performance")
DECLARATION_SOURCE_FIELDS = (
    "visit_url",
    "product_id",
    "qualification_list",
    "brand",
    "logistics_info",
    "service_guarantee",
    "delivery_time",
)
DECLARATION_FIELDS = (*DECLARATION_TOP_FIELDS, *DECLARATION_SOURCE_FIELDS, "stock_type")
SUPPLIER_FIELDS = ("supplier_name", "source_platform_type", "source_platform_name")
SHOP_PERFORMANCE_NUMBERS = (
    "accept_rate_24h",
    "accept_rate_48h",
    "ship_count_30d",
    "ship_count_7d",
    "distribute_product_count",
    "on_time_ship_rate",
)
SHOP_PERFORMANCE_FIELDS = (*SHOP_PERFORMANCE_NUMBERS, "merchant_identity")
LOGISTICS_FIELDS = ("freight_info", "logistics_template")


def third_party_source_payload(
    snapshot: ProductSnapshot, declaration: Mapping[str, Any], image_urls: Mapping[int, str]
) -> JsonDict:
    """The ``addproductthirdpartysource`` body (§3.7, seed 000) from the product and the merchant's declaration.

    From the product, in ``product_source_info``: ``title``; ``head_img_urls`` (head images) and
    ``detail_img_urls`` (image blocks), both required and non-empty; ``sku_list`` with one entry per SKU
    (``sku_id`` = :func:`out_sku_id_for`, ``spec_name``/``spec_value`` the SKU's spec names and values joined by
    ``-`` (规格/统一规格 for a SKU without specs), ``sku_img`` (its image, else the main image), ``price`` (fen),
    ``stock``, ``stock_type``); ``attr_list`` from the Channels properties, each ``attr_type`` 1 (text: the
    catalog does not know the attribute types); ``detail_description`` from the text blocks (left out when empty).
    Image URLs are sent as given (the seed's example holds non-mmecimage ones).

    From ``declaration`` (a mapping with the body's own names): ``scene_value`` (1–3), ``publish_method`` (1–3,
    required when ``scene_value`` is 3), ``supplier`` {supplier_name (required), source_platform_type (1–3,
    required for scenes 1 and 2), source_platform_name (required: for scenes 1 and 2, and for 3 "需入参平台名称")},
    ``supplier_shop_performance`` (optional numbers and ``merchant_identity``), and for ``product_source_info``:
    ``visit_url`` and ``product_id`` (the product on the source platform; both required), optional
    ``qualification_list``, ``brand`` (a name: the snapshot holds only the brand's remote id),
    ``logistics_info`` {freight_info, logistics_template}, ``service_guarantee``, ``delivery_time``; and
    ``stock_type`` (default 0, spot stock as in §3.3 sku_deliver_info; the seed does not define the values).
    Empty optional values are left out. An unknown or missing field is a PayloadError naming it.
    """
    unknown = sorted(set(declaration) - set(DECLARATION_FIELDS))
    if unknown:
        raise PayloadError(unknown[0], "not a field of the declaration")
    scene_value = _choice(declaration, "scene_value", "scene_value", SCENE_VALUES, required=True)
    publish_method = _choice(
        declaration, "publish_method", "publish_method", PUBLISH_METHODS, required=scene_value == SCENE_OTHER
    )
    body: JsonDict = {"scene_value": scene_value}
    if publish_method is not None:
        body["publish_method"] = publish_method
    body["supplier"] = _supplier(declaration.get("supplier"), scene_value)
    performance = _shop_performance(declaration.get("supplier_shop_performance"))
    if performance:
        body["supplier_shop_performance"] = performance
    body["product_source_info"] = _product_source_info(snapshot, declaration, image_urls)
    return body


def _section(value: Any, field: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise PayloadError(field, "must be an object")
    return value


def _choice(data: Mapping[str, Any], key: str, field: str, choices: Sequence[int], *, required: bool) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        if required:
            raise PayloadError(field, "is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in choices:
        raise PayloadError(field, f"must be one of {', '.join(map(str, choices))}")
    return value


def _declared_text(data: Mapping[str, Any], key: str, field: str, *, required: bool = False) -> str:
    value = data.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise PayloadError(field, "must be text")
    value = value.strip()
    if required and not value:
        raise PayloadError(field, "is required")
    return value


def _supplier(value: Any, scene_value: int) -> JsonDict:
    supplier = _section(value, "supplier")
    if not supplier:
        raise PayloadError("supplier", "is required")
    unknown = sorted(set(supplier) - set(SUPPLIER_FIELDS))
    if unknown:
        raise PayloadError(f"supplier.{unknown[0]}", "not a field of the supplier")
    from_platform = scene_value in (SCENE_DISTRIBUTION, SCENE_MIGRATION)
    body: JsonDict = {
        "supplier_name": _declared_text(supplier, "supplier_name", "supplier.supplier_name", required=True)
    }
    platform_type = _choice(
        supplier,
        "source_platform_type",
        "supplier.source_platform_type",
        SOURCE_PLATFORM_TYPES,
        required=from_platform,
    )
    if platform_type is not None:
        body["source_platform_type"] = platform_type
    body["source_platform_name"] = _declared_text(
        supplier, "source_platform_name", "supplier.source_platform_name", required=True
    )
    return body


def _shop_performance(value: Any) -> JsonDict:
    performance = _section(value, "supplier_shop_performance")
    unknown = sorted(set(performance) - set(SHOP_PERFORMANCE_FIELDS))
    if unknown:
        raise PayloadError(f"supplier_shop_performance.{unknown[0]}", "not a field of the shop performance")
    body: JsonDict = {}
    for key in SHOP_PERFORMANCE_NUMBERS:
        number = performance.get(key)
        if number is None or number == "":
            continue
        if isinstance(number, bool) or not isinstance(number, int | float) or number < 0:
            raise PayloadError(f"supplier_shop_performance.{key}", "must be a number of at least 0")
        body[key] = number
    identity = _declared_text(performance, "merchant_identity", "supplier_shop_performance.merchant_identity")
    if identity:
        body["merchant_identity"] = identity
    return body


def _product_source_info(
    snapshot: ProductSnapshot, declaration: Mapping[str, Any], image_urls: Mapping[int, str]
) -> JsonDict:
    field = "product_source_info"
    title = snapshot.title.strip()
    if not title:
        raise PayloadError(f"{field}.title", "the product has no title")
    head_img_urls = [
        _declared_image(image_urls, asset_id, f"{field}.head_img_urls[{index}]")
        for index, asset_id in enumerate(snapshot.image_asset_ids)
    ]
    if not head_img_urls:
        raise PayloadError(f"{field}.head_img_urls", "the product has no head image")
    detail_img_urls = _detail_images(snapshot, image_urls, f"{field}.detail_img_urls", _declared_image)
    if not detail_img_urls:
        raise PayloadError(f"{field}.detail_img_urls", "the product detail has no image")
    body: JsonDict = {
        "visit_url": _declared_text(declaration, "visit_url", f"{field}.visit_url", required=True),
        "product_id": _declared_text(declaration, "product_id", f"{field}.product_id", required=True),
        "title": title,
        "head_img_urls": head_img_urls,
        "detail_img_urls": detail_img_urls,
    }
    qualifications = declaration.get("qualification_list") or []
    if not isinstance(qualifications, Sequence) or isinstance(qualifications, str):
        raise PayloadError(f"{field}.qualification_list", "must be a list of URLs")
    if qualifications:
        body["qualification_list"] = [
            _declared_text({"url": url}, "url", f"{field}.qualification_list[{index}]", required=True)
            for index, url in enumerate(qualifications)
        ]
    brand = _declared_text(declaration, "brand", f"{field}.brand")
    if brand:
        body["brand"] = brand
    attr_list = [
        {"attr_type": ATTR_TYPE_TEXT, "attr_name": prop.attribute_name, "attr_value": prop.value_name}
        for prop in snapshot.properties
        if prop.platform == Platform.CHANNELS
    ]
    if attr_list:
        body["attr_list"] = attr_list
    stock_type = declaration.get("stock_type", STOCK_TYPE_SPOT)
    if isinstance(stock_type, bool) or not isinstance(stock_type, int) or stock_type < 0:
        raise PayloadError("product_source_info.sku_list.stock_type", "must be a whole number of at least 0")
    body["sku_list"] = _source_skus(snapshot, image_urls, head_img_urls[0], stock_type)
    description = _text_blocks(snapshot).strip()
    if description:
        body["detail_description"] = description
    logistics = _logistics_info(declaration.get("logistics_info"))
    if logistics:
        body["logistics_info"] = logistics
    for key in ("service_guarantee", "delivery_time"):
        text = _declared_text(declaration, key, f"{field}.{key}")
        if text:
            body[key] = text
    return body


def _declared_image(image_urls: Mapping[int, str], asset_id: int, field: str) -> str:
    url = image_urls.get(asset_id)
    if not url:
        raise PayloadError(
            field, f"image asset {asset_id} has no Channels store URL (upload it first)", asset_id=asset_id
        )
    return url


def _source_skus(
    snapshot: ProductSnapshot, image_urls: Mapping[int, str], main_image_url: str, stock_type: int
) -> list[JsonDict]:
    if not snapshot.skus:
        raise PayloadError("product_source_info.sku_list", "the product has no SKU")
    skus = []
    for index, sku in enumerate(snapshot.skus):
        field = f"product_source_info.sku_list[{index}]"
        combination = _sku_combination(sku)
        spec_name = "-".join(name for name, _ in combination) or UNIFORM_SPEC_NAME
        spec_value = "-".join(value for _, value in combination) or UNIFORM_SPEC_VALUE
        sku_img = (
            main_image_url
            if sku.image_asset_id is None
            else _declared_image(image_urls, sku.image_asset_id, f"{field}.sku_img")
        )
        skus.append(
            {
                "sku_id": out_sku_id_for(snapshot.id, sku),
                "spec_name": spec_name,
                "spec_value": spec_value,
                "sku_img": sku_img,
                "price": sku.price,
                "stock": sku.stock,
                "stock_type": stock_type,
            }
        )
    return skus


def _logistics_info(value: Any) -> JsonDict:
    logistics = _section(value, "product_source_info.logistics_info")
    unknown = sorted(set(logistics) - set(LOGISTICS_FIELDS))
    if unknown:
        raise PayloadError(f"product_source_info.logistics_info.{unknown[0]}", "not a field of the logistics info")
    body: JsonDict = {}
    for key in LOGISTICS_FIELDS:
        text = _declared_text(logistics, key, f"product_source_info.logistics_info.{key}")
        if text:
            body[key] = text
    return body
