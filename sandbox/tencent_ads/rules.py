"""The field rules of ``product_salesinfos/add`` (reference §5, seed 003) and the emulator's error codes.

Every rule answers :data:`ERR_PARAM` with ``"invalid parameter: <field path> <rule>"``: the reference publishes no
code for a bad field, so the emulator uses one (sandbox README, "Tencent Ads"). Amounts are read from the JSON text
as :class:`~decimal.Decimal` (``parse_float``), so "two decimals" is checked on what was sent, not on a float.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from sandbox.core.base import ApiError

# Marketing API codes (§5).
CODE_OK = 0
ERR_SYSTEM_BUSY = 10000
ERR_MAINTENANCE = 10001
ERR_TOKEN_EXPIRED = 11000
ERR_TOKEN_INVALID = 11002
ERR_TOKEN_MALFORMED = 11004
ERR_TOKEN_EMPTY = 11005
ERR_APP_LIMIT = 11008
ERR_OUT_OF_SCOPE = 11014
ERR_PER_SECOND = 11016
ERR_PER_MINUTE = 11017
ERR_PER_DAY = 11018
ERR_TOO_FREQUENT = 11019
# The emulator's own codes where the reference gives none (README "Tencent Ads").
ERR_INVALID_CLIENT = 11012
ERR_INVALID_REFRESH_TOKEN = 11013
ERR_NONCE_USED = 11020
ERR_TIMESTAMP = 11021
ERR_PARAM = 31001
ERR_ACCOUNT = 31002
ERR_WAREHOUSE = 31003

SALE_CHANNELS = ("WECHAT_MINIPROGRAM", "WECHAT_H5", "PC", "APP", "H5", "JD", "VIPSHOP", "PDD", "OTHER")
STORE_TYPES = ("SHOP", "WAREHOUSE", "EC_WAREHOUSE")
SKU_STATUSES = ("NEW", "NORMAL", "STOP")
STOCK_STATUSES = ("ON_SALE", "OFF_SALE")
MAX_ITEMS = 50
MAX_PROMOTIONS = 50
NONCE_MAX_LENGTH = 32
ITEM_KEYS = frozenset(
    {
        "external_store_id",
        "external_sku_id",
        "sale_channel_name",
        "store_type",
        "sku_status",
        "price",
        "stock",
        "target_url_props",
        "labels",
    }
)


def param(reason: str) -> ApiError:
    return ApiError(ERR_PARAM, f"invalid parameter: {reason}")


def decode_body(raw: bytes, content_type: str) -> dict[str, Any]:
    """The body as one JSON object with Decimal amounts. A form body (or JSON fragments) is refused."""
    if not content_type.split(";")[0].strip().lower() == "application/json":
        raise param("the body must be JSON with Content-Type: application/json")
    if not raw.strip():
        raise param("the body is empty")
    try:
        data = json.loads(raw.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, ValueError):
        raise param("the body is not one JSON object (form fields or -d fragments are not accepted)") from None
    if not isinstance(data, dict):
        raise param("the body must be a JSON object")
    return data


def _int(data: dict[str, Any], key: str) -> int:
    value = data.get(key)
    if value is None:
        raise param(f"{key} is required")
    if isinstance(value, bool) or not isinstance(value, int):
        raise param(f"{key} must be an integer")
    if value <= 0:
        raise param(f"{key} must be > 0")
    return value


def _bytes(value: Any, path: str, low: int, high: int, *, required: bool = True) -> str | None:
    if value is None:
        if required:
            raise param(f"{path} is required")
        return None
    if not isinstance(value, str):
        raise param(f"{path} must be a string")
    try:
        length = len(value.encode("utf-8"))
    except UnicodeEncodeError:
        # A lone surrogate (an escaped \ud800 in the JSON text) has no UTF-8 bytes.
        raise param(f"{path} must be valid UTF-8 text") from None
    if not low <= length <= high:
        raise param(f"{path} must be {low} to {high} bytes, got {length}")
    return value


def _enum(value: Any, path: str, choices: tuple[str, ...]) -> str:
    if value is None:
        raise param(f"{path} is required")
    if value not in choices:
        raise param(f"{path} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _amount(value: Any, path: str, *, required: bool) -> Decimal | None:
    if value is None:
        if required:
            raise param(f"{path} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise param(f"{path} must be a number")
    amount = Decimal(value)
    if amount < 0:
        raise param(f"{path} must be >= 0")
    if amount.as_tuple().exponent < -2:
        raise param(f"{path} must have at most 2 decimals")
    return amount


def _object(value: Any, path: str, *, required: bool) -> dict[str, Any]:
    if value is None:
        if required:
            raise param(f"{path} is required")
        return {}
    if not isinstance(value, dict):
        raise param(f"{path} must be an object")
    return value


def _array(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise param(f"{path} must be an array")
    return value


def validate_request(body: dict[str, Any]) -> tuple[int, int, list[dict[str, Any]]]:
    """``(account_id, data_warehouse_id, items)`` of a valid body, items as sent (Decimal amounts)."""
    account_id = _int(body, "account_id")
    warehouse_id = _int(body, "data_warehouse_id")
    items = body.get("sku_sales_infos")
    if items is None:
        raise param("sku_sales_infos is required")
    if not isinstance(items, list):
        raise param("sku_sales_infos must be an array")
    if not items:
        raise param("sku_sales_infos must not be empty")
    if len(items) > MAX_ITEMS:
        raise param(f"sku_sales_infos must have at most {MAX_ITEMS} items, got {len(items)}")
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(items):
        path = f"sku_sales_infos[{index}]"
        _object(item, path, required=True)
        unknown = sorted(set(item) - ITEM_KEYS)
        if unknown:
            raise param(f"{path} has unknown field(s): {', '.join(unknown)}")
        store = _bytes(item.get("external_store_id"), f"{path}.external_store_id", 1, 32)
        sku = _bytes(item.get("external_sku_id"), f"{path}.external_sku_id", 1, 128)
        if (store, sku) in seen:
            raise param(f"{path}.external_sku_id {sku!r} appears twice for store {store!r}")
        seen.add((store, sku))
        _enum(item.get("sale_channel_name"), f"{path}.sale_channel_name", SALE_CHANNELS)
        _enum(item.get("store_type"), f"{path}.store_type", STORE_TYPES)
        _enum(item.get("sku_status"), f"{path}.sku_status", SKU_STATUSES)
        _price(_object(item.get("price"), f"{path}.price", required=True), f"{path}.price")
        stock = _object(item.get("stock"), f"{path}.stock", required=True)
        _enum(stock.get("sku_stock_status"), f"{path}.stock.sku_stock_status", STOCK_STATUSES)
        target = _object(item.get("target_url_props"), f"{path}.target_url_props", required=True)
        _bytes(target.get("target_url_miniprogram"), f"{path}.target_url_props.target_url_miniprogram", 1, 2048)
        _bytes(target.get("miniprogram_appid"), f"{path}.target_url_props.miniprogram_appid", 1, 1024)
        for number, label in enumerate(_array(item.get("labels"), f"{path}.labels")):
            label_path = f"{path}.labels[{number}]"
            _object(label, label_path, required=True)
            _bytes(label.get("name"), f"{label_path}.name", 1, 64, required=False)
            _bytes(label.get("start_time"), f"{label_path}.start_time", 18, 20, required=False)
            _bytes(label.get("end_time"), f"{label_path}.end_time", 18, 20, required=False)
    return account_id, warehouse_id, items


def _price(price: dict[str, Any], path: str) -> None:
    _amount(price.get("daily_price"), f"{path}.daily_price", required=False)
    current = _amount(price.get("current_price"), f"{path}.current_price", required=True)
    original = _amount(price.get("sku_price"), f"{path}.sku_price", required=True)
    if current > original:
        raise param(f"{path}.current_price must be <= sku_price ({current} > {original})")
    promotions = _array(price.get("sku_promotions"), f"{path}.sku_promotions")
    if len(promotions) > MAX_PROMOTIONS:
        raise param(f"{path}.sku_promotions must have at most {MAX_PROMOTIONS} items, got {len(promotions)}")
    for number, promotion in enumerate(promotions):
        promotion_path = f"{path}.sku_promotions[{number}]"
        _object(promotion, promotion_path, required=True)
        _amount(promotion.get("promotion_price"), f"{promotion_path}.promotion_price", required=False)


PRICE_KEYS = frozenset({"daily_price", "current_price", "sku_price", "promotion_price"})


def plain(value: Any, key: str | None = None) -> Any:
    """A validated item with its amounts as strings of two decimals (``"78.00"``), for the state dump."""
    if isinstance(value, dict):
        return {name: plain(item, name) for name, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if key in PRICE_KEYS and not isinstance(value, bool) and isinstance(value, int | Decimal):
        return format(Decimal(value).quantize(Decimal("0.01")), "f")
    return value
