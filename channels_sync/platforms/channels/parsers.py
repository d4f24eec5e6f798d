"""WeChat Channels store answers (§3): products, categories, brands and freight templates read into frozen
types. An answer without the documented shape is a ``ResponseShapeError``."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from channels_sync.platforms.responses import ResponseShapeError
from channels_sync.platforms.responses import read_flag as _flag
from channels_sync.platforms.responses import read_items as _items
from channels_sync.platforms.responses import read_number as _number
from channels_sync.platforms.responses import read_object as _obj
from channels_sync.platforms.responses import read_text as _text
from products.selectors import FeeRuleSnapshot

from .constants import (
    CHANNELS_EXPRESS_TYPE,
    DEFAULT_COUNTRY,
    PROVINCES,
    SEND_TIMES_FROM_PLATFORM,
    EditStatus,
    ProductStatus,
)

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
