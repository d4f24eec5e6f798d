"""The rules of publishProduct (API reference §6, seed 004): the form body and every field of it.

Requiredness follows seed 004's tables (the primary source): ``salesWay``, ``settlementWay``, ``deliveryWay`` and
``deliveryTimeliness`` are required ("yes"), although §6's prose lists them after "optional". Every refusal is code
400 with a message naming the field (``参数错误: …``).
"""

from __future__ import annotations

import json
import re
import urllib.parse
from datetime import datetime
from decimal import Decimal
from typing import Any

from sandbox.core.base import ApiError, Request

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"

CODE_OK = 200
CODE_BAD_PARAMETER = 400
CODE_TOKEN_INVALID = 401
CODE_METHOD_NOT_ALLOWED = 405
CODE_TOO_FREQUENT = 429
CODE_SYSTEM_ERROR = 500

# Categories a product may name (categoryId); 1 is the seed example's.
CATEGORIES: dict[int, str] = {
    1: "示例分类",
    1001: "服饰内衣 > 女装 > T恤",
    1002: "服饰内衣 > 男装 > 衬衫",
    2001: "食品饮料 > 休闲零食 > 坚果炒货",
    2002: "食品饮料 > 茶 > 绿茶",
    3001: "家居日用 > 收纳 > 收纳盒",
}

SALES_WAYS = ("DIRECT_SELLING", "CONSIGNMENT", "DIRECT_SELLING_OR_CONSIGNMENT")
SETTLEMENT_WAYS = ("PROPORTIONAL", "SETTLEMENT_PRICE")
DELIVERY_WAYS = ("FACTORY_DELIVERY", "JD_DELIVERY", "THIRD_PART_DELIVERY")
TIME_PERIOD_TYPES = ("HOUR", "DAY")
MEDIA_TYPES = ("MAIN_PICTURE", "CAROUSEL_PICTURE", "VIDEO_PICTURE", "VIDEO")
REQUIRED_FIELDS = (
    "supplierSpu",
    "spuName",
    "spuImage",
    "categoryId",
    "brandName",
    "keyword",
    "description",
    "pcIntroduction",
    "salesWay",
    "settlementWay",
    "deliveryWay",
    "deliveryTimeliness",
    "salesChannelList",
    "mediaList",
    "attributeList",
    "skuList",
)
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", re.ASCII)
# ASCII digits only: Python's \d and str.isdigit() also take "²" or "٢٤" (and int("²") raises).
_NUMBER = re.compile(r"^\d+(\.\d+)?$", re.ASCII)
_WHOLE = re.compile(r"^\d+$", re.ASCII)
# categoryId is a Java Long (seed 004): 1 to 2^63 - 1.
LONG_MAX = 2**63 - 1


def bad_parameter(reason: str) -> ApiError:
    return ApiError(CODE_BAD_PARAMETER, f"参数错误: {reason}")


def parse_form(request: Request) -> dict[str, str]:
    """The form fields of a publishProduct call; 400 for another content type, a bad encoding or a repeated field."""
    content_type = request.content_type.split(";", 1)[0].strip().lower()
    if content_type != FORM_CONTENT_TYPE:
        raise ApiError(
            CODE_BAD_PARAMETER,
            f"参数错误: Content-Type must be {FORM_CONTENT_TYPE} (got {content_type or 'none'})",
            http_status=400,
        )
    try:
        text = request.body.decode("utf-8")
        pairs = urllib.parse.parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise bad_parameter("the body is not a valid UTF-8 form") from None
    form: dict[str, str] = {}
    for key, value in pairs:
        if key in form:
            raise bad_parameter(f"{key} is given more than once")
        form[key] = value
    return form


def _text(data: dict[str, Any], key: str, path: str, *, required: bool = True) -> str:
    value = data.get(key)
    if value is None:
        if required:
            raise bad_parameter(f"{path}.{key} is required")
        return ""
    if not isinstance(value, str):
        raise bad_parameter(f"{path}.{key} must be a string")
    if required and not value.strip():
        raise bad_parameter(f"{path}.{key} must not be empty")
    return value


def _number(data: dict[str, Any], key: str, path: str, *, required: bool, positive: bool, whole: bool = False) -> Any:
    value = data.get(key)
    if value is None:
        if required:
            raise bad_parameter(f"{path}.{key} is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise bad_parameter(f"{path}.{key} must be a number")
    if (positive and value <= 0) or value < 0:
        raise bad_parameter(f"{path}.{key} must be {'> 0' if positive else '>= 0'}")
    if whole and value != int(value):
        raise bad_parameter(f"{path}.{key} must be a whole number")
    return value


def _int(data: dict[str, Any], key: str, path: str) -> None:
    value = data.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise bad_parameter(f"{path}.{key} must be an integer")


def _items(data: dict[str, Any], key: str, path: str, *, required: bool) -> list[Any]:
    value = data.get(key)
    if value is None:
        if required:
            raise bad_parameter(f"{path}.{key} is required")
        return []
    if not isinstance(value, list):
        raise bad_parameter(f"{path}.{key} must be an array")
    if required and not value:
        raise bad_parameter(f"{path}.{key} must not be empty")
    return value


def _object(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise bad_parameter(f"{path} must be an object")
    return value


def _json_list(form: dict[str, str], key: str, *, allow_empty: bool = False) -> list[Any]:
    try:
        value = json.loads(form[key], parse_float=Decimal)
    except ValueError:
        raise bad_parameter(f"{key} is not a valid JSON string") from None
    if not isinstance(value, list):
        raise bad_parameter(f"{key} must be a JSON array")
    if not value and not allow_empty:
        raise bad_parameter(f"{key} must not be empty")
    return value


def _time(value: Any, path: str) -> datetime:
    if isinstance(value, str) and _TIME.match(value):
        try:
            return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")  # noqa: DTZ007 - the platform's wall time
        except ValueError:
            pass
    raise bad_parameter(f"{path} must be a time written yyyy-MM-dd HH:mm:ss")


def _media(value: Any, path: str) -> dict[str, Any]:
    media = _object(value, path)
    if media.get("mediaType") not in MEDIA_TYPES:
        raise bad_parameter(f"{path}.mediaType must be one of {', '.join(MEDIA_TYPES)}")
    _text(media, "mediaUrl", path)
    _text(media, "mediaName", path)
    _int(media, "sorting", path)
    return media


def _attribute(value: Any, path: str) -> dict[str, Any]:
    attribute = _object(value, path)
    _text(attribute, "attributeName", path)
    _text(attribute, "attributeValue", path)
    _int(attribute, "sorting", path)
    return attribute


def validate(form: dict[str, str], *, joint_operation: bool) -> dict[str, Any]:
    """A publishProduct form checked by §6; returns the product with its JSON fields decoded. A joint-operation
    (联营) merchant must send ``checkPriceMsgList`` with every SKU."""
    for key in REQUIRED_FIELDS:
        if key not in form:
            raise bad_parameter(f"{key} is required")
        if not form[key].strip():
            raise bad_parameter(f"{key} must not be empty")
    for key, choices in (
        ("salesWay", SALES_WAYS),
        ("settlementWay", SETTLEMENT_WAYS),
        ("deliveryWay", DELIVERY_WAYS),
    ):
        if form[key] not in choices:
            raise bad_parameter(f"{key} must be one of {', '.join(choices)}")
    time_period_type = form.get("timePeriodType") or "DAY"
    if time_period_type not in TIME_PERIOD_TYPES:
        raise bad_parameter(f"timePeriodType must be one of {', '.join(TIME_PERIOD_TYPES)}")
    if not _WHOLE.fullmatch(form["categoryId"]) or not 0 < int(form["categoryId"]) <= LONG_MAX:
        raise bad_parameter("categoryId must be a positive integer")
    category_id = int(form["categoryId"])
    if category_id not in CATEGORIES:
        raise bad_parameter(f"categoryId {category_id} is not a known category")
    if not _NUMBER.fullmatch(form["deliveryTimeliness"]) or Decimal(form["deliveryTimeliness"]) <= 0:
        raise bad_parameter("deliveryTimeliness must be a number > 0")

    channels = _json_list(form, "salesChannelList")
    for index, value in enumerate(channels):
        path = f"salesChannelList[{index}]"
        channel = _object(value, path)
        _text(channel, "salesChannel", path)
        start = _time(channel.get("displayTimeStart"), f"{path}.displayTimeStart")
        end = _time(channel.get("displayTimeEnd"), f"{path}.displayTimeEnd")
        if start > end:
            raise bad_parameter(f"{path}.displayTimeEnd must not be before displayTimeStart")
        seven_days = channel.get("sevenDaysForReturn")
        if isinstance(seven_days, bool) or seven_days not in (0, 1):
            raise bad_parameter(f"{path}.sevenDaysForReturn must be 0 or 1")
        regions = _items(channel, "salesRegionList", path, required=True)
        if not all(isinstance(region, str) and region.strip() for region in regions):
            raise bad_parameter(f"{path}.salesRegionList must hold region names")
    media_list = [_media(value, f"mediaList[{index}]") for index, value in enumerate(_json_list(form, "mediaList"))]
    attributes = [
        _attribute(value, f"attributeList[{index}]")
        for index, value in enumerate(_json_list(form, "attributeList", allow_empty=True))
    ]
    skus = [
        _sku(value, f"skuList[{index}]", joint_operation) for index, value in enumerate(_json_list(form, "skuList"))
    ]
    codes = [sku["supplierSku"] for sku in skus]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise bad_parameter(f"skuList supplierSku {duplicates[0]} is given twice")
    return {
        **{key: form[key] for key in REQUIRED_FIELDS if key not in ("salesChannelList", "mediaList", "attributeList")},
        "categoryId": category_id,
        "appIntroduction": form.get("appIntroduction", ""),
        "timePeriodType": time_period_type,
        "salesChannelList": channels,
        "mediaList": media_list,
        "attributeList": attributes,
        "skuList": skus,
    }


def _sku(value: Any, path: str, joint_operation: bool) -> dict[str, Any]:
    sku = _object(value, path)
    for key in ("supplierSku", "skuName", "skuImage", "saleUnit"):
        _text(sku, key, path)
    _number(sku, "agreementPrice", path, required=True, positive=True)
    _number(sku, "referencePrice", path, required=True, positive=True)
    _number(sku, "minDeliveryQuantity", path, required=True, positive=True, whole=True)
    _number(sku, "quantity", path, required=False, positive=False, whole=True)
    _number(sku, "weight", path, required=False, positive=False)
    for key in ("upc", "productArea", "keyword", "description", "materialCode", "pcIntroduction", "appIntroduction"):
        _text(sku, key, path, required=False)
    for index, spec_value in enumerate(_items(sku, "skuSpecs", path, required=True)):
        spec_path = f"{path}.skuSpecs[{index}]"
        spec = _object(spec_value, spec_path)
        for key in ("specsCode", "specsName", "specsValue"):
            _text(spec, key, spec_path)
        _text(spec, "specsImage", spec_path, required=False)
        _int(spec, "sorting", spec_path)
    for index, media in enumerate(_items(sku, "skuMediaList", path, required=False)):
        _media(media, f"{path}.skuMediaList[{index}]")
    for index, attribute in enumerate(_items(sku, "skuAttributeList", path, required=False)):
        _attribute(attribute, f"{path}.skuAttributeList[{index}]")
    checks = _items(sku, "checkPriceMsgList", path, required=joint_operation)
    for index, check_value in enumerate(checks):
        check_path = f"{path}.checkPriceMsgList[{index}]"
        check = _object(check_value, check_path)
        _number(check, "outCheckPrice", check_path, required=True, positive=True)
        _text(check, "attachment", check_path)
        _text(check, "outCheckPriceUrl", check_path)
    return sku
