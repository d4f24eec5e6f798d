"""The Channels store's product rules (reference §3.3, §3.6): an add/update body checked against the category tree,
the brand library, the shop's uploaded images and its freight templates. Pure functions over JSON and the shop's
current ids; each rule answers the platform's own errcode (``codes``, README "Channels errcodes")."""

from __future__ import annotations

import copy
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sandbox.channels.codes import (
    ERR_AFTERSALE_DESC,
    ERR_ATTR_DUPLICATE,
    ERR_ATTR_MISSING,
    ERR_ATTR_VALUE,
    ERR_BRAND,
    ERR_CATS_LENGTH,
    ERR_DESC_IMGS_TOO_MANY,
    ERR_DESC_TOO_LONG,
    ERR_FREIGHT_TEMPLATE,
    ERR_HEAD_IMGS_NONE,
    ERR_HEAD_IMGS_TOO_MANY,
    ERR_ILLEGAL_CATEGORY,
    ERR_IMAGE_URL,
    ERR_NO_SHIPMENT_NOT_ALLOWED,
    ERR_OUT_PRODUCT_ID_TOO_LONG,
    ERR_OUT_SKU_ID_EXISTS,
    ERR_OUT_SKU_ID_TOO_LONG,
    ERR_PRICE_ABOVE_MARKET,
    ERR_PRICE_TOO_HIGH,
    ERR_PRICE_ZERO,
    ERR_QUALIFICATIONS_TOO_MANY,
    ERR_SALE_ATTR,
    ERR_SALE_ATTR_VALUES,
    ERR_SKU_CODE_TOO_LONG,
    ERR_SKU_COUNT,
    ERR_SKU_ID,
    ERR_TITLE_CHARS,
    ERR_TITLE_EMPTY,
    ERR_TITLE_TOO_LONG,
    ERR_TITLE_TOO_SHORT,
    ERR_WEIGHT_REQUIRED,
    as_id,
    fail,
)
from sandbox.channels.seed import NO_BRAND_ID, Category, CategoryTree
from sandbox.core.validation import (
    check_int,
    check_number,
    invalid_args,
    join_path,
    read_dict,
    read_int,
    read_list,
    read_str,
)

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
                check_number(weight, "express_info.weight")
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
