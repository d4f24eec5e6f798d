"""The mini-shop's rules (reference §4, seed 001): spu and SKU bodies. Pure functions over JSON, the category tree
and the shop's template ids; every rule answers 9401020 "参数有误" (a SKU price above the limit 9401043) with an
errmsg that names the field and the rule (README, "Mini-shop (小商店)"). The shared ``validation`` readers raise
40097; the mini-shop platform turns those into 9401020 as well.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sandbox.core.base import ApiError
from sandbox.core.validation import check_int, join_path, read_dict, read_list, read_str
from sandbox.minishop.seed import NO_BRAND_ID, CategoryTree

# --- errcodes (reference §4, seed 001) ----------------------------------------------------------------------------
ERR_TOKEN_TOO_LONG = -2
ERR_SPU_EXISTS = 9401001
ERR_SPU_MISSING = 9401002
ERR_PARAM = 9401020
ERR_NO_PERMISSION = 9401021
ERR_NOT_EDITABLE = 9401023
# Community threads (reference §4 "Errors"): a SKU price above the limit.
ERR_PRICE_TOO_HIGH = 9401043
ERR_PRODUCT_ID_MISSING = 100002
ERR_SKU_MISSING = 100004
# Not documented for the mini-shop: the common WeChat quota codes (reference §1.3) answer the add+update quota.
ERR_DAILY_QUOTA = 45009
ERR_MINUTE_QUOTA = 45011

# --- limits (reference §4 SKU row) ------------------------------------------------------------------------------------
PRICE_MAX = 1_000_000_000
OUT_SKU_ID_MAX = 32
SKU_CODE_MAX = 20
OUT_PRODUCT_ID_MAX = 128
STOCK_MAX = 10_000_000
HEAD_IMG_MAX = 9
# A WeChat access token is 512 characters at most (reference §1.1: "keep at least 512 characters").
TOKEN_MAX_LENGTH = 512
SKU_FIELDS = ("out_sku_id", "thumb_img", "sale_price", "market_price", "stock_num", "barcode", "sku_code", "sku_attrs")


def fail(errcode: int, message: str) -> ApiError:
    return ApiError(errcode, message)


def param(message: str) -> ApiError:
    return ApiError(ERR_PARAM, f"invalid param: {message}")


def read_number_id(data: Mapping[str, Any], key: str, *, prefix: str = "") -> int:
    """A numeric id (``product_id``, ``sku_id``, ``cat_id``, ``template_id``, ``f_cat_id``): a JSON number, as seed
    001 types them (``cats[].cat_id``, ``express_info.template_id`` and ``data.product_id`` are "number"); a digit
    string is refused like any other non-number."""
    path = join_path(prefix, key)
    value = data.get(key)
    if value is None:
        raise param(f"{path} is required")
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise param(f"{path} must be a positive number")
    return value


def _url(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        raise param(f"{path} must be an http(s) image URL")
    return value


def _urls(data: Mapping[str, Any], key: str, *, prefix: str = "", allow_empty: bool) -> list[str]:
    path = join_path(prefix, key)
    return [
        _url(url, f"{path}[{index}]")
        for index, url in enumerate(read_list(data, key, prefix=prefix, allow_empty=allow_empty))
    ]


def _attrs(data: Mapping[str, Any], key: str, *, prefix: str = "", required: bool) -> list[dict[str, str]]:
    attrs = []
    path = join_path(prefix, key)
    for index, item in enumerate(read_list(data, key, prefix=prefix, required=required, allow_empty=True)):
        item_path = f"{path}[{index}]"
        if not isinstance(item, dict):
            raise param(f"{item_path} must be an object")
        attrs.append(
            {
                "attr_key": read_str(item, "attr_key", prefix=item_path),
                "attr_value": read_str(item, "attr_value", prefix=item_path),
            }
        )
    return attrs


def _price(data: Mapping[str, Any], key: str, path: str, *, minimum: int) -> int:
    value = check_int(data.get(key), join_path(path, key), minimum=minimum) if data.get(key) is not None else None
    if value is None:
        raise param(f"{join_path(path, key)} is required")
    if value > PRICE_MAX:
        raise fail(ERR_PRICE_TOO_HIGH, f"{join_path(path, key)} {value} is above {PRICE_MAX} fen")
    return value


def validate_sku(data: Any, path: str, *, out_product_id: str | None) -> dict[str, Any]:
    """One SKU of ``skus[]`` (seed 001) or of sku/add: the stored fields, in the reference's order."""
    if not isinstance(data, dict):
        raise param(f"{path} must be an object")
    given_out_product_id = read_str(data, "out_product_id", prefix=path, required=out_product_id is not None)
    if out_product_id is not None and given_out_product_id != out_product_id:
        raise param(f"{path}.out_product_id {given_out_product_id!r} is not the SPU's {out_product_id!r}")
    out_sku_id = read_str(data, "out_sku_id", prefix=path)
    if len(out_sku_id) > OUT_SKU_ID_MAX:
        raise param(f"{path}.out_sku_id is longer than {OUT_SKU_ID_MAX} characters")
    sku_code = read_str(data, "sku_code", prefix=path, required=False, allow_empty=True)
    if len(sku_code) > SKU_CODE_MAX:
        raise param(f"{path}.sku_code is longer than {SKU_CODE_MAX} characters")
    sale_price = _price(data, "sale_price", path, minimum=1)
    market_price = _price(data, "market_price", path, minimum=0)
    stock_num = check_int(data.get("stock_num"), f"{path}.stock_num", minimum=0) if "stock_num" in data else None
    if stock_num is None:
        raise param(f"{path}.stock_num is required")
    if stock_num > STOCK_MAX:
        raise param(f"{path}.stock_num {stock_num} is above {STOCK_MAX}")
    sku_attrs = _attrs(data, "sku_attrs", prefix=path, required=True)
    return {
        "out_sku_id": out_sku_id,
        "thumb_img": _url(data.get("thumb_img"), f"{path}.thumb_img"),
        "sale_price": sale_price,
        "market_price": market_price,
        "stock_num": stock_num,
        "barcode": read_str(data, "barcode", prefix=path, required=False, allow_empty=True),
        "sku_code": sku_code,
        "sku_attrs": sku_attrs,
    }


@dataclass(frozen=True)
class SpuRules:
    """The checks of an add/update body against the shop's category tree and freight templates."""

    tree: CategoryTree
    template_ids: Collection[int]

    def validate(self, body: Mapping[str, Any], *, out_product_id: str) -> dict[str, Any]:
        """The SPU fields to store (without ``skus``), or 9401020 naming the first field that breaks a rule."""
        title = read_str(body, "title")
        head_img = _urls(body, "head_img", allow_empty=False)
        if len(head_img) > HEAD_IMG_MAX:
            raise param(f"head_img holds at most {HEAD_IMG_MAX} images, not {len(head_img)}")
        desc_info = read_dict(body, "desc_info")
        brand_id = body.get("brand_id")
        if brand_id is None:
            raise param("brand_id is required (2100000000 for no brand)")
        if isinstance(brand_id, bool) or not isinstance(brand_id, int):
            raise param("brand_id must be a number")
        if brand_id != NO_BRAND_ID:
            raise param(f"brand_id {brand_id} is not a brand of this shop (2100000000 for no brand)")
        express_info = read_dict(body, "express_info")
        template_id = read_number_id(express_info, "template_id", prefix="express_info")
        if template_id not in self.template_ids:
            raise param(f"express_info.template_id {template_id} is not a freight template of this shop")
        return {
            "out_product_id": out_product_id,
            "title": title,
            "sub_title": read_str(body, "sub_title", required=False, allow_empty=True),
            "head_img": head_img,
            "desc_info": {"imgs": _urls(desc_info, "imgs", prefix="desc_info", allow_empty=True)},
            "brand_id": brand_id,
            "cats": self.cats(body),
            "attrs": _attrs(body, "attrs", required=True),
            "model": read_str(body, "model", required=False, allow_empty=True),
            "express_info": {"template_id": template_id},
        }

    def cats(self, body: Mapping[str, Any]) -> list[dict[str, int]]:
        """``cats[]``: levels 1, 2 and 3 in order, each the parent of the next, the last a leaf."""
        cats = read_list(body, "cats")
        if len(cats) != 3:
            raise param(f"cats must hold levels 1 to 3 ({len(cats)} given)")
        parent = 0
        checked = []
        for index, item in enumerate(cats):
            path = f"cats[{index}]"
            if not isinstance(item, dict):
                raise param(f"{path} must be an object")
            cat_id = read_number_id(item, "cat_id", prefix=path)
            level = check_int(item.get("level"), f"{path}.level") if item.get("level") is not None else None
            if level != index + 1:
                raise param(f"{path}.level must be {index + 1}")
            category = self.tree.get(cat_id)
            if category is None:
                raise param(f"{path}.cat_id {cat_id} is not a category (see category/get)")
            if category.f_cat_id != parent or category.level != level:
                raise param(f"{path}.cat_id {cat_id} is not a level-{level} child of {parent}")
            parent = cat_id
            checked.append({"cat_id": cat_id, "level": level})
        if not self.tree.is_leaf(parent):
            raise param(f"cats[2].cat_id {parent} is not a leaf category")
        return checked


def validate_skus(body: Mapping[str, Any], *, out_product_id: str) -> list[dict[str, Any]]:
    """``skus[]`` of add/update (optional): each SKU valid and its ``out_sku_id`` unique in the product."""
    skus = [
        validate_sku(item, f"skus[{index}]", out_product_id=out_product_id)
        for index, item in enumerate(read_list(body, "skus", required=False, allow_empty=True))
    ]
    seen: set[str] = set()
    for index, sku in enumerate(skus):
        if sku["out_sku_id"] in seen:
            raise param(f"skus[{index}].out_sku_id {sku['out_sku_id']!r} is given twice")
        seen.add(sku["out_sku_id"])
    return skus


def check_out_product_id(body: Mapping[str, Any]) -> str:
    out_product_id = read_str(body, "out_product_id")
    if len(out_product_id) > OUT_PRODUCT_ID_MAX:
        raise param(f"out_product_id is longer than {OUT_PRODUCT_ID_MAX} characters")
    return out_product_id
