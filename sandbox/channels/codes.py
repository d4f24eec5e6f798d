"""The Channels store's errcodes (reference §3.3–§3.8; the README lists where each is used) and the readers of its
uint64 ids, which every part of the store uses.

Shape errors without an errcode of their own (a missing field, a wrong JSON type, a value out of its enum) are
raised by the shared ``validation`` readers as 40097; the Channels platform turns them into 10020051 "参数有误"
(10020055 for stock/update and image upload), the code its docs give for bad parameters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.core.base import ApiError
from sandbox.core.validation import invalid_args

ERR_TEMPLATE_NOT_FOUND = 10020005
ERR_NOT_EDITABLE = 10020008
ERR_CATS_LENGTH = 10020011
ERR_SALE_ATTR = 10020012
ERR_SKU_COUNT = 10020013
ERR_ILLEGAL_CATEGORY = 10020017
ERR_FREIGHT_TEMPLATE = 10020019
ERR_TITLE_EMPTY = 10020020
ERR_TITLE_TOO_LONG = 10020021
ERR_HEAD_IMGS_NONE = 10020022
ERR_HEAD_IMGS_TOO_MANY = 10020023
ERR_DESC_IMGS_TOO_MANY = 10020025
ERR_DESC_TOO_LONG = 10020026
ERR_QUALIFICATIONS_TOO_MANY = 10020027
ERR_PRICE_TOO_HIGH = 10020028
ERR_SKU_CODE_TOO_LONG = 10020029
ERR_OUT_SKU_ID_EXISTS = 10020030
ERR_SALE_ATTR_VALUES = 10020031
ERR_SKU_ID = 10020034
ERR_IMAGE_URL = 10020035
ERR_OUT_PRODUCT_ID_TOO_LONG = 10020036
ERR_OUT_SKU_ID_TOO_LONG = 10020037
ERR_NO_SKUS = 10020038
ERR_PRICE_ZERO = 10020039
ERR_PRICE_ABOVE_MARKET = 10020040
ERR_TITLE_TOO_SHORT = 10020042
ERR_NOT_UNDER_AUDIT = 10020044
ERR_TITLE_CHARS = 10020045
ERR_UNDER_AUDIT = 10020049
ERR_PARAM = 10020051
ERR_PRODUCT_MISSING = 10020052
ERR_STOCK_UPDATE_FAILED = 10020054
ERR_PARAM_QUERY = 10020055
ERR_QUALIFICATION_EMPTY = 10020059
ERR_QUALIFICATION_TOO_LARGE = 10020060
ERR_NOT_LISTED = 10020065
ERR_QUOTA = 10020066
ERR_UPLOADING = 10020067
ERR_WEIGHT_REQUIRED = 10020068
ERR_NO_SHIPMENT_NOT_ALLOWED = 10020069
ERR_BRAND = 10020088
ERR_AFTERSALE_DESC = 10020095
ERR_ATTR_DUPLICATE = 10020096
ERR_ATTR_MISSING = 10020097
ERR_ATTR_VALUE = 10020098
ERR_STOCK_RATE = 10020112
ERR_STOCK_UNDER_AUDIT = 10020217
ERR_STOCK_ZERO_DELTA = 10020218
ERR_STOCK_INSUFFICIENT = 10020219
ERR_STOCK_NEVER_LISTED = 10020289
ERR_DEFAULT_RULE_ADDRESS = 10021053
ERR_BAD_AREA = 10021054
ERR_DEFAULT_RULE_MISSING = 10021055
ERR_NO_SHIP_FROM = 10021081
ERR_SEND_TIME = 10021082
ERR_TEMPLATE_NAME_EXISTS = 10021200
ERR_NATIONWIDE_NO_SHIP = 10025501
ERR_TOO_MANY_EXPRESS = 10025502
ERR_TOO_MANY_CONDITIONS = 10025503
ERR_TOO_MANY_CALC_RULES = 10025504


def fail(errcode: int, message: str) -> ApiError:
    return ApiError(errcode, message)


def as_id(value: Any, path: str) -> str:
    """A uint64 id that clients send as a string or a number; returned as a string."""
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip():
        raise invalid_args(f"{path} must be an id")
    return str(value).strip()


def read_product_id(body: Mapping[str, Any], key: str = "product_id") -> str:
    """A required uint64 id field (``product_id``, ``sku_id``, ``template_id``…), as a string."""
    if body.get(key) is None:
        raise invalid_args(f"{key} is required")
    return as_id(body[key], key)
