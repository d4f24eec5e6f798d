"""The manual's validation rules for V1.17 request bodies: products (§2.2), postage templates (§2.4) and shelves
(§2.5). Pure functions over JSON and the app's current ids; every rejection is a 40097 naming the field."""

from __future__ import annotations

import copy
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sandbox.core.validation import (
    invalid_args,
    join_path,
    read_dict,
    read_int,
    read_list,
    read_str,
)
from sandbox.wechat_store.seed import Category, CategoryTree

# §2.2 express ids.
EXPRESS_IDS: dict[int, str] = {10000027: "平邮", 10000028: "快递", 10000029: "EMS"}
# §2.6 delivery company ids.
DELIVERY_COMPANIES: dict[str, str] = {
    "Fsearch_code": "邮政EMS",
    "002shentong": "申通快递",
    "066zhongtong": "中通速递",
    "056yuantong": "圆通速递",
    "042tiantian": "天天快递",
    "003shunfeng": "顺丰速运",
    "059Yunda": "韵达快运",
    "064zhaijisong": "宅急送",
    "020huitong": "汇通快运",
    "zj001yixun": "易迅快递",
}
ATTREXT_FLAGS = ("isPostFree", "isHasReceipt", "isUnderGuaranty", "isSupportReplace")
LOCATION_FIELDS = ("country", "province", "city", "address")
FEE_FIELDS = ("StartStandards", "StartFees", "AddStandards", "AddFees")
DEST_FIELDS = ("DestCountry", "DestProvince", "DestCity")
# §2.5: how many groups each control may hold.
MAX_GROUPS = {2: 4, 4: 3}

SkuKey = frozenset[tuple[str, str]]


def is_custom(value: str) -> bool:
    """A merchant-defined SKU or property text, ``"$红色"``: shown to the buyer without the ``$``."""
    return value.startswith("$") and len(value) > 1


def parse_sku_key(sku_id: str, path: str) -> SkuKey:
    """``"id1:vid1;id2:vid2"`` as a set of pairs (order does not matter); ``""`` is the uniform spec."""
    if sku_id == "":
        return frozenset()
    pairs = []
    for part in sku_id.split(";"):
        attribute_id, sep, value_id = part.partition(":")
        if not sep or not attribute_id or not value_id:
            raise invalid_args(f'{path} "{sku_id}" must look like "id1:vid1;id2:vid2"')
        pairs.append((attribute_id, value_id))
    if len({attribute_id for attribute_id, _ in pairs}) != len(pairs):
        raise invalid_args(f'{path} "{sku_id}" names the same sku id twice')
    return frozenset(pairs)


def require_image(url: Any, path: str, images: Collection[str]) -> str:
    """§2.2: an image must be a URL that ``common/upload_img`` returned to this app."""
    if not isinstance(url, str) or not url:
        raise invalid_args(f"{path} must be an image URL")
    if url not in images:
        raise invalid_args(f"{path} {url} is not an image uploaded with common/upload_img")
    return url


@dataclass
class ProductDraft:
    """A validated create/update body, ready to store."""

    product_base: dict[str, Any]
    sku_list: list[dict[str, Any]]
    attrext: dict[str, Any]
    delivery_info: dict[str, Any] | None
    sku_keys: list[SkuKey]


class ProductRules:
    """Checks a create/update body (§2.2) against the category tree, the app's uploaded images and templates."""

    def __init__(self, tree: CategoryTree, images: Collection[str], template_ids: Collection[int]) -> None:
        self._tree = tree
        self._images = images
        self._template_ids = template_ids

    def validate(self, body: dict[str, Any]) -> ProductDraft:
        base = read_dict(body, "product_base")
        read_str(base, "name", prefix="product_base")
        category = self._category(base)
        require_image(base.get("main_img"), "product_base.main_img", self._images)
        for index, url in enumerate(read_list(base, "img", prefix="product_base")):
            require_image(url, f"product_base.img[{index}]", self._images)
        self._detail(base)
        if base.get("buy_limit") is not None:
            read_int(base, "buy_limit", prefix="product_base", minimum=0)
        self._properties(base, category)
        sku_info = self._sku_info(base, category)
        sku_list = read_list(body, "sku_list")
        sku_keys = [self._sku(sku, index, sku_info) for index, sku in enumerate(sku_list)]
        if len(set(sku_keys)) != len(sku_keys):
            raise invalid_args("sku_list holds the same sku_id twice")
        attrext = self._attrext(body)
        delivery_info = self._delivery(body, post_free=attrext.get("isPostFree") == 1)
        return ProductDraft(
            product_base=copy.deepcopy(base),
            sku_list=copy.deepcopy(sku_list),
            attrext=copy.deepcopy(attrext),
            delivery_info=copy.deepcopy(delivery_info),
            sku_keys=sku_keys,
        )

    def _category(self, base: dict[str, Any]) -> Category:
        ids = read_list(base, "category_id", prefix="product_base")
        if len(ids) != 1 or not isinstance(ids[0], str):
            raise invalid_args("product_base.category_id must hold exactly one category id string")
        category = self._tree.get(ids[0])
        if category is None or category.parent_id is None:
            raise invalid_args(f"product_base.category_id {ids[0]} is not a known category")
        if not category.is_leaf:
            raise invalid_args(f"product_base.category_id {ids[0]} is not a leaf category")
        return category

    def _detail(self, base: dict[str, Any]) -> None:
        for index, item in enumerate(read_list(base, "detail", prefix="product_base")):
            path = f"product_base.detail[{index}]"
            if not isinstance(item, dict) or len(item) != 1 or not ({"text", "img"} & set(item)):
                raise invalid_args(f'{path} must be {{"text": ...}} or {{"img": url}}')
            if "img" in item:
                require_image(item["img"], f"{path}.img", self._images)
            elif not isinstance(item["text"], str):
                raise invalid_args(f"{path}.text must be a string")

    def _properties(self, base: dict[str, Any], category: Category) -> None:
        seen: set[str] = set()
        for index, prop in enumerate(
            read_list(base, "property", prefix="product_base", required=False, allow_empty=True)
        ):
            path = f"product_base.property[{index}]"
            if not isinstance(prop, dict):
                raise invalid_args(f"{path} must be an object")
            property_id = read_str(prop, "id", prefix=path)
            value_id = read_str(prop, "vid", prefix=path)
            if property_id in seen:
                raise invalid_args(f"{path}.id {property_id} is given twice")
            seen.add(property_id)
            if is_custom(property_id):
                if not is_custom(value_id):
                    raise invalid_args(f"{path}.vid of a custom property must be custom too ($text)")
                continue
            attribute = category.property(property_id)
            if attribute is None:
                raise invalid_args(f"{path}.id {property_id} is not a property of category {category.id}")
            if not is_custom(value_id) and value_id not in attribute.value_ids():
                raise invalid_args(f"{path}.vid {value_id} is not a value of property {property_id}")

    def _sku_info(self, base: dict[str, Any], category: Category) -> dict[str, set[str]]:
        """The declared SKU dimensions as {id: {vid…}}."""
        declared: dict[str, set[str]] = {}
        for index, entry in enumerate(
            read_list(base, "sku_info", prefix="product_base", required=False, allow_empty=True)
        ):
            path = f"product_base.sku_info[{index}]"
            if not isinstance(entry, dict):
                raise invalid_args(f"{path} must be an object")
            attribute_id = read_str(entry, "id", prefix=path)
            values = read_list(entry, "vid", prefix=path)
            if attribute_id in declared:
                raise invalid_args(f"{path}.id {attribute_id} is given twice")
            if not all(isinstance(value, str) and value for value in values):
                raise invalid_args(f"{path}.vid must be a list of value id strings")
            if len(set(values)) != len(values):
                raise invalid_args(f"{path}.vid repeats a value")
            if is_custom(attribute_id):
                if not all(is_custom(value) for value in values):
                    raise invalid_args(f"{path}.vid of a custom sku must be custom too ($text)")
            else:
                attribute = category.sku_attribute(attribute_id)
                if attribute is None:
                    raise invalid_args(f"{path}.id {attribute_id} is not in the sku table of category {category.id}")
                unknown = [value for value in values if not is_custom(value) and value not in attribute.value_ids()]
                if unknown:
                    raise invalid_args(f"{path}.vid {unknown[0]} is not a value of sku {attribute_id}")
            declared[attribute_id] = set(values)
        return declared

    def _sku(self, sku: Any, index: int, sku_info: dict[str, set[str]]) -> SkuKey:
        path = join_path("sku_list", index)
        if not isinstance(sku, dict):
            raise invalid_args(f"{path} must be an object")
        sku_id = read_str(sku, "sku_id", prefix=path, allow_empty=True)
        key = parse_sku_key(sku_id, f"{path}.sku_id")
        if not sku_info and key:
            raise invalid_args(f'{path}.sku_id must be "" because product_base.sku_info is empty')
        if len(key) != len(sku_info):
            raise invalid_args(f"{path}.sku_id must hold {len(sku_info)} id:vid pair(s), one per sku_info entry")
        for attribute_id, value_id in sorted(key):
            if attribute_id not in sku_info:
                raise invalid_args(f"{path}.sku_id uses {attribute_id}, which is not in product_base.sku_info")
            if value_id not in sku_info[attribute_id]:
                raise invalid_args(
                    f"{path}.sku_id uses {attribute_id}:{value_id}, a value not in product_base.sku_info"
                )
        price = read_int(sku, "price", prefix=path, minimum=0)
        ori_price = read_int(sku, "ori_price", prefix=path, minimum=0)
        if price >= ori_price:
            raise invalid_args(f"{path}.price must be lower than ori_price")
        read_int(sku, "quantity", prefix=path, minimum=0)
        if sku.get("icon_url"):
            require_image(sku["icon_url"], f"{path}.icon_url", self._images)
        read_str(sku, "product_code", prefix=path, required=False)
        return key

    def _attrext(self, body: dict[str, Any]) -> dict[str, Any]:
        attrext = read_dict(body, "attrext", required=False)
        for flag in ATTREXT_FLAGS:
            if attrext.get(flag) is not None:
                read_int(attrext, flag, prefix="attrext", choices=(0, 1))
        location = read_dict(attrext, "location", prefix="attrext", required=False)
        for name in LOCATION_FIELDS:
            read_str(location, name, prefix="attrext.location", required=False)
        return attrext

    def _delivery(self, body: dict[str, Any], *, post_free: bool) -> dict[str, Any] | None:
        if body.get("delivery_info") is None:
            if post_free:
                return None
            raise invalid_args("delivery_info is required unless attrext.isPostFree is 1")
        info = read_dict(body, "delivery_info")
        delivery_type = read_int(info, "delivery_type", prefix="delivery_info", choices=(0, 1))
        if delivery_type == 1:
            template_id = read_int(info, "template_id", prefix="delivery_info")
            if template_id not in self._template_ids:
                raise invalid_args(f"delivery_info.template_id {template_id} is not an existing postage template")
            return info
        seen: set[int] = set()
        for index, express in enumerate(read_list(info, "express", prefix="delivery_info")):
            path = f"delivery_info.express[{index}]"
            if not isinstance(express, dict):
                raise invalid_args(f"{path} must be an object")
            express_id = read_int(express, "id", prefix=path, choices=EXPRESS_IDS)
            if express_id in seen:
                raise invalid_args(f"{path}.id {express_id} is given twice")
            seen.add(express_id)
            read_int(express, "price", prefix=path, minimum=0)
        return info


def validate_delivery_template(body: dict[str, Any]) -> dict[str, Any]:
    """§2.4 ``delivery_template``, keys capitalised. Returns a stored copy with ``Valuation`` defaulted to 0."""
    template = read_dict(body, "delivery_template")
    prefix = "delivery_template"
    read_str(template, "Name", prefix=prefix)
    read_int(template, "Assumer", prefix=prefix, choices=(0, 1))
    # Only per-item charging (0) is supported, says the manual.
    read_int(template, "Valuation", prefix=prefix, default=0, choices=(0,))
    seen: set[int] = set()
    for index, fee in enumerate(read_list(template, "TopFee", prefix=prefix)):
        path = f"{prefix}.TopFee[{index}]"
        if not isinstance(fee, dict):
            raise invalid_args(f"{path} must be an object")
        fee_type = read_int(fee, "Type", prefix=path, choices=EXPRESS_IDS)
        if fee_type in seen:
            raise invalid_args(f"{path}.Type {fee_type} is given twice")
        seen.add(fee_type)
        normal = read_dict(fee, "Normal", prefix=path)
        for name in FEE_FIELDS:
            read_int(normal, name, prefix=f"{path}.Normal", minimum=0)
        for custom_index, custom in enumerate(read_list(fee, "Custom", prefix=path, required=False, allow_empty=True)):
            custom_path = f"{path}.Custom[{custom_index}]"
            if not isinstance(custom, dict):
                raise invalid_args(f"{custom_path} must be an object")
            for name in FEE_FIELDS:
                read_int(custom, name, prefix=custom_path, minimum=0)
            read_str(custom, "DestCountry", prefix=custom_path)
            for name in DEST_FIELDS[1:]:
                read_str(custom, name, prefix=custom_path, required=False)
    stored = copy.deepcopy(template)
    stored.setdefault("Valuation", 0)
    return stored


@dataclass
class ShelfDraft:
    shelf_data: dict[str, Any]
    shelf_banner: str
    shelf_name: str
    group_ids: set[int]


def validate_shelf(body: dict[str, Any], *, group_ids: Collection[int], images: Collection[str]) -> ShelfDraft:
    """§2.5: ``shelf_data.module_infos[]`` of the five control types, ``shelf_banner`` and ``shelf_name``."""
    shelf_name = read_str(body, "shelf_name")
    shelf_data = read_dict(body, "shelf_data")
    modules = read_list(shelf_data, "module_infos", prefix="shelf_data")
    used: set[int] = set()

    def group(entry: Any, path: str, *, with_img: bool) -> None:
        if not isinstance(entry, dict):
            raise invalid_args(f"{path} must be an object")
        group_id = read_int(entry, "group_id", prefix=path)
        if group_id not in group_ids:
            raise invalid_args(f"{path}.group_id {group_id} is not an existing group")
        used.add(group_id)
        if with_img:
            require_image(entry.get("img"), f"{path}.img", images)

    for index, module in enumerate(modules):
        path = f"shelf_data.module_infos[{index}]"
        if not isinstance(module, dict):
            raise invalid_args(f"{path} must be an object")
        eid = read_int(module, "eid", prefix=path, choices=(1, 2, 3, 4, 5))
        if eid in (1, 3):
            info = read_dict(module, "group_info", prefix=path)
            group(info, f"{path}.group_info", with_img=eid == 3)
            if eid == 1:
                shown = read_dict(info, "filter", prefix=f"{path}.group_info")
                read_int(shown, "count", prefix=f"{path}.group_info.filter", minimum=1)
            continue
        infos = read_dict(module, "group_infos", prefix=path)
        groups = read_list(infos, "groups", prefix=f"{path}.group_infos")
        if eid in MAX_GROUPS and len(groups) > MAX_GROUPS[eid]:
            raise invalid_args(f"{path}.group_infos.groups holds at most {MAX_GROUPS[eid]} groups for eid {eid}")
        for group_index, entry in enumerate(groups):
            group(entry, f"{path}.group_infos.groups[{group_index}]", with_img=eid == 4)
        if eid == 5:
            require_image(infos.get("img_background"), f"{path}.group_infos.img_background", images)
            if len(modules) != 1:
                raise invalid_args("shelf_data.module_infos: control eid 5 cannot be combined with other controls")

    shelf_banner = read_str(body, "shelf_banner", required=False)
    if shelf_banner:
        if any(module.get("eid") == 5 for module in modules):
            raise invalid_args("shelf_banner is not allowed with control eid 5")
        require_image(shelf_banner, "shelf_banner", images)
    return ShelfDraft(copy.deepcopy(shelf_data), shelf_banner, shelf_name, used)
