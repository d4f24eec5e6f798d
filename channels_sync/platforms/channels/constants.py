"""WeChat Channels store (API reference §3): the constants and enums of the API, shared by the builders and the
answer parsers of this package."""

from collections.abc import Mapping
from enum import IntEnum
from typing import Any

from products.models import (
    ExpressType,
)

JsonDict = dict[str, Any]

# §3.3 brand_id: "2100000000 = no brand" ([WXJ]).
NO_BRAND_ID = "2100000000"
# §3.3, §3.6: every product image is an https://mmecimage.cn/p/{appid}/{key} link.
IMAGE_HOST = "mmecimage.cn"
IMAGE_PATH_PREFIX = "/p/"
# §3.3 cats[]: the old category tree has exactly three levels (10020011); cats_v2 has any number.
CATS_LEVELS = 3
# §3.3 deliver_method.
DELIVER_METHOD_EXPRESS = 0
DELIVER_METHOD_PHONE = 1
DELIVER_METHOD_ACCOUNT = 3
# §3.3 sku_deliver_info.stock_type: 0 spot stock, 1 full-payment presale. The catalog sells from stock.
STOCK_TYPE_SPOT = 0
# limited_info.period_type ([WXJ] LimitInfo and the docs): 0 no limit, 1 per day, 2 per week, 3 per month, 4 per
# year. The catalog's buy_limit has no period ("per buyer"); the longest period is the closest reading of it.
PURCHASE_LIMIT_PERIOD_TYPE = 4
# desc_info.desc is one text: the detail's text blocks joined by line breaks.
DETAIL_TEXT_SEPARATOR = "\n"

# §3.5 freight templates.
DELIVERY_TYPE_EXPRESS = "EXPRESS"
SHIPPING_FREE = "FREE"
SHIPPING_CONDITION_FREE = "CONDITION_FREE"
SHIPPING_NO_FREE = "NO_FREE"
VALUATION_PIECE = "PIECE"
VALUATION_WEIGHT = "WEIGHT"
# The catalog keeps fee rules per V1.17 express type; the Channels store ships by express (delivery_type EXPRESS)
# only, so the rules of 快递 (10000028) are the ones sent.
CHANNELS_EXPRESS_TYPE = int(ExpressType.EXPRESS)
# Regional fee rules of the catalog are inside China (the model's default country).
DEFAULT_COUNTRY = "中国"
# send_time as the platform spells it ("FOUTYEIGHT" is its own spelling, [WXJ] SendTime and the SDKs) for each
# value the catalog offers. The platform has no "same day" value: shipping within 24 hours is the promise a
# merchant who ships the same day keeps. A value already in the platform's spelling is sent as it is.
SEND_TIMES_TO_PLATFORM: Mapping[str, str] = {
    "SendTime_FOUR_HOUR": "SendTime_FOUR_HOUR",
    "SendTime_TODAY": "SendTime_TWENTYFOUR_HOUR",
    "SendTime_TWENTYFOUR_HOUR": "SendTime_TWENTYFOUR_HOUR",
    "SendTime_FORTYEIGHT_HOUR": "SendTime_FOUTYEIGHT_HOUR",
    "SendTime_SEVENTYTWO_HOUR": "SendTime_THREE_DAY",
}
PLATFORM_SEND_TIMES: tuple[str, ...] = (
    "SendTime_FOUR_HOUR",
    "SendTime_EIGHT_HOUR",
    "SendTime_TWELVE_HOUR",
    "SendTime_SIXTEEN_HOUR",
    "SendTime_TWENTY_HOUR",
    "SendTime_TWENTYFOUR_HOUR",
    "SendTime_FOUTYEIGHT_HOUR",
    "SendTime_THREE_DAY",
    "SendTime_FIVE_DAY",
    "SendTime_SEVEN_DAY",
    "SendTime_TEN_DAY",
    "SendTime_TWELVE_DAY",
    "SendTime_FOUTEEN_DAY",
    "SendTime_SIXTEEN_DAY",
    "SendTime_TWENTY_DAY",
    "SendTime_TWENTYFIVE_DAY",
    "SendTime_THIRY_DAY",
    "SendTime_THIRYFIVE_DAY",
    "SendTime_FOURTYFIVE_DAY",
)
# Read back, the platform's values become the catalog's where the catalog has one.
SEND_TIMES_FROM_PLATFORM: Mapping[str, str] = {
    "SendTime_FOUR_HOUR": "SendTime_FOUR_HOUR",
    "SendTime_TWENTYFOUR_HOUR": "SendTime_TWENTYFOUR_HOUR",
    "SendTime_FOUTYEIGHT_HOUR": "SendTime_FORTYEIGHT_HOUR",
    "SendTime_THREE_DAY": "SendTime_SEVENTYTWO_HOUR",
}
# The province-level divisions (国标 first level), in the standard order. A condition-free rule names its
# regions (address_infos may not be empty), so a catalog condition for "everywhere" names all of them.
PROVINCES: tuple[str, ...] = (
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "台湾省",
    "香港特别行政区",
    "澳门特别行政区",
)

# Seed 000: attr_type 1 is text; spec name and value of a SKU that has no spec (both fields are required).
ATTR_TYPE_TEXT = 1
UNIFORM_SPEC_NAME = "规格"
UNIFORM_SPEC_VALUE = "统一规格"
# Seed 000 enums.
SCENE_DISTRIBUTION = 1
SCENE_MIGRATION = 2
SCENE_OTHER = 3
SCENE_VALUES = (SCENE_DISTRIBUTION, SCENE_MIGRATION, SCENE_OTHER)
PUBLISH_METHODS = (1, 2, 3)
SOURCE_PLATFORM_TYPES = (1, 2, 3)


class EditStatus(IntEnum):
    """``edit_status`` of the draft (§3.1)."""

    INITIAL = 0
    EDITING = 1
    UNDER_AUDIT = 2
    AUDIT_FAILED = 3
    AUDIT_PASSED = 4
    UPLOADING = 7
    UPLOAD_FAILED = 8


class ProductStatus(IntEnum):
    """``status`` of the online copy (§3.1)."""

    INITIAL = 0
    LISTED = 5
    RECYCLE_BIN = 6
    DELETED = 9
    DELISTED_BY_MERCHANT = 11
    SOLD_OUT = 12
    DELISTED_FOR_VIOLATION = 13
    DEPOSIT_INSUFFICIENT = 14
    BRAND_EXPIRED = 15
    BANNED = 20
