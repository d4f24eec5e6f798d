"""The Channels store's rules (reference §3.3–§3.8, seed 000): product bodies, freight templates and third-party
source declarations. Pure functions over JSON and the shop's current ids; each rule answers the platform's own
errcode (README, "Channels errcodes").

Shape errors without an errcode of their own (a missing field, a wrong JSON type, a value out of its enum) are
raised by the shared ``validation`` readers as 40097; the Channels platform turns them into 10020051 "参数有误"
(10020055 for stock/update and image upload), the code its docs give for bad parameters.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sandbox.channels.seed import NO_BRAND_ID, PROVINCES, SEND_TIMES, Category, CategoryTree
from sandbox.core.base import ApiError
from sandbox.core.validation import (
    check_int,
    invalid_args,
    join_path,
    read_dict,
    read_int,
    read_list,
    read_str,
)

# --- errcodes (reference §3.3–§3.8; the README lists where each is used) -----------------------------------------
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

# --- limits -------------------------------------------------------------------------------------------------------
IMAGE_PREFIX = "https://mmecimage.cn/p/"
TITLE_MIN, TITLE_MAX = 5, 60
SHORT_TITLE_MAX = 20
HEAD_IMGS_MAX = 9
DESC_IMGS_MAX = 50
DESC_MAX = 20000
QUALIFICATIONS_MAX = 5
AFTERSALE_DESC_MAX = 200
OUT_ID_MAX = 128
SKU_CODE_MAX = 20
SKUS_MAX = 500
# 1000万元 in fen: the cap both WxJava and the mini-shop doc name in yuan (reference §3.3, Uncertain).
PRICE_MAX = 1_000_000_000
STOCK_MAX = 10_000_000
SALE_ATTR_VALUES_MAX = 100
EXPRESS_COMPANIES_MAX = 10
CONDITION_RULES_MAX = 20
CALC_RULES_MAX = 50
DELIVER_ACCT_TYPES = (1, 2, 3, 4)

# §3.3 / mini-shop title rules: CJK, ASCII letters and digits, and this special-character set.
TITLE_SPECIALS = frozenset("·~～!@#$%^&()！@#¥%……&*（）-_——=+[]\\【】、{}|｜;'；’:\"：‘“”,./，。<>?《》？\u00a0 \u3000")
# Optional SPU fields kept as sent (after their checks).
SPU_FIELDS = (
    "title",
    "sub_title",
    "short_title",
    "head_imgs",
    "desc_info",
    "deliver_method",
    "deliver_acct_type",
    "cats",
    "cats_v2",
    "attrs",
    "spu_code",
    "brand_id",
    "qualifications",
    "product_qua_infos",
    "express_info",
    "aftersale_desc",
    "limited_info",
    "extra_service",
    "after_sale_info",
    "size_chart",
)
SKU_FIELDS = (
    "out_sku_id",
    "thumb_img",
    "sale_price",
    "market_price",
    "sku_code",
    "bar_code",
    "sku_attrs",
    "sku_deliver_info",
)
EXTRA_SERVICE_FLAGS = ("pay_after_use", "freight_insurance", "fake_one_pay_three", "damage_guarantee")

# Freight template enums: the platform sends strings; numbers are accepted too (README, "Freight templates").
VALUATION_TYPES = {"PIECE": "PIECE", "WEIGHT": "WEIGHT", 1: "PIECE", 2: "WEIGHT"}
DELIVERY_TYPES = {"EXPRESS": "EXPRESS", 1: "EXPRESS"}
SHIPPING_METHODS = {"FREE": "FREE", "CONDITION_FREE": "CONDITION_FREE", "NO_FREE": "NO_FREE"} | {
    1: "FREE",
    2: "CONDITION_FREE",
    3: "NO_FREE",
}
CALC_FIELDS = ("first_val_amount", "first_price", "second_val_amount", "second_price")


def fail(errcode: int, message: str) -> ApiError:
    return ApiError(errcode, message)


def text_length(value: str) -> int:
    """Characters as the platform counts them: one per character, whatever its script."""
    return len(value)


def require_image(url: Any, path: str, images: Collection[str]) -> str:
    """§3.3/§3.6: every image or video must be an ``mmecimage.cn/p/`` link that image upload gave this shop."""
    if not isinstance(url, str) or not url.startswith(IMAGE_PREFIX):
        raise fail(ERR_IMAGE_URL, f"{path} must be an {IMAGE_PREFIX} link from image upload (resp_type=1)")
    if url not in images:
        raise fail(ERR_IMAGE_URL, f"{path} {url} was not uploaded by this shop")
    return url


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" or "\uf900" <= char <= "\ufaff"


def check_title(body: Mapping[str, Any]) -> str:
    """§3.3: 5–60 effective characters (whitespace does not count), only CJK, letters, digits and the special set,
    and not only letters, digits and specials."""
    title = body.get("title")
    if title is None or (isinstance(title, str) and not title.strip()):
        raise fail(ERR_TITLE_EMPTY, "title is empty")
    if not isinstance(title, str):
        raise invalid_args("title must be a string")
    effective = sum(1 for char in title if not char.isspace())
    if effective < TITLE_MIN:
        raise fail(ERR_TITLE_TOO_SHORT, f"title is too short: {effective} effective characters, at least {TITLE_MIN}")
    if effective > TITLE_MAX:
        raise fail(ERR_TITLE_TOO_LONG, f"title is too long: {effective} effective characters, at most {TITLE_MAX}")
    for char in title:
        if not (_is_cjk(char) or (char.isascii() and char.isalnum()) or char in TITLE_SPECIALS):
            raise fail(ERR_TITLE_CHARS, f"title holds the character {char!r}, which is not allowed")
    if not any(_is_cjk(char) for char in title):
        raise fail(ERR_TITLE_CHARS, "title must not be only letters, digits and special characters")
    return title


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


def _number(value: Any, path: str, *, minimum: float = 0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < minimum:
        raise invalid_args(f"{path} must be a number >= {minimum:g}")
    return value


@dataclass
class SkuDraft:
    """One validated SKU of an add/update body. ``stock_num`` is None when the body left it out."""

    data: dict[str, Any]
    sku_id: str | None
    stock_num: int | None
    path: str


@dataclass
class ProductDraft:
    """A validated add/update body: the SPU fields to store, the SKUs (None when ``skus`` was left out), the leaf
    category and ``out_product_id`` (None when not given)."""

    data: dict[str, Any]
    skus: list[SkuDraft] | None
    category: Category
    out_product_id: str | None


class ProductRules:
    """Checks an add/update body (§3.3) against the category tree, the brand library, the shop's uploaded images
    and its freight templates ({template_id: stored template})."""

    def __init__(
        self,
        tree: CategoryTree,
        brand_ids: Collection[str],
        images: Collection[str],
        templates: Mapping[str, dict[str, Any]],
    ) -> None:
        self._tree = tree
        self._brand_ids = brand_ids
        self._images = images
        self._templates = templates

    def validate(self, body: dict[str, Any]) -> ProductDraft:
        out_product_id = self._out_product_id(body)
        check_title(body)
        short_title = read_str(body, "short_title", required=False)
        if text_length(short_title) > SHORT_TITLE_MAX:
            raise invalid_args(f"short_title must be at most {SHORT_TITLE_MAX} characters")
        read_str(body, "sub_title", required=False)
        read_str(body, "spu_code", required=False)
        category = self._category(body)
        self._head_imgs(body, category)
        self._desc_info(body)
        self._attrs(body, category)
        brand_id = self.brand(body.get("brand_id"))
        qualifications = read_list(body, "qualifications", required=False, allow_empty=True)
        if len(qualifications) > QUALIFICATIONS_MAX:
            raise fail(ERR_QUALIFICATIONS_TOO_MANY, f"qualifications holds at most {QUALIFICATIONS_MAX} items")
        if not all(isinstance(item, str) for item in qualifications):
            raise invalid_args("qualifications must be a list of strings")
        deliver_method = self.delivery(body, category)
        aftersale_desc = read_str(body, "aftersale_desc", required=False, allow_empty=True)
        if text_length(aftersale_desc) > AFTERSALE_DESC_MAX:
            raise fail(ERR_AFTERSALE_DESC, f"aftersale_desc must be at most {AFTERSALE_DESC_MAX} characters")
        self.extra_service(body)
        read_dict(body, "limited_info", required=False)
        read_dict(body, "after_sale_info", required=False)
        skus = self._skus(body, category)
        data = {key: copy.deepcopy(body[key]) for key in SPU_FIELDS if body.get(key) is not None}
        data["brand_id"] = brand_id
        data["deliver_method"] = deliver_method
        for key in ("cats", "cats_v2"):
            if key in data:
                data[key] = [{**item, "cat_id": as_id(item["cat_id"], key)} for item in data[key]]
        return ProductDraft(data=data, skus=skus, category=category, out_product_id=out_product_id)

    @staticmethod
    def _out_product_id(body: dict[str, Any]) -> str | None:
        if body.get("out_product_id") is None:
            return None
        out_product_id = read_str(body, "out_product_id", allow_empty=True)
        if len(out_product_id) > OUT_ID_MAX:
            raise fail(ERR_OUT_PRODUCT_ID_TOO_LONG, f"out_product_id must be at most {OUT_ID_MAX} characters")
        return out_product_id

    # --- category and attributes ----------------------------------------------------------------------------------

    def _category(self, body: dict[str, Any]) -> Category:
        """``cats_v2`` (the new tree) wins over ``cats`` (the old one, exactly three levels); either is the path from
        a first-level category down to a leaf."""
        cats_v2 = read_list(body, "cats_v2", required=False, allow_empty=True)
        cats = read_list(body, "cats", required=False, allow_empty=True)
        if cats and len(cats) != 3:
            raise fail(ERR_CATS_LENGTH, f"cats must hold exactly 3 levels, not {len(cats)}")
        leaf = self._path(cats, "cats") if cats else None
        if cats_v2:
            leaf = self._path(cats_v2, "cats_v2")
        if leaf is None:
            raise fail(ERR_ILLEGAL_CATEGORY, "cats_v2 (or cats) is required")
        return leaf

    def _path(self, items: list[Any], path: str) -> Category:
        parent_id = "0"
        category: Category | None = None
        for index, item in enumerate(items):
            item_path = join_path(path, index)
            if not isinstance(item, dict):
                raise invalid_args(f"{item_path} must be an object")
            cat_id = as_id(item.get("cat_id"), f"{item_path}.cat_id")
            category = self._tree.get(cat_id)
            if category is None:
                raise fail(ERR_ILLEGAL_CATEGORY, f"{item_path}.cat_id {cat_id} is not a known category")
            if category.f_cat_id != parent_id:
                raise fail(ERR_ILLEGAL_CATEGORY, f"{item_path}.cat_id {cat_id} is not a child of category {parent_id}")
            parent_id = cat_id
        assert category is not None  # items is not empty
        if not category.is_leaf:
            raise fail(ERR_ILLEGAL_CATEGORY, f"{path} must end with a leaf category; {category.cat_id} is not one")
        return category

    def _attrs(self, body: dict[str, Any], category: Category) -> None:
        seen: set[str] = set()
        for index, item in enumerate(read_list(body, "attrs", required=False, allow_empty=True)):
            path = join_path("attrs", index)
            if not isinstance(item, dict):
                raise invalid_args(f"{path} must be an object")
            key = read_str(item, "attr_key", prefix=path)
            value = read_str(item, "attr_value", prefix=path, allow_empty=True)
            if key in seen:
                raise fail(ERR_ATTR_DUPLICATE, f"{path}.attr_key {key} is given twice")
            seen.add(key)
            attr = category.product_attr(key)
            if attr is None:
                raise fail(ERR_ATTR_VALUE, f"{path}.attr_key {key} is not an attribute of category {category.cat_id}")
            problem = attr_value_problem(attr.type_v2, attr.options, attr.append_allowed, value)
            if problem:
                raise fail(ERR_ATTR_VALUE, f"{path}.attr_value {value!r} of {key} {problem}")
        for attr in category.product_attrs:
            if attr.is_required and attr.name not in seen:
                raise fail(ERR_ATTR_MISSING, f"attrs misses {attr.name}, required by category {category.cat_id}")

    # --- images and description -----------------------------------------------------------------------------------

    def _head_imgs(self, body: dict[str, Any], category: Category) -> None:
        head_imgs = body.get("head_imgs")
        if head_imgs is None or head_imgs == []:
            raise fail(ERR_HEAD_IMGS_NONE, "head_imgs is empty")
        if not isinstance(head_imgs, list):
            raise invalid_args("head_imgs must be an array")
        if len(head_imgs) > HEAD_IMGS_MAX:
            raise fail(ERR_HEAD_IMGS_TOO_MANY, f"head_imgs holds {len(head_imgs)} images, at most {HEAD_IMGS_MAX}")
        for index, url in enumerate(head_imgs):
            require_image(url, join_path("head_imgs", index), self._images)
            if url in head_imgs[:index]:
                raise fail(ERR_HEAD_IMGS_TOO_MANY, f"head_imgs[{index}] repeats head_imgs[{head_imgs.index(url)}]")
        if len(head_imgs) < category.min_head_imgs:
            raise fail(
                ERR_HEAD_IMGS_NONE,
                f"head_imgs holds {len(head_imgs)} images; category {category.cat_id} needs at least "
                f"{category.min_head_imgs}",
            )

    def _desc_info(self, body: dict[str, Any]) -> None:
        desc_info = read_dict(body, "desc_info", required=False)
        imgs = read_list(desc_info, "imgs", prefix="desc_info", required=False, allow_empty=True)
        if len(imgs) > DESC_IMGS_MAX:
            raise fail(ERR_DESC_IMGS_TOO_MANY, f"desc_info.imgs holds {len(imgs)} images, at most {DESC_IMGS_MAX}")
        for index, url in enumerate(imgs):
            require_image(url, f"desc_info.imgs[{index}]", self._images)
        desc = read_str(desc_info, "desc", prefix="desc_info", required=False, allow_empty=True)
        if text_length(desc) > DESC_MAX:
            raise fail(ERR_DESC_TOO_LONG, f"desc_info.desc must be at most {DESC_MAX} characters")

    # --- brand, delivery, services (shared with auditfree) ----------------------------------------------------------

    def brand(self, value: Any) -> str:
        if value is None:
            return NO_BRAND_ID
        brand_id = as_id(value, "brand_id")
        if brand_id != NO_BRAND_ID and brand_id not in self._brand_ids:
            raise fail(ERR_BRAND, f"brand_id {brand_id} is not in the brand library (use {NO_BRAND_ID} for no brand)")
        return brand_id

    def delivery(self, body: dict[str, Any], category: Category | None) -> int:
        """``deliver_method`` 0 (express, default) needs ``express_info.template_id`` of an existing template, and
        ``weight`` when the template charges by weight; 1 and 3 ship nothing and need a category that allows it;
        3 also needs ``deliver_acct_type``."""
        deliver_method = read_int(body, "deliver_method", default=0, choices=(0, 1, 3))
        if deliver_method in (1, 3) and category is not None and not category.shop_no_shipment:
            raise fail(
                ERR_NO_SHIPMENT_NOT_ALLOWED,
                f"category {category.cat_id} does not allow deliver_method {deliver_method} (no shipping)",
            )
        if deliver_method == 3:
            types = read_list(body, "deliver_acct_type")
            for index, value in enumerate(types):
                check_int(value, f"deliver_acct_type[{index}]", choices=DELIVER_ACCT_TYPES)
            if len(set(types)) != len(types):
                raise invalid_args("deliver_acct_type repeats a value")
        express_info = read_dict(body, "express_info", required=False)
        if deliver_method == 0 or express_info.get("template_id") is not None:
            template_id = express_info.get("template_id")
            if template_id is None:
                raise fail(
                    ERR_FREIGHT_TEMPLATE, "express_info.template_id is required when deliver_method is 0 (express)"
                )
            if str(template_id) not in self._templates:
                raise fail(
                    ERR_FREIGHT_TEMPLATE,
                    f"express_info.template_id {template_id} is not a freight template of this shop",
                )
            weight = express_info.get("weight")
            if weight is not None:
                _number(weight, "express_info.weight")
            if self._templates[str(template_id)]["valuation_type"] == "WEIGHT" and not weight:
                raise fail(
                    ERR_WEIGHT_REQUIRED,
                    f"express_info.weight is required: freight template {template_id} charges by weight",
                )
        return deliver_method

    @staticmethod
    def extra_service(body: dict[str, Any]) -> None:
        service = read_dict(body, "extra_service", required=False)
        if service.get("seven_day_return") is not None:
            read_int(service, "seven_day_return", prefix="extra_service", choices=(0, 1, 2))
        for flag in EXTRA_SERVICE_FLAGS:
            if service.get(flag) is not None:
                read_int(service, flag, prefix="extra_service", choices=(0, 1))

    # --- SKUs -------------------------------------------------------------------------------------------------------

    def _skus(self, body: dict[str, Any], category: Category) -> list[SkuDraft] | None:
        if body.get("skus") is None:
            return None
        skus = read_list(body, "skus", allow_empty=True)
        if not 1 <= len(skus) <= SKUS_MAX:
            raise fail(ERR_SKU_COUNT, f"skus holds {len(skus)} SKUs; it must hold 1 to {SKUS_MAX}")
        drafts = [self._sku(sku, join_path("skus", index), category) for index, sku in enumerate(skus)]
        sku_ids: set[str] = set()
        out_sku_ids: dict[str, str] = {}
        combinations: dict[frozenset[tuple[str, str]], str] = {}
        values: dict[str, set[str]] = {}
        for draft in drafts:
            if draft.sku_id is not None:
                if draft.sku_id in sku_ids:
                    raise fail(ERR_SKU_ID, f"{draft.path}.sku_id {draft.sku_id} is given twice")
                sku_ids.add(draft.sku_id)
            out_sku_id = draft.data.get("out_sku_id")
            if out_sku_id:
                if out_sku_id in out_sku_ids:
                    raise fail(
                        ERR_OUT_SKU_ID_EXISTS,
                        f"{draft.path}.out_sku_id {out_sku_id} is used by {out_sku_ids[out_sku_id]}",
                    )
                out_sku_ids[out_sku_id] = draft.path
            pairs = frozenset((attr["attr_key"], attr["attr_value"]) for attr in draft.data.get("sku_attrs", []))
            if pairs in combinations:
                raise invalid_args(f"{draft.path}.sku_attrs repeat the sku_attrs of {combinations[pairs]}")
            combinations[pairs] = draft.path
            for key, value in pairs:
                values.setdefault(key, set()).add(value)
                if len(values[key]) > SALE_ATTR_VALUES_MAX:
                    raise fail(ERR_SALE_ATTR_VALUES, f"sku_attrs key {key} has more than {SALE_ATTR_VALUES_MAX} values")
        return drafts

    def _sku(self, sku: Any, path: str, category: Category) -> SkuDraft:
        if not isinstance(sku, dict):
            raise invalid_args(f"{path} must be an object")
        sku_id = as_id(sku["sku_id"], f"{path}.sku_id") if sku.get("sku_id") not in (None, "", 0, "0") else None
        out_sku_id = read_str(sku, "out_sku_id", prefix=path, required=False, allow_empty=True)
        if len(out_sku_id) > OUT_ID_MAX:
            raise fail(ERR_OUT_SKU_ID_TOO_LONG, f"{path}.out_sku_id must be at most {OUT_ID_MAX} characters")
        if sku.get("thumb_img"):
            require_image(sku["thumb_img"], f"{path}.thumb_img", self._images)
        sale_price = check_sale_price(sku, path)
        check_market_price(sku, path, sale_price)
        stock_num = check_stock_num(sku, path) if sku.get("stock_num") is not None else None
        check_sku_code(sku, path)
        read_str(sku, "bar_code", prefix=path, required=False, allow_empty=True)
        seen: set[str] = set()
        for index, attr in enumerate(read_list(sku, "sku_attrs", prefix=path, required=False, allow_empty=True)):
            attr_path = f"{path}.sku_attrs[{index}]"
            if not isinstance(attr, dict):
                raise invalid_args(f"{attr_path} must be an object")
            key = read_str(attr, "attr_key", prefix=attr_path)
            read_str(attr, "attr_value", prefix=attr_path)
            if key not in category.sale_attrs:
                raise fail(
                    ERR_SALE_ATTR, f"{attr_path}.attr_key {key} is not a sales attribute of category {category.cat_id}"
                )
            if key in seen:
                raise invalid_args(f"{attr_path}.attr_key {key} is given twice")
            seen.add(key)
        deliver_info = read_dict(sku, "sku_deliver_info", prefix=path, required=False)
        if deliver_info.get("stock_type") is not None:
            read_int(deliver_info, "stock_type", prefix=f"{path}.sku_deliver_info", choices=(0, 1))
        data = {key: copy.deepcopy(sku[key]) for key in SKU_FIELDS if sku.get(key) is not None}
        return SkuDraft(data=data, sku_id=sku_id, stock_num=stock_num, path=path)


def check_sale_price(sku: dict[str, Any], path: str) -> int:
    sale_price = read_int(sku, "sale_price", prefix=path)
    if sale_price <= 0:
        raise fail(ERR_PRICE_ZERO, f"{path}.sale_price must be > 0")
    if sale_price > PRICE_MAX:
        raise fail(ERR_PRICE_TOO_HIGH, f"{path}.sale_price must be at most {PRICE_MAX} fen")
    return sale_price


def check_market_price(sku: dict[str, Any], path: str, sale_price: int) -> None:
    """``market_price`` is optional (0 = not set); when set it must not be below ``sale_price``."""
    market_price = read_int(sku, "market_price", prefix=path, default=0, minimum=0)
    if market_price > PRICE_MAX:
        raise fail(ERR_PRICE_TOO_HIGH, f"{path}.market_price must be at most {PRICE_MAX} fen")
    if market_price and market_price < sale_price:
        raise fail(ERR_PRICE_ABOVE_MARKET, f"{path}.sale_price {sale_price} is above market_price {market_price}")


def check_stock_num(sku: dict[str, Any], path: str) -> int:
    stock_num = read_int(sku, "stock_num", prefix=path, minimum=0)
    if stock_num > STOCK_MAX:
        raise invalid_args(f"{path}.stock_num must be at most {STOCK_MAX}")
    return stock_num


def check_sku_code(sku: dict[str, Any], path: str) -> None:
    if len(read_str(sku, "sku_code", prefix=path, required=False, allow_empty=True)) > SKU_CODE_MAX:
        raise fail(ERR_SKU_CODE_TOO_LONG, f"{path}.sku_code must be at most {SKU_CODE_MAX} characters")


_INTEGER = re.compile(r"\d+")
_DECIMAL4 = re.compile(r"\d+(?:\.\d{1,4})?")


def attr_value_problem(type_v2: str, options: tuple[str, ...], append_allowed: bool, value: str) -> str | None:
    """Why ``value`` does not suit an attribute of that type, or None when it does."""
    value = value.strip()
    if not value:
        return "must not be empty"
    if type_v2 == "select_one":
        if value not in options and not append_allowed:
            return f"must be one of {', '.join(options)}"
    elif type_v2 == "select_many":
        chosen = [part.strip() for part in value.split(";")]
        if len(set(chosen)) != len(chosen) or not all(chosen):
            return "must list distinct options separated by ';'"
        unknown = [part for part in chosen if part not in options]
        if unknown and not append_allowed:
            return f"holds {unknown[0]}; options are {', '.join(options)}"
    elif type_v2 in ("integer", "decimal4"):
        if not (_INTEGER if type_v2 == "integer" else _DECIMAL4).fullmatch(value):
            return "must be an integer" if type_v2 == "integer" else "must be a number with at most 4 decimals"
    elif type_v2 in ("integer_unit", "decimal4_unit"):
        number = _INTEGER if type_v2 == "integer_unit" else _DECIMAL4
        match = re.fullmatch(rf"({number.pattern})\s*(.+)", value)
        if match is None or match.group(2).strip() not in options:
            return f"must be a number followed by one of the units {', '.join(options)}"
    return None


# --- freight templates (§3.5) ---------------------------------------------------------------------------------------


def _enum(data: dict[str, Any], key: str, values: dict[Any, str], *, prefix: str, default: str | None = None) -> str:
    path = join_path(prefix, key)
    value = data.get(key)
    if value is None:
        if default is None:
            raise invalid_args(f"{path} is required")
        return default
    if isinstance(value, bool) or not isinstance(value, str | int) or value not in values:
        names = ", ".join(name for name in values if isinstance(name, str))
        raise invalid_args(f"{path} must be one of {names}")
    return values[value]


def _flag(data: dict[str, Any], key: str, path: str) -> bool:
    """A boolean the platform shows both as true/false and as 0/1 (§3.5 Conflict)."""
    value = data.get(key, False)
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise invalid_args(f"{path} must be a boolean (or 0/1)")


def _address(value: Any, path: str, *, required: bool) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise invalid_args(f"{path} must be an object")
    province = value.get("province_name")
    if province is None or province == "":
        if required:
            raise fail(ERR_NO_SHIP_FROM, f"{path}.province_name is required (the ship-from address)")
        raise invalid_args(f"{path}.province_name is required")
    if province not in PROVINCES:
        raise fail(ERR_BAD_AREA, f"{path}.province_name {province!r} is not a province")
    for key in ("city_name", "county_name", "detail_info"):
        read_str(value, key, prefix=path, required=False, allow_empty=True)
    return value


def _addresses(data: dict[str, Any], key: str, path: str) -> list[dict[str, Any]]:
    items = read_list(data, key, prefix=path, required=False, allow_empty=True)
    return [_address(item, f"{join_path(path, key)}[{index}]", required=False) for index, item in enumerate(items)]


def validate_freight_template(body: dict[str, Any]) -> dict[str, Any]:
    """§3.5 ``freight_template``. Returns the stored copy: enums as strings, ``is_default`` as booleans."""
    template = copy.deepcopy(read_dict(body, "freight_template"))
    prefix = "freight_template"
    read_str(template, "name", prefix=prefix)
    template["valuation_type"] = _enum(template, "valuation_type", VALUATION_TYPES, prefix=prefix)
    send_time = template.get("send_time")
    if send_time not in SEND_TIMES:
        raise fail(ERR_SEND_TIME, f"{prefix}.send_time {send_time!r} is not a known send_time")
    if template.get("address_info") is None:
        raise fail(ERR_NO_SHIP_FROM, f"{prefix}.address_info (the ship-from address) is required")
    _address(template["address_info"], f"{prefix}.address_info", required=True)
    template["delivery_type"] = _enum(template, "delivery_type", DELIVERY_TYPES, prefix=prefix, default="EXPRESS")
    delivery_ids = read_list(template, "delivery_id", prefix=prefix, required=False, allow_empty=True)
    if not all(isinstance(item, str) and item for item in delivery_ids):
        raise invalid_args(f"{prefix}.delivery_id must be a list of express company ids")
    if len(delivery_ids) > EXPRESS_COMPANIES_MAX:
        raise fail(ERR_TOO_MANY_EXPRESS, f"{prefix}.delivery_id names more than {EXPRESS_COMPANIES_MAX} companies")
    template["delivery_id"] = delivery_ids
    method = template["shipping_method"] = _enum(template, "shipping_method", SHIPPING_METHODS, prefix=prefix)
    template["all_condition_free_detail"] = _condition_free(template, prefix, required=method == "CONDITION_FREE")
    template["all_freight_calc_method"] = _calc_methods(template, prefix, required=method != "FREE")
    area = read_dict(template, "not_send_area", prefix=prefix, required=False)
    area_path = f"{prefix}.not_send_area"
    excluded = _addresses(area, "address_info", area_path)
    provinces = {item["province_name"] for item in excluded if not item.get("city_name")}
    if provinces >= set(PROVINCES):
        raise fail(ERR_NATIONWIDE_NO_SHIP, f"{area_path} may not exclude the whole country")
    template["not_send_area"] = {"address_info": excluded}
    template["is_default"] = _flag(template, "is_default", f"{prefix}.is_default")
    return template


def _condition_free(template: dict[str, Any], prefix: str, *, required: bool) -> dict[str, Any]:
    detail = read_dict(template, "all_condition_free_detail", prefix=prefix, required=False)
    path = f"{prefix}.all_condition_free_detail"
    rules = read_list(detail, "condition_free_detail_list", prefix=path, required=required, allow_empty=not required)
    if len(rules) > CONDITION_RULES_MAX:
        raise fail(ERR_TOO_MANY_CONDITIONS, f"{path} holds more than {CONDITION_RULES_MAX} rules")
    for index, rule in enumerate(rules):
        rule_path = f"{path}.condition_free_detail_list[{index}]"
        if not isinstance(rule, dict):
            raise invalid_args(f"{rule_path} must be an object")
        if not _addresses(rule, "address_infos", rule_path):
            raise invalid_args(f"{rule_path}.address_infos must not be empty")
        limits = [rule.get(key) for key in ("min_piece", "min_weight", "min_amount")]
        for key, value in zip(("min_piece", "min_weight", "min_amount"), limits, strict=True):
            if value is not None:
                _number(value, f"{rule_path}.{key}")
        if not any(limits):
            raise invalid_args(f"{rule_path} needs min_piece, min_weight or min_amount")
    return {"condition_free_detail_list": rules}


def _calc_methods(template: dict[str, Any], prefix: str, *, required: bool) -> dict[str, Any]:
    """Pricing rules: exactly one default rule (no address), the others each for their addresses."""
    methods = read_dict(template, "all_freight_calc_method", prefix=prefix, required=False)
    path = f"{prefix}.all_freight_calc_method"
    rules = read_list(methods, "freight_calc_method_list", prefix=path, required=False, allow_empty=True)
    if len(rules) > CALC_RULES_MAX:
        raise fail(ERR_TOO_MANY_CALC_RULES, f"{path} holds more than {CALC_RULES_MAX} rules")
    defaults = 0
    for index, rule in enumerate(rules):
        rule_path = f"{path}.freight_calc_method_list[{index}]"
        if not isinstance(rule, dict):
            raise invalid_args(f"{rule_path} must be an object")
        rule["is_default"] = _flag(rule, "is_default", f"{rule_path}.is_default")
        for key in CALC_FIELDS:
            read_int(rule, key, prefix=rule_path, minimum=0)
        read_str(rule, "delivery_id", prefix=rule_path, required=False, allow_empty=True)
        addresses = _addresses(rule, "address_infos", rule_path)
        if rule["is_default"]:
            defaults += 1
            if addresses:
                raise fail(ERR_DEFAULT_RULE_ADDRESS, f"{rule_path} is the default rule and may not name addresses")
        elif not addresses:
            raise invalid_args(f"{rule_path}.address_infos must not be empty (only the default rule has none)")
    if required and defaults == 0:
        raise fail(ERR_DEFAULT_RULE_MISSING, f"{path} needs a default rule (is_default true)")
    if defaults > 1:
        raise invalid_args(f"{path} holds {defaults} default rules; only one is allowed")
    return {"freight_calc_method_list": rules}


# --- addproductthirdpartysource (§3.7, seed 000) --------------------------------------------------------------------

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
            _number(performance[key], f"supplier_shop_performance.{key}")
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
