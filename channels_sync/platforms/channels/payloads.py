"""WeChat Channels store (API reference §3): catalog snapshots to request bodies, and answers back.

Pure functions: no database, no settings, no clock, no randomness. The same snapshot, image URLs and remote ids
always give the same body, so the engine can hash a body to skip no-ops, and the golden-file tests pin every byte.

Conventions of the whole module:

* Money is in fen (§3 conventions); remote ids are strings (uint64, §3 conventions), whatever type the caller
  holds them in.
* Every product image must be an ``mmecimage.cn/p/`` link from the image upload with ``resp_type=1`` (§3.3,
  §3.6; 10020035 otherwise). The caller passes those links as ``image_urls`` (image asset id -> URL); an image
  without one, or with a link of another host, is a :class:`PayloadError` naming the asset, so the engine can
  upload it and build the body again.
* A body that cannot be built is a :class:`PayloadError` whose ``field`` is the path of the field in the body and
  whose message says what the merchant has to fix. Only what the platform would refuse and the catalog does not
  guarantee by itself is checked here (a Channels category, 3–9 head images, the title's length, 1–500 SKUs…).
* An answer that does not have the documented shape is a :class:`ResponseShapeError`.
* ``PayloadError`` and ``ResponseShapeError`` are the platform-neutral classes (``platforms.errors``,
  ``platforms.responses``), so the engine catches one class whatever the platform.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any
from urllib.parse import urlsplit

from channels_sync.platforms.errors import PayloadError
from channels_sync.platforms.responses import ResponseShapeError
from channels_sync.platforms.responses import read_flag as _flag
from channels_sync.platforms.responses import read_items as _items
from channels_sync.platforms.responses import read_number as _number
from channels_sync.platforms.responses import read_object as _obj
from channels_sync.platforms.responses import read_text as _text
from channels_sync.platforms.skus import out_sku_id_for
from products.models import (
    AFTERSALE_DESC_MAX_LENGTH,
    CHANNELS_SHORT_TITLE_MAX_LENGTH,
    CHANNELS_TITLE_MAX_LENGTH,
    CHANNELS_TITLE_MIN_LENGTH,
    HEAD_IMAGES_MAX,
    HEAD_IMAGES_MIN,
    OUT_PRODUCT_ID_MAX_LENGTH,
    OUT_SKU_ID_MAX_LENGTH,
    SKUS_MAX,
    ExpressType,
    Platform,
)
from products.selectors import FeeRuleSnapshot, FreightTemplateSnapshot, ProductSnapshot, SkuSnapshot

__all__ = [
    "BrandPage",
    "EditStatus",
    "PayloadError",
    "ProductStatus",
    "RemoteBrand",
    "RemoteCategory",
    "RemoteCategoryAttribute",
    "RemoteCategoryDetail",
    "RemoteFreightTemplate",
    "RemoteProduct",
    "RemoteSku",
    "ResponseShapeError",
    "freight_template_payload",
    "out_sku_id_for",
    "parse_brands",
    "parse_category_children",
    "parse_category_detail",
    "parse_freight_template",
    "parse_product",
    "product_payload",
    "product_update_payload",
    "stock_update_payload",
    "third_party_source_payload",
]

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


# --- Small helpers ----------------------------------------------------------------------------------------------


def _image_url(image_urls: Mapping[int, str], asset_id: int, field: str) -> str:
    url = image_urls.get(asset_id)
    if not url:
        raise PayloadError(
            field, f"image asset {asset_id} has no Channels store URL (upload it first)", asset_id=asset_id
        )
    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or parts.hostname != IMAGE_HOST
        or not parts.path.startswith(IMAGE_PATH_PREFIX)
    ):
        raise PayloadError(
            field,
            f"image asset {asset_id} is not an {IMAGE_HOST}{IMAGE_PATH_PREFIX} link (upload it with resp_type=1)",
            asset_id=asset_id,
        )
    return url


def _remote_id(value: int | str, field: str) -> str:
    """A remote id as the string the platform expects (§3 conventions)."""
    if isinstance(value, bool):
        raise PayloadError(field, f"{value!r} is not a remote id")
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise PayloadError(field, f"{value!r} is not a numeric remote id")
    return text


def _sku_combination(sku: SkuSnapshot) -> list[tuple[str, str]]:
    """(spec name, value name) pairs of a SKU, in the product's spec order."""
    return [(spec["name"], spec["value"]) for spec in sku.spec_dicts()]


def _text_blocks(snapshot: ProductSnapshot) -> str:
    return DETAIL_TEXT_SEPARATOR.join(block.text for block in snapshot.detail_blocks if block.kind == "text")


def _detail_images(
    snapshot: ProductSnapshot, image_urls: Mapping[int, str], field: str, url_of: Callable[..., str]
) -> list[str]:
    """The URLs of the detail's image blocks, in order; ``field`` is the body's list of them."""
    urls: list[str] = []
    for index, block in enumerate(snapshot.detail_blocks):
        if block.kind == "text":
            continue
        if block.kind != "image":
            raise PayloadError(field, f"detail block {index + 1} has an unknown kind {block.kind!r}")
        if block.image_asset_id is None:
            raise PayloadError(field, f"detail block {index + 1} is an image block without an image")
        urls.append(url_of(image_urls, block.image_asset_id, f"{field}[{len(urls)}]"))
    return urls


# --- Products (§3.3) ---------------------------------------------------------------------------------------------


def product_payload(
    snapshot: ProductSnapshot,
    *,
    image_urls: Mapping[int, str],
    freight_template_remote_id: int | str | None,
    brand_id: int | str | None = None,
) -> JsonDict:
    """The ``product/add`` body (§3.2, §3.3).

    * ``out_product_id`` is the snapshot's merchant product code: stable, so a lost add answer is found again
      by it. ``title`` and ``short_title`` are sent as they are (stripped).
    * ``head_imgs`` are the head images in order (3 to 9); ``desc_info.imgs`` the detail's image blocks and
      ``desc_info.desc`` its text blocks, joined by line breaks.
    * ``cats_v2`` is the Channels category's path from the root; ``cats`` (the old three-level tree) is sent too
      when that path has exactly three levels.
    * ``attrs`` are the product's properties of Channels categories, ``{attr_key: property name, attr_value:
      value name}``, in the catalog's order; ``spu_code`` is the snapshot's.
    * ``brand_id`` is the given remote brand id; ``None`` takes the snapshot's brand, and no brand at all sends
      2100000000.
    * ``express_info`` ({template_id, weight in g when known}) is sent for express delivery only
      (``deliver_method`` 0); ``freight_template_remote_id`` is the remote id of the product's freight template.
      Delivery to an account (3) needs account types the catalog does not hold, so it is refused.
    * ``limited_info`` is sent only with a purchase limit: ``{period_type: 4 (per year), limited_buy_num}``.
    * ``skus`` keep the snapshot's order: ``out_sku_id`` (see :func:`out_sku_id_for`), ``thumb_img`` (the SKU's
      image, else the main image), prices in fen (``market_price`` is the original price), ``stock_num``,
      ``sku_code`` (product code), ``bar_code``, ``sku_attrs`` from the spec names and values and
      ``sku_deliver_info`` {stock_type 0: spot}.

    Raises PayloadError naming the field when something the platform requires is missing.
    """
    category = snapshot.channels_category
    if category is None or not category.remote_id or not category.path_remote_ids:
        raise PayloadError("cats_v2", "no Channels category")
    path = list(category.path_remote_ids)
    head_imgs = _head_imgs(snapshot, image_urls)
    body: JsonDict = {
        "out_product_id": _out_product_id(snapshot),
        "title": _title(snapshot),
        "short_title": _short_title(snapshot),
        "head_imgs": head_imgs,
        "desc_info": {
            "imgs": _detail_images(snapshot, image_urls, "desc_info.imgs", _image_url),
            "desc": _text_blocks(snapshot),
        },
        "cats_v2": [{"cat_id": cat_id} for cat_id in path],
        "attrs": _attrs(snapshot),
        "spu_code": snapshot.spu_code,
        "brand_id": _brand_id(snapshot, brand_id),
        "deliver_method": _deliver_method(snapshot),
        "extra_service": {
            "seven_day_return": snapshot.seven_day_return,
            "pay_after_use": int(snapshot.pay_after_use),
            "freight_insurance": int(snapshot.freight_insurance),
            "fake_one_pay_three": int(snapshot.fake_one_pay_three),
            "damage_guarantee": int(snapshot.damage_guarantee),
        },
        "aftersale_desc": _aftersale_desc(snapshot),
        "skus": _skus(snapshot, image_urls, head_imgs[0]),
    }
    if len(path) == CATS_LEVELS:
        body["cats"] = [{"cat_id": cat_id} for cat_id in path]
    if body["deliver_method"] == DELIVER_METHOD_EXPRESS:
        body["express_info"] = _express_info(snapshot, freight_template_remote_id)
    if snapshot.buy_limit > 0:
        body["limited_info"] = {"period_type": PURCHASE_LIMIT_PERIOD_TYPE, "limited_buy_num": snapshot.buy_limit}
    return body


def _out_product_id(snapshot: ProductSnapshot) -> str:
    out_product_id = snapshot.out_product_id.strip()
    if not out_product_id:
        raise PayloadError("out_product_id", "the product has no merchant product code")
    if len(out_product_id) > OUT_PRODUCT_ID_MAX_LENGTH:
        raise PayloadError("out_product_id", f"the merchant product code is longer than {OUT_PRODUCT_ID_MAX_LENGTH}")
    return out_product_id


def _title(snapshot: ProductSnapshot) -> str:
    title = snapshot.title.strip()
    if not CHANNELS_TITLE_MIN_LENGTH <= len(title) <= CHANNELS_TITLE_MAX_LENGTH:
        raise PayloadError(
            "title",
            f"the title must be {CHANNELS_TITLE_MIN_LENGTH} to {CHANNELS_TITLE_MAX_LENGTH} characters (it has "
            f"{len(title)})",
        )
    if title.isascii() and title.replace(" ", "").isalnum():
        raise PayloadError("title", "the title cannot be made of letters and digits only")
    return title


def _short_title(snapshot: ProductSnapshot) -> str:
    short_title = snapshot.short_title.strip()
    if len(short_title) > CHANNELS_SHORT_TITLE_MAX_LENGTH:
        raise PayloadError("short_title", f"the short title is longer than {CHANNELS_SHORT_TITLE_MAX_LENGTH}")
    return short_title


def _head_imgs(snapshot: ProductSnapshot, image_urls: Mapping[int, str]) -> list[str]:
    count = len(snapshot.image_asset_ids)
    if not HEAD_IMAGES_MIN <= count <= HEAD_IMAGES_MAX:
        raise PayloadError("head_imgs", f"{HEAD_IMAGES_MIN} to {HEAD_IMAGES_MAX} head images are needed, not {count}")
    return [
        _image_url(image_urls, asset_id, f"head_imgs[{index}]")
        for index, asset_id in enumerate(snapshot.image_asset_ids)
    ]


def _attrs(snapshot: ProductSnapshot) -> list[JsonDict]:
    attrs: list[JsonDict] = []
    seen: set[str] = set()
    for prop in snapshot.properties:
        if prop.platform != Platform.CHANNELS:
            continue
        if prop.attribute_name in seen:
            # 10020096: a property given twice.
            raise PayloadError(f"attrs[{len(attrs)}].attr_key", f"the property {prop.attribute_name} is given twice")
        seen.add(prop.attribute_name)
        attrs.append({"attr_key": prop.attribute_name, "attr_value": prop.value_name})
    return attrs


def _brand_id(snapshot: ProductSnapshot, brand_id: int | str | None) -> str:
    if brand_id is None or brand_id == "":
        brand_id = snapshot.brand_remote_id or NO_BRAND_ID
    return _remote_id(brand_id, "brand_id")


def _deliver_method(snapshot: ProductSnapshot) -> int:
    if snapshot.deliver_method == DELIVER_METHOD_ACCOUNT:
        raise PayloadError(
            "deliver_acct_type", "delivery to an account needs the account types, which the catalog does not hold"
        )
    if snapshot.deliver_method not in (DELIVER_METHOD_EXPRESS, DELIVER_METHOD_PHONE):
        raise PayloadError("deliver_method", f"unknown deliver method {snapshot.deliver_method}")
    return snapshot.deliver_method


def _express_info(snapshot: ProductSnapshot, freight_template_remote_id: int | str | None) -> JsonDict:
    if snapshot.freight_template_id is None:
        raise PayloadError("express_info.template_id", "no freight template")
    if freight_template_remote_id is None or freight_template_remote_id == "":
        raise PayloadError(
            "express_info.template_id",
            f"freight template {snapshot.freight_template_id} is not on the Channels store yet",
        )
    express_info: JsonDict = {"template_id": _remote_id(freight_template_remote_id, "express_info.template_id")}
    if snapshot.weight_g is not None:
        express_info["weight"] = snapshot.weight_g
    return express_info


def _aftersale_desc(snapshot: ProductSnapshot) -> str:
    if len(snapshot.aftersale_desc) > AFTERSALE_DESC_MAX_LENGTH:
        # 10020095.
        raise PayloadError("aftersale_desc", f"the after-sale description is longer than {AFTERSALE_DESC_MAX_LENGTH}")
    return snapshot.aftersale_desc


def _skus(snapshot: ProductSnapshot, image_urls: Mapping[int, str], main_image_url: str) -> list[JsonDict]:
    count = len(snapshot.skus)
    if not 1 <= count <= SKUS_MAX:
        # 10020013.
        raise PayloadError("skus", f"1 to {SKUS_MAX} SKUs are needed, not {count}")
    spec_names = [definition.name for definition in snapshot.spec_definitions]
    out_sku_ids: set[str] = set()
    combinations: set[tuple[tuple[str, str], ...]] = set()
    skus = []
    for index, sku in enumerate(snapshot.skus):
        field = f"skus[{index}]"
        out_sku_id = out_sku_id_for(snapshot.id, sku)
        if len(out_sku_id) > OUT_SKU_ID_MAX_LENGTH:
            # 10020037.
            raise PayloadError(f"{field}.out_sku_id", f"SKU {sku.id}: longer than {OUT_SKU_ID_MAX_LENGTH}")
        if out_sku_id in out_sku_ids:
            # 10020030.
            raise PayloadError(f"{field}.out_sku_id", f"two SKUs have the merchant SKU code {out_sku_id}")
        out_sku_ids.add(out_sku_id)
        combination = _sku_combination(sku)
        if [name for name, _ in combination] != spec_names:
            raise PayloadError(
                f"{field}.sku_attrs",
                f"SKU {sku.id} must hold one value of each spec, in order ({';'.join(spec_names) or 'none'})",
            )
        if tuple(combination) in combinations:
            label = ";".join(f"{name}:{value}" for name, value in combination) or "(uniform)"
            raise PayloadError(f"{field}.sku_attrs", f"two SKUs have the combination {label}")
        combinations.add(tuple(combination))
        if sku.price <= 0:
            # 10020039.
            raise PayloadError(f"{field}.sale_price", f"SKU {sku.id}: the price must be above 0")
        if sku.original_price < sku.price:
            # 10020040.
            raise PayloadError(f"{field}.market_price", f"SKU {sku.id}: the original price is below the price")
        thumb_img = (
            main_image_url
            if sku.image_asset_id is None
            else _image_url(image_urls, sku.image_asset_id, f"{field}.thumb_img")
        )
        skus.append(
            {
                "out_sku_id": out_sku_id,
                "thumb_img": thumb_img,
                "sale_price": sku.price,
                "market_price": sku.original_price,
                "stock_num": sku.stock,
                "sku_code": sku.product_code,
                "bar_code": sku.barcode,
                "sku_attrs": [{"attr_key": name, "attr_value": value} for name, value in combination],
                "sku_deliver_info": {"stock_type": STOCK_TYPE_SPOT},
            }
        )
    return skus


def product_update_payload(
    remote_product_id: str,
    snapshot: ProductSnapshot,
    *,
    image_urls: Mapping[int, str],
    freight_template_remote_id: int | str | None,
    brand_id: int | str | None = None,
    remote_sku_ids: Mapping[str, str],
    remote_stock_nums: Mapping[str, int] | None = None,
) -> JsonDict:
    """The ``product/update`` body (§3.2): ``product_id`` plus the add body of :func:`product_payload`.

    ``remote_sku_ids`` (out_sku_id -> remote sku_id, e.g. ``RemoteProduct.sku_ids_by_out_sku_id()``) gives each
    SKU the remote already has its ``sku_id``, so it is updated rather than added; SKUs without one are new.

    ``remote_stock_nums`` (remote sku_id -> stock), when given, replaces the ``stock_num`` of each SKU the remote
    already has: stock moves by ``stock/update`` deltas (§3.4), and an update must not overwrite sales made on the
    platform since the last read. New SKUs keep their local stock.
    """
    body = product_payload(
        snapshot, image_urls=image_urls, freight_template_remote_id=freight_template_remote_id, brand_id=brand_id
    )
    skus = []
    for index, sku in enumerate(body["skus"]):
        sku_id = remote_sku_ids.get(sku["out_sku_id"])
        if sku_id is None or sku_id == "":
            skus.append(sku)
            continue
        sku_id = _remote_id(sku_id, f"skus[{index}].sku_id")
        stock_num = sku["stock_num"]
        if remote_stock_nums is not None and sku_id in remote_stock_nums:
            stock_num = int(remote_stock_nums[sku_id])
        skus.append({"sku_id": sku_id, **sku, "stock_num": stock_num})
    return {"product_id": _remote_id(remote_product_id, "product_id"), **body, "skus": skus}


# --- Stock (§3.4) ------------------------------------------------------------------------------------------------


def stock_update_payload(product_id: str, sku_id: str, delta: int) -> JsonDict:
    """The ``product/stock/update`` body of a stock delta (§3.4): ``diff_type`` 1 (add) for a positive delta,
    2 (subtract) for a negative one, ``num`` its size. Never 3 ("set"), which loses sales made meanwhile; a delta
    of 0 is a PayloadError (the platform refuses it with 10020218, and there is nothing to send)."""
    if isinstance(delta, bool) or not isinstance(delta, int):
        raise PayloadError("num", f"a stock change must be a whole number, not {delta!r}")
    if delta == 0:
        raise PayloadError("num", "a stock change of 0 has nothing to send")
    return {
        "product_id": _remote_id(product_id, "product_id"),
        "sku_id": _remote_id(sku_id, "sku_id"),
        "diff_type": 1 if delta > 0 else 2,
        "num": abs(delta),
    }


# --- Freight templates (§3.5) --------------------------------------------------------------------------------------


def freight_template_payload(snapshot: FreightTemplateSnapshot) -> JsonDict:
    """The ``merchant/addfreighttemplate`` body (§3.2, §3.5): ``{"freight_template": {...}}``.

    The reference names the fields but not every shape; the ones used here follow [WXJ]'s ``bean/freight``
    classes (assumptions marked):

    * ``name``, ``valuation_type`` (PIECE; a weight template is refused, since the catalog's fee rules count
      items), ``shipping_method`` and ``is_default`` (a boolean) as the template has them;
      ``delivery_type`` EXPRESS; ``delivery_id`` ``[]``: the catalog names no express companies (assumed to mean
      "any").
    * ``address_info`` is the ship-from address: ``province_name`` (required, 10021081), ``city_name``,
      ``county_name``, ``detail_info``, ``user_name``, ``tel_number``, ``postal_code``.
    * ``all_freight_calc_method.freight_calc_method_list``: the fee rules of 快递 (10000028). The normal rule is
      the default (``is_default`` true, no address: 10021053), each regional rule an entry with ``address_infos``
      [{province_name, city_name}], sorted by province and city. Each entry has ``first_val_amount``/
      ``first_price`` (first items and their fee) and ``second_val_amount``/``second_price`` (each further items
      and their fee), fees in fen. A FREE template costs nothing: it sends one default rule with zero fees,
      whatever fee rules the catalog keeps for V1.17.
    * ``send_time`` in the platform's spelling (see ``SEND_TIMES_TO_PLATFORM``: 48 hours is
      ``SendTime_FOUTYEIGHT_HOUR``, 72 hours ``SendTime_THREE_DAY``, same day becomes 24 hours).
    * ``all_condition_free_detail.condition_free_detail_list`` (CONDITION_FREE only, else empty): one entry per
      free condition: ``address_infos`` [{province_name, city_name}] (every province for a condition that holds
      everywhere: the list may not be empty), ``min_piece``, ``min_weight`` in kg (the catalog keeps grams),
      ``min_amount`` in fen, each only when set; ``valuation_flag``/``amount_flag`` say whether the piece/weight
      and the amount thresholds are set (0/1).
    * ``not_send_area.address_info`` (the reference's name; [WXJ] says ``address_infos``): the areas not served,
      ``{province_name, city_name, county_name}`` in the catalog's order.

    For ``updatefreighttemplate`` the client adds ``template_id``.
    """
    name = snapshot.name.strip()
    if not name:
        raise PayloadError("freight_template.name", "the template has no name")
    if snapshot.valuation_type != VALUATION_PIECE:
        raise PayloadError(
            "freight_template.valuation_type", "only per-piece templates can be sent: the fee rules count items"
        )
    if snapshot.shipping_method not in (SHIPPING_FREE, SHIPPING_CONDITION_FREE, SHIPPING_NO_FREE):
        raise PayloadError("freight_template.shipping_method", f"unknown shipping method {snapshot.shipping_method!r}")
    return {
        "freight_template": {
            "name": name,
            "valuation_type": snapshot.valuation_type,
            "send_time": _send_time(snapshot),
            "address_info": _ship_from(snapshot),
            "delivery_type": DELIVERY_TYPE_EXPRESS,
            "delivery_id": [],
            "shipping_method": snapshot.shipping_method,
            "all_condition_free_detail": {"condition_free_detail_list": _free_conditions(snapshot)},
            "all_freight_calc_method": {"freight_calc_method_list": _calc_methods(snapshot)},
            "is_default": snapshot.is_default,
            "not_send_area": {
                "address_info": [
                    {"province_name": province, "city_name": city, "county_name": county}
                    for province, city, county in snapshot.not_served_areas
                ]
            },
        }
    }


def _send_time(snapshot: FreightTemplateSnapshot) -> str:
    send_time = SEND_TIMES_TO_PLATFORM.get(snapshot.send_time, snapshot.send_time)
    if send_time not in PLATFORM_SEND_TIMES:
        # 10021082.
        raise PayloadError("freight_template.send_time", f"unknown send time {snapshot.send_time!r}")
    return send_time


def _ship_from(snapshot: FreightTemplateSnapshot) -> JsonDict:
    ship_from = dict(snapshot.ship_from)
    if not ship_from.get("province"):
        raise PayloadError("freight_template.address_info.province_name", "no ship-from province")
    return {
        "province_name": ship_from.get("province", ""),
        "city_name": ship_from.get("city", ""),
        "county_name": ship_from.get("county", ""),
        "detail_info": ship_from.get("address", ""),
        "user_name": ship_from.get("contact", ""),
        "tel_number": ship_from.get("phone", ""),
        "postal_code": ship_from.get("postal_code", ""),
    }


def _calc_method(rule: FeeRuleSnapshot) -> JsonDict:
    return {
        "first_val_amount": rule.start_standards,
        "first_price": rule.start_fees,
        "second_val_amount": rule.add_standards,
        "second_price": rule.add_fees,
    }


def _calc_methods(snapshot: FreightTemplateSnapshot) -> list[JsonDict]:
    if snapshot.shipping_method == SHIPPING_FREE:
        return [
            {"is_default": True, "first_val_amount": 1, "first_price": 0, "second_val_amount": 1, "second_price": 0}
        ]
    rules = [rule for rule in snapshot.fee_rules if rule.express_type == CHANNELS_EXPRESS_TYPE]
    normal = [rule for rule in rules if not (rule.dest_province or rule.dest_city)]
    if not normal:
        # 10021055.
        raise PayloadError(
            "freight_template.all_freight_calc_method", "no default fee rule for express (快递) shipping"
        )
    regional = sorted(
        (rule for rule in rules if rule.dest_province or rule.dest_city),
        key=lambda rule: (rule.dest_province, rule.dest_city),
    )
    methods = [{"is_default": True, **_calc_method(normal[0])}]
    methods += [
        {
            "is_default": False,
            "address_infos": [{"province_name": rule.dest_province, "city_name": rule.dest_city}],
            **_calc_method(rule),
        }
        for rule in regional
    ]
    return methods


def _kilograms(grams: int) -> int | float:
    """Grams as kilograms, an integer when whole (deterministic JSON: ``2`` rather than ``2.0``)."""
    return grams // 1000 if grams % 1000 == 0 else round(grams / 1000, 3)


def _free_conditions(snapshot: FreightTemplateSnapshot) -> list[JsonDict]:
    if snapshot.shipping_method != SHIPPING_CONDITION_FREE:
        return []
    if not snapshot.free_conditions:
        raise PayloadError(
            "freight_template.all_condition_free_detail", "conditional free shipping needs at least one condition"
        )
    conditions = []
    for index, (province, city, min_piece, min_weight_g, min_amount) in enumerate(snapshot.free_conditions):
        if min_piece is None and min_weight_g is None and min_amount is None:
            raise PayloadError(
                f"freight_template.all_condition_free_detail.condition_free_detail_list[{index}]",
                "a free-shipping condition needs a minimum number of items, weight or amount",
            )
        if province:
            address_infos = [{"province_name": province, "city_name": city}]
        else:
            address_infos = [{"province_name": name, "city_name": ""} for name in PROVINCES]
        condition: JsonDict = {"address_infos": address_infos}
        if min_piece is not None:
            condition["min_piece"] = min_piece
        if min_weight_g is not None:
            condition["min_weight"] = _kilograms(min_weight_g)
        if min_amount is not None:
            condition["min_amount"] = min_amount
        condition["valuation_flag"] = int(min_piece is not None or min_weight_g is not None)
        condition["amount_flag"] = int(min_amount is not None)
        conditions.append(condition)
    return conditions


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


# --- Reading answers -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemoteSku:
    sku_id: str
    out_sku_id: str
    stock_num: int
    sale_price: int
    market_price: int
    sku_attrs: tuple[tuple[str, str], ...]  # (attr_key, attr_value) in the remote's order


@dataclass(frozen=True)
class RemoteProduct:
    """A product as ``product/get`` returns it (§3.2), both layers of §3.1 side by side.

    ``status`` is the online status and ``edit_status`` the draft's (§3.1; plain ints, compare with
    :class:`ProductStatus`/:class:`EditStatus`, since the platform may add values). Each is read from its own
    copy and, when that copy is absent, from the other (both copies carry both fields, [WXJ] ``SpuInfo``);
    ``None`` when neither says. ``online_title``/``online_skus`` are ``None``/``()`` without an online copy
    (never listed, or data_type 2), ``draft_title``/``draft_skus`` likewise without a draft.

    ``reject_reason`` is the draft's ``audit_info.reject_reason``: the reference names no field for the audit's
    reason, so the name of the platform's audit_info object is assumed; ``""`` when absent.
    """

    product_id: str
    out_product_id: str
    status: int | None
    edit_status: int | None
    reject_reason: str
    online_title: str | None
    draft_title: str | None
    online_skus: tuple[RemoteSku, ...]
    draft_skus: tuple[RemoteSku, ...]

    @property
    def listed(self) -> bool:
        return self.status == ProductStatus.LISTED

    @property
    def under_audit(self) -> bool:
        return self.edit_status == EditStatus.UNDER_AUDIT

    @property
    def skus(self) -> tuple[RemoteSku, ...]:
        """The online SKUs (their stock is what sells), or the draft's before the first listing."""
        return self.online_skus or self.draft_skus

    def sku_ids_by_out_sku_id(self) -> dict[str, str]:
        """Remote sku_id by out_sku_id over both copies (the draft's win: it holds SKUs added since the listing),
        as ``product_update_payload(remote_sku_ids=…)`` takes them. SKUs without an out_sku_id are left out."""
        return {sku.out_sku_id: sku.sku_id for sku in (*self.online_skus, *self.draft_skus) if sku.out_sku_id}

    def stock_by_sku_id(self) -> dict[str, int]:
        """``stock_num`` by remote sku_id, from :attr:`skus`."""
        return {sku.sku_id: sku.stock_num for sku in self.skus}


def _remote_skus(copy: Mapping[str, Any], path: str) -> tuple[RemoteSku, ...]:
    skus = []
    for index, sku in enumerate(_items(copy, "skus", path)):
        sku_path = f"{path}.skus[{index}]"
        sku = _obj(sku, sku_path)
        attrs = []
        for attr_index, attr in enumerate(_items(sku, "sku_attrs", sku_path)):
            attr_path = f"{sku_path}.sku_attrs[{attr_index}]"
            attr = _obj(attr, attr_path)
            attrs.append((_text(attr, "attr_key", attr_path), _text(attr, "attr_value", attr_path)))
        skus.append(
            RemoteSku(
                sku_id=_text(sku, "sku_id", sku_path, required=True),
                out_sku_id=_text(sku, "out_sku_id", sku_path),
                stock_num=_number(sku, "stock_num", sku_path) or 0,
                sale_price=_number(sku, "sale_price", sku_path) or 0,
                market_price=_number(sku, "market_price", sku_path) or 0,
                sku_attrs=tuple(attrs),
            )
        )
    return tuple(skus)


def parse_product(get_response: Mapping[str, Any]) -> RemoteProduct:
    """Read a ``product/get`` answer (``ChannelsClient.product_get``): its ``product`` and ``edit_product``.

    At least one copy is required; ``product_id`` must be in one of them. See :class:`RemoteProduct`.
    """
    data = _obj(get_response, "answer")
    online = _obj(data["product"], "product") if data.get("product") is not None else None
    draft = _obj(data["edit_product"], "edit_product") if data.get("edit_product") is not None else None
    if online is None and draft is None:
        raise ResponseShapeError("product", "the answer has neither product nor edit_product")
    copies = [(copy, path) for copy, path in ((online, "product"), (draft, "edit_product")) if copy is not None]
    product_id = next((_text(copy, "product_id", path) for copy, path in copies if copy.get("product_id")), "")
    if not product_id:
        raise ResponseShapeError(f"{copies[0][1]}.product_id", "is missing")
    out_product_id = next((_text(c, "out_product_id", p) for c, p in copies if c.get("out_product_id")), "")

    def first_number(key: str, order: list[tuple[Mapping[str, Any], str]]) -> int | None:
        for copy, path in order:
            value = _number(copy, key, path)
            if value is not None:
                return value
        return None

    reject_reason = ""
    if draft is not None and draft.get("audit_info") is not None:
        audit_info = _obj(draft["audit_info"], "edit_product.audit_info")
        reject_reason = _text(audit_info, "reject_reason", "edit_product.audit_info")
    return RemoteProduct(
        product_id=product_id,
        out_product_id=out_product_id,
        status=first_number("status", copies),
        edit_status=first_number("edit_status", list(reversed(copies))),
        reject_reason=reject_reason,
        online_title=_text(online, "title", "product") if online is not None else None,
        draft_title=_text(draft, "title", "edit_product") if draft is not None else None,
        online_skus=_remote_skus(online, "product") if online is not None else (),
        draft_skus=_remote_skus(draft, "edit_product") if draft is not None else (),
    )


@dataclass(frozen=True)
class RemoteCategory:
    cat_id: str
    f_cat_id: str
    name: str
    leaf: bool | None  # None when the answer has only cat_list, which does not say


def parse_category_children(answer: Mapping[str, Any]) -> tuple[RemoteCategory, ...]:
    """Read a ``category/availablesoncategories/get`` answer (§3.2), in the remote's order.

    ``cat_list_v2`` (which has ``leaf``) is read when the answer has it, else ``cat_list``.
    """
    data = _obj(answer, "answer")
    key = "cat_list_v2" if data.get("cat_list_v2") is not None else "cat_list"
    categories = []
    for index, item in enumerate(_items(data, key, "answer")):
        path = f"{key}[{index}]"
        item = _obj(item, path)
        categories.append(
            RemoteCategory(
                cat_id=_text(item, "cat_id", path, required=True),
                f_cat_id=_text(item, "f_cat_id", path),
                name=_text(item, "name", path),
                leaf=_flag(item, "leaf", path) if key == "cat_list_v2" else None,
            )
        )
    return tuple(categories)


@dataclass(frozen=True)
class RemoteCategoryAttribute:
    """A product attribute (参数) of a category. ``type`` is the answer's ``type`` and ``type_v2`` its finer
    ``type_v2`` (``""`` when absent); ``values`` are the options of a select type (or units of a ``*_unit``
    type), empty for free text."""

    name: str
    type: str
    type_v2: str
    is_required: bool
    values: tuple[str, ...]


@dataclass(frozen=True)
class RemoteCategoryDetail:
    cat_id: str
    name: str
    attributes: tuple[RemoteCategoryAttribute, ...]


def _attribute_values(item: Mapping[str, Any], path: str) -> tuple[str, ...]:
    """``value`` of a product_attr_list entry: the options as one ``;``-separated text, or a list of them."""
    value = item.get("value")
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(";") if part.strip())
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return tuple(part for part in value if part)
    raise ResponseShapeError(f"{path}.value", "must be a text or a list of texts")


def parse_category_detail(answer: Mapping[str, Any]) -> RemoteCategoryDetail:
    """Read a ``category/detail`` answer (§3.2): ``info`` {cat_id, name} and ``attr.product_attr_list[]``
    {name, type, type_v2, value, is_required} in the remote's order. ``is_required`` comes as true/false or 0/1;
    ``value`` holds the options as one ``;``-separated text (or, tolerated, a list of texts)."""
    data = _obj(answer, "answer")
    info = _obj(data.get("info"), "info")
    attr = _obj(data["attr"], "attr") if data.get("attr") is not None else {}
    attributes = []
    for index, item in enumerate(_items(attr, "product_attr_list", "attr")):
        path = f"attr.product_attr_list[{index}]"
        item = _obj(item, path)
        attributes.append(
            RemoteCategoryAttribute(
                name=_text(item, "name", path, required=True),
                type=_text(item, "type", path),
                type_v2=_text(item, "type_v2", path),
                is_required=bool(_flag(item, "is_required", path)),
                values=_attribute_values(item, path),
            )
        )
    return RemoteCategoryDetail(
        cat_id=_text(info, "cat_id", "info", required=True),
        name=_text(info, "name", "info"),
        attributes=tuple(attributes),
    )


@dataclass(frozen=True)
class RemoteBrand:
    brand_id: str
    ch_name: str
    en_name: str


@dataclass(frozen=True)
class BrandPage:
    brands: tuple[RemoteBrand, ...]
    next_key: str
    has_more: bool  # continue_flag


def parse_brands(answer: Mapping[str, Any]) -> BrandPage:
    """Read a ``brand/all`` answer (§3.2): ``brands[]`` {brand_id, ch_name, en_name}, ``next_key`` and
    ``continue_flag`` (true/false or 0/1; absent means no more pages)."""
    data = _obj(answer, "answer")
    brands = []
    for index, item in enumerate(_items(data, "brands", "answer")):
        path = f"brands[{index}]"
        item = _obj(item, path)
        brands.append(
            RemoteBrand(
                brand_id=_text(item, "brand_id", path, required=True),
                ch_name=_text(item, "ch_name", path),
                en_name=_text(item, "en_name", path),
            )
        )
    return BrandPage(
        brands=tuple(brands),
        next_key=_text(data, "next_key", "answer"),
        has_more=bool(_flag(data, "continue_flag", "answer")),
    )


@dataclass(frozen=True)
class RemoteFreightTemplate:
    """A ``freight_template`` read back (§3.5), in the catalog's shapes where it has them.

    ``ship_from``, ``free_conditions`` and ``not_served_areas`` are shaped as in ``FreightTemplateSnapshot``;
    ``fee_rules`` are the calc methods as 快递 (10000028) fee rules: the default rule without a destination, one
    rule per address of the others (country 中国), sorted as ``freight_template_snapshot`` sorts them. A free
    condition naming every province (or none) is one for everywhere (province and city ``""``); one naming
    several regions is read as its first. ``min_weight`` comes back in grams; ``send_time`` in the catalog's
    spelling where it has the value (``SEND_TIMES_FROM_PLATFORM``), else as sent. ``is_default`` is read from
    true/false or 0/1 (§3.5 "Conflict").
    """

    template_id: str
    name: str
    valuation_type: str
    send_time: str
    delivery_type: str
    delivery_ids: tuple[str, ...]
    shipping_method: str
    is_default: bool
    ship_from: tuple[tuple[str, str], ...]
    fee_rules: tuple[FeeRuleSnapshot, ...]
    free_conditions: tuple[tuple[str, str, int | None, int | None, int | None], ...]
    not_served_areas: tuple[tuple[str, str, str], ...]
    create_time: int | None
    update_time: int | None


def _addresses(data: Mapping[str, Any], path: str, *keys: str) -> list[Mapping[str, Any]]:
    """The addresses under the first of ``keys`` the data has (``address_infos`` or ``address_info``)."""
    for key in keys:
        if data.get(key) is not None:
            return [_obj(address, f"{path}.{key}[{index}]") for index, address in enumerate(_items(data, key, path))]
    return []


def _grams(value: Any, path: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ResponseShapeError(path, "must be a number")
    return round(value * 1000)


def parse_freight_template(freight_template: Mapping[str, Any]) -> RemoteFreightTemplate:
    """Read a ``freight_template`` of ``merchant/getfreighttemplatedetail`` (§3.2, §3.5), for importing templates
    made on the platform. The body :func:`freight_template_payload` builds reads back to its snapshot's values."""
    path = "freight_template"
    data = _obj(freight_template, path)
    address = _obj(data.get("address_info") or {}, f"{path}.address_info")
    ship_from = tuple(
        (name, _text(address, key, f"{path}.address_info"))
        for name, key in (
            ("province", "province_name"),
            ("city", "city_name"),
            ("county", "county_name"),
            ("address", "detail_info"),
            ("contact", "user_name"),
            ("phone", "tel_number"),
            ("postal_code", "postal_code"),
        )
    )
    calc = _obj(data.get("all_freight_calc_method") or {}, f"{path}.all_freight_calc_method")
    rules = []
    for index, method in enumerate(_items(calc, "freight_calc_method_list", f"{path}.all_freight_calc_method")):
        method_path = f"{path}.all_freight_calc_method.freight_calc_method_list[{index}]"
        method = _obj(method, method_path)
        fees = {
            "start_standards": _number(method, "first_val_amount", method_path) or 0,
            "start_fees": _number(method, "first_price", method_path) or 0,
            "add_standards": _number(method, "second_val_amount", method_path) or 0,
            "add_fees": _number(method, "second_price", method_path) or 0,
        }
        addresses = _addresses(method, method_path, "address_infos", "address_info")
        if _flag(method, "is_default", method_path) or not addresses:
            rules.append(
                FeeRuleSnapshot(CHANNELS_EXPRESS_TYPE, dest_country="", dest_province="", dest_city="", **fees)
            )
            continue
        for address_index, address in enumerate(addresses):
            address_path = f"{method_path}.address_infos[{address_index}]"
            rules.append(
                FeeRuleSnapshot(
                    CHANNELS_EXPRESS_TYPE,
                    dest_country=DEFAULT_COUNTRY,
                    dest_province=_text(address, "province_name", address_path),
                    dest_city=_text(address, "city_name", address_path),
                    **fees,
                )
            )
    rules.sort(key=lambda rule: (rule.express_type, rule.dest_province, rule.dest_city))
    free = _obj(data.get("all_condition_free_detail") or {}, f"{path}.all_condition_free_detail")
    conditions = []
    for index, condition in enumerate(_items(free, "condition_free_detail_list", f"{path}.all_condition_free_detail")):
        condition_path = f"{path}.all_condition_free_detail.condition_free_detail_list[{index}]"
        condition = _obj(condition, condition_path)
        addresses = _addresses(condition, condition_path, "address_infos", "address_info")
        provinces = {_text(address, "province_name", condition_path) for address in addresses}
        everywhere = not addresses or (
            provinces >= set(PROVINCES) and not any(_text(a, "city_name", condition_path) for a in addresses)
        )
        where = {} if everywhere else addresses[0]
        conditions.append(
            (
                _text(where, "province_name", condition_path),
                _text(where, "city_name", condition_path),
                _number(condition, "min_piece", condition_path),
                _grams(condition.get("min_weight"), f"{condition_path}.min_weight"),
                _number(condition, "min_amount", condition_path),
            )
        )
    not_send = _obj(data.get("not_send_area") or {}, f"{path}.not_send_area")
    areas = tuple(
        (
            _text(area, "province_name", f"{path}.not_send_area"),
            _text(area, "city_name", f"{path}.not_send_area"),
            _text(area, "county_name", f"{path}.not_send_area"),
        )
        for area in _addresses(not_send, f"{path}.not_send_area", "address_info", "address_infos")
    )
    return RemoteFreightTemplate(
        template_id=_text(data, "template_id", path),
        name=_text(data, "name", path),
        valuation_type=_text(data, "valuation_type", path),
        send_time=SEND_TIMES_FROM_PLATFORM.get(_text(data, "send_time", path), _text(data, "send_time", path)),
        delivery_type=_text(data, "delivery_type", path),
        delivery_ids=tuple(str(item) for item in _items(data, "delivery_id", path)),
        shipping_method=_text(data, "shipping_method", path),
        is_default=bool(_flag(data, "is_default", path)),
        ship_from=ship_from,
        fee_rules=tuple(rules),
        free_conditions=tuple(conditions),
        not_served_areas=areas,
        create_time=_number(data, "create_time", path),
        update_time=_number(data, "update_time", path),
    )
