"""WeChat Store V1.17 answers (§2): products, orders, categories, postage templates, groups and shelves read
into frozen types, and the fingerprints that find a product whose create answer was lost. An answer without the
documented shape is a ``ResponseShapeError``."""

import hashlib
import html
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from products.selectors import (
    FeeRuleSnapshot,
    ProductSnapshot,
)

from ..responses import ResponseShapeError
from ..responses import read_items as _items
from ..responses import read_number as _number
from ..responses import read_object as _obj
from ..responses import read_text as _text
from .constants import (
    VALUATION_PER_ITEM,
    JsonDict,
)
from .payloads import _normalised_sku_id

# --- Reading answers -------------------------------------------------------------------------------------------------


def _int(data: Mapping[str, Any], key: str, path: str, *, default: int | None = None) -> int:
    """A required integer, or ``default`` when absent and a default is given."""
    value = _number(data, key, path, required=default is None)
    if value is not None:
        return value
    if default is None:  # unreachable: _number raised for a required key
        raise ResponseShapeError(f"{path}.{key}", "is missing")
    return default


@dataclass(frozen=True)
class RemoteSku:
    sku_id: str
    price: int
    ori_price: int
    quantity: int
    product_code: str
    icon_url: str


@dataclass(frozen=True)
class RemoteProduct:
    """A product as ``get``/``getbystatus`` return it (§2.1 rows 1.4–1.5)."""

    product_id: str
    name: str
    category_ids: tuple[str, ...]
    properties: tuple[tuple[str, str], ...]  # (id, vid) in the remote's order
    skus: tuple[RemoteSku, ...]
    status: int | None  # getbystatus: 1 on shelf, 2 off shelf; absent from get

    @property
    def sku_quantities(self) -> dict[str, int]:
        """Remote quantity by sku_id (``""`` for a uniform spec)."""
        return {sku.sku_id: sku.quantity for sku in self.skus}

    def frozen_fields(self) -> JsonDict:
        """``{name, category_id, property}`` as ``product_update_payload(remote_frozen=…)`` takes them."""
        return {
            "name": self.name,
            "category_id": list(self.category_ids),
            "property": [{"id": pid, "vid": vid} for pid, vid in self.properties],
        }

    def fingerprint(self) -> str:
        return _fingerprint(self.name, (s.sku_id for s in self.skus), (s.product_code for s in self.skus))


def parse_product_info(product_info: Mapping[str, Any]) -> RemoteProduct:
    """Read a ``product_info`` of ``get`` (§2.1 row 1.4), or one ``products_info[]`` entry of ``getbystatus``."""
    path = "product_info"
    info = _obj(product_info, path)
    base = _obj(info.get("product_base"), f"{path}.product_base")
    properties = []
    for index, prop in enumerate(_items(base, "property", f"{path}.product_base")):
        prop_path = f"{path}.product_base.property[{index}]"
        prop = _obj(prop, prop_path)
        properties.append((_text(prop, "id", prop_path, required=True), _text(prop, "vid", prop_path, required=True)))
    skus = []
    for index, sku in enumerate(_items(info, "sku_list", path)):
        sku_path = f"{path}.sku_list[{index}]"
        sku = _obj(sku, sku_path)
        skus.append(
            RemoteSku(
                sku_id=_text(sku, "sku_id", sku_path),
                price=_int(sku, "price", sku_path, default=0),
                ori_price=_int(sku, "ori_price", sku_path, default=0),
                quantity=_int(sku, "quantity", sku_path, default=0),
                product_code=_text(sku, "product_code", sku_path),
                icon_url=_text(sku, "icon_url", sku_path),
            )
        )
    return RemoteProduct(
        product_id=_text(info, "product_id", path, required=True),
        name=_text(base, "name", f"{path}.product_base"),
        category_ids=tuple(str(c) for c in _items(base, "category_id", f"{path}.product_base")),
        properties=tuple(properties),
        skus=tuple(skus),
        status=_number(info, "status", path),
    )


@dataclass(frozen=True)
class RemoteOrderItem:
    product_id: str
    product_name: str
    product_price: int
    product_sku: str
    product_count: int
    product_img: str


@dataclass(frozen=True)
class RemoteOrder:
    """An ``order`` of ``order/getbyid`` or one ``order_list[]`` entry of ``order/getbyfilter`` (§2.6).

    Every documented field, under its documented name. ``order_status`` stays a plain int: the manual defines
    2, 3, 5 and 8 (§2.6) but its own examples also show 6. ``receiver_zone`` is None and ``items`` (the ``products[]``
    of multi-product orders) is None when the answer does not carry them (V1.13 copies of the manual lack both).
    """

    order_id: str
    order_status: int
    order_total_price: int
    order_express_price: int
    order_create_time: int
    buyer_openid: str
    buyer_nick: str
    receiver_name: str
    receiver_province: str
    receiver_city: str
    receiver_zone: str | None
    receiver_address: str
    receiver_mobile: str
    receiver_phone: str
    product_id: str
    product_name: str
    product_price: int
    product_sku: str
    product_count: int
    product_img: str
    delivery_id: str
    delivery_company: str
    trans_id: str
    items: tuple[RemoteOrderItem, ...] | None

    @property
    def main_item(self) -> RemoteOrderItem:
        """The order's top-level ``product_*`` fields as an item."""
        return RemoteOrderItem(
            product_id=self.product_id,
            product_name=self.product_name,
            product_price=self.product_price,
            product_sku=self.product_sku,
            product_count=self.product_count,
            product_img=self.product_img,
        )


def _order_item(data: Mapping[str, Any], path: str) -> RemoteOrderItem:
    return RemoteOrderItem(
        product_id=_text(data, "product_id", path),
        product_name=_text(data, "product_name", path),
        product_price=_int(data, "product_price", path, default=0),
        product_sku=_text(data, "product_sku", path),
        product_count=_int(data, "product_count", path, default=0),
        product_img=_text(data, "product_img", path),
    )


def parse_order(order: Mapping[str, Any]) -> RemoteOrder:
    """Read an ``order`` (§2.6). ``order_id``, ``order_status``, ``order_total_price`` and ``order_create_time``
    are required; other text fields default to ``""`` and numbers to 0 when absent (an order not shipped yet has
    no waybill)."""
    path = "order"
    data = _obj(order, path)
    main = _order_item(data, path)
    items: tuple[RemoteOrderItem, ...] | None = None
    if data.get("products") is not None:
        items = tuple(
            _order_item(_obj(item, f"{path}.products[{index}]"), f"{path}.products[{index}]")
            for index, item in enumerate(_items(data, "products", path))
        )
    return RemoteOrder(
        order_id=_text(data, "order_id", path, required=True),
        order_status=_int(data, "order_status", path),
        order_total_price=_int(data, "order_total_price", path),
        order_express_price=_int(data, "order_express_price", path, default=0),
        order_create_time=_int(data, "order_create_time", path),
        buyer_openid=_text(data, "buyer_openid", path),
        buyer_nick=_text(data, "buyer_nick", path),
        receiver_name=_text(data, "receiver_name", path),
        receiver_province=_text(data, "receiver_province", path),
        receiver_city=_text(data, "receiver_city", path),
        receiver_zone=_text(data, "receiver_zone", path) if data.get("receiver_zone") is not None else None,
        receiver_address=_text(data, "receiver_address", path),
        receiver_mobile=_text(data, "receiver_mobile", path),
        receiver_phone=_text(data, "receiver_phone", path),
        product_id=main.product_id,
        product_name=main.product_name,
        product_price=main.product_price,
        product_sku=main.product_sku,
        product_count=main.product_count,
        product_img=main.product_img,
        delivery_id=_text(data, "delivery_id", path),
        delivery_company=_text(data, "delivery_company", path),
        trans_id=_text(data, "trans_id", path),
        items=items,
    )


@dataclass(frozen=True)
class RemoteCategory:
    id: str
    name: str


@dataclass(frozen=True)
class RemoteAttributeValue:
    id: str
    name: str


@dataclass(frozen=True)
class RemoteAttribute:
    """A SKU dimension (``sku_table[]``) or a property (``properties[]``) of a category, with its values."""

    id: str
    name: str
    values: tuple[RemoteAttributeValue, ...]


def _name(data: Mapping[str, Any], path: str) -> str:
    # The manual's examples hold HTML entities in names ("VIC&#38"); people should read the characters.
    return html.unescape(_text(data, "name", path))


def parse_category_list(cate_list: Sequence[Mapping[str, Any]]) -> tuple[RemoteCategory, ...]:
    """Read the ``cate_list`` of ``category/getsub`` (§2.1 row 1.7), in the remote's order."""
    categories = []
    for index, item in enumerate(cate_list):
        path = f"cate_list[{index}]"
        item = _obj(item, path)
        categories.append(RemoteCategory(id=_text(item, "id", path, required=True), name=_name(item, path)))
    return tuple(categories)


def _attributes(rows: Sequence[Mapping[str, Any]], root: str, values_key: str) -> tuple[RemoteAttribute, ...]:
    attributes = []
    for index, row in enumerate(rows):
        path = f"{root}[{index}]"
        row = _obj(row, path)
        values = []
        for value_index, value in enumerate(_items(row, values_key, path)):
            value_path = f"{path}.{values_key}[{value_index}]"
            value = _obj(value, value_path)
            values.append(
                RemoteAttributeValue(id=_text(value, "id", value_path, required=True), name=_name(value, value_path))
            )
        attributes.append(
            RemoteAttribute(id=_text(row, "id", path, required=True), name=_name(row, path), values=tuple(values))
        )
    return tuple(attributes)


def parse_sku_table(sku_table: Sequence[Mapping[str, Any]]) -> tuple[RemoteAttribute, ...]:
    """Read the ``sku_table`` of ``category/getsku`` (§2.1 row 1.8): ``{id, name, value_list[] {id, name}}``."""
    return _attributes(sku_table, "sku_table", "value_list")


def parse_properties(properties: Sequence[Mapping[str, Any]]) -> tuple[RemoteAttribute, ...]:
    """Read the ``properties`` of ``category/getproperty`` (§2.1 row 1.9): ``{id, name, property_value[]}``."""
    return _attributes(properties, "properties", "property_value")


@dataclass(frozen=True)
class RemoteFreightTemplate:
    """A postage template read back (§2.4), its fee rules in the catalog's neutral shape.

    Normal rules have empty destinations; ``fee_rules`` are sorted by express type, province, city, as
    ``freight_template_snapshot`` sorts them.
    """

    remote_id: int | None
    name: str
    assumer: int
    valuation: int
    fee_rules: tuple[FeeRuleSnapshot, ...]


def parse_delivery_template(template_info: Mapping[str, Any]) -> RemoteFreightTemplate:
    """Read a ``template_info`` of ``express/getbyid`` or a ``templates_info[]`` entry of ``express/getall``
    (§2.1 rows 3.4–3.5, §2.4), for importing templates made on the platform."""
    path = "template_info"
    data = _obj(template_info, path)
    rules = []
    for index, fee in enumerate(_items(data, "TopFee", path)):
        fee_path = f"{path}.TopFee[{index}]"
        fee = _obj(fee, fee_path)
        express_type = _int(fee, "Type", fee_path)
        normal = _obj(fee.get("Normal"), f"{fee_path}.Normal")
        rules.append(_fee_rule(express_type, normal, f"{fee_path}.Normal", ("", "", "")))
        for custom_index, custom in enumerate(_items(fee, "Custom", fee_path)):
            custom_path = f"{fee_path}.Custom[{custom_index}]"
            custom = _obj(custom, custom_path)
            destination = (
                _text(custom, "DestCountry", custom_path),
                _text(custom, "DestProvince", custom_path),
                _text(custom, "DestCity", custom_path),
            )
            rules.append(_fee_rule(express_type, custom, custom_path, destination))
    rules.sort(key=lambda r: (r.express_type, r.dest_province, r.dest_city, r.dest_country))
    return RemoteFreightTemplate(
        remote_id=_number(data, "Id", path),
        name=_text(data, "Name", path),
        assumer=_int(data, "Assumer", path, default=0),
        valuation=_int(data, "Valuation", path, default=VALUATION_PER_ITEM),
        fee_rules=tuple(rules),
    )


def _fee_rule(
    express_type: int, data: Mapping[str, Any], path: str, destination: tuple[str, str, str]
) -> FeeRuleSnapshot:
    country, province, city = destination
    return FeeRuleSnapshot(
        express_type=express_type,
        dest_country=country,
        dest_province=province,
        dest_city=city,
        start_standards=_int(data, "StartStandards", path),
        start_fees=_int(data, "StartFees", path),
        add_standards=_int(data, "AddStandards", path),
        add_fees=_int(data, "AddFees", path),
    )


@dataclass(frozen=True)
class RemoteGroup:
    """A group (§2.1 rows 4.5–4.6). ``product_ids`` is None for a ``groups_detail[]`` entry of ``group/getall``,
    which does not list products."""

    group_id: int
    name: str
    product_ids: tuple[str, ...] | None


def parse_group_detail(group_detail: Mapping[str, Any]) -> RemoteGroup:
    """Read a ``group_detail`` of ``group/getbyid`` or a ``groups_detail[]`` entry of ``group/getall``."""
    path = "group_detail"
    data = _obj(group_detail, path)
    product_ids = None
    if data.get("product_list") is not None:
        product_ids = tuple(str(pid) for pid in _items(data, "product_list", path))
    return RemoteGroup(
        group_id=_int(data, "group_id", path), name=_text(data, "group_name", path), product_ids=product_ids
    )


@dataclass(frozen=True)
class RemoteShelfGroup:
    group_id: int
    img: str  # "" for controls without group images


@dataclass(frozen=True)
class RemoteShelfModule:
    eid: int
    groups: tuple[RemoteShelfGroup, ...]
    product_count: int | None  # control 1's filter.count
    img_background: str  # control 5's background, "" otherwise


@dataclass(frozen=True)
class RemoteShelf:
    shelf_id: int | None
    name: str
    banner: str
    modules: tuple[RemoteShelfModule, ...]


def parse_shelf(shelf: Mapping[str, Any]) -> RemoteShelf:
    """Read a shelf of ``shelf/getbyid`` (the answer itself) or a ``shelves[]`` entry of ``shelf/getall``
    (§2.1 rows 5.4–5.5): ``shelf_info.module_infos``, ``shelf_banner``, ``shelf_name``, ``shelf_id``.

    A request body (``shelf_data`` instead of ``shelf_info``, no ``shelf_id``) reads the same way.
    """
    path = "shelf"
    data = _obj(shelf, path)
    info_key = "shelf_info" if data.get("shelf_info") is not None else "shelf_data"
    info = _obj(data.get(info_key), f"{path}.{info_key}")
    modules = []
    for index, module in enumerate(_items(info, "module_infos", f"{path}.{info_key}", required=True)):
        module_path = f"{path}.{info_key}.module_infos[{index}]"
        module = _obj(module, module_path)
        groups: list[RemoteShelfGroup] = []
        product_count = None
        background = ""
        if module.get("group_info") is not None:
            group_path = f"{module_path}.group_info"
            group_info = _obj(module["group_info"], group_path)
            groups.append(_shelf_group(group_info, group_path))
            if group_info.get("filter") is not None:
                product_count = _number(
                    _obj(group_info["filter"], f"{group_path}.filter"), "count", f"{group_path}.filter"
                )
        if module.get("group_infos") is not None:
            infos_path = f"{module_path}.group_infos"
            group_infos = _obj(module["group_infos"], infos_path)
            for group_index, entry in enumerate(_items(group_infos, "groups", infos_path)):
                entry_path = f"{infos_path}.groups[{group_index}]"
                groups.append(_shelf_group(_obj(entry, entry_path), entry_path))
            background = _text(group_infos, "img_background", infos_path)
        modules.append(
            RemoteShelfModule(
                eid=_int(module, "eid", module_path),
                groups=tuple(groups),
                product_count=product_count,
                img_background=background,
            )
        )
    return RemoteShelf(
        shelf_id=_number(data, "shelf_id", path),
        name=_text(data, "shelf_name", path),
        banner=_text(data, "shelf_banner", path),
        modules=tuple(modules),
    )


def _shelf_group(data: Mapping[str, Any], path: str) -> RemoteShelfGroup:
    return RemoteShelfGroup(group_id=_int(data, "group_id", path), img=_text(data, "img", path))


# --- Finding a product whose create answer was lost (design §4 "Unknown outcomes") ------------------------------------


def _fingerprint(name: str, sku_ids: Iterable[str], product_codes: Iterable[str]) -> str:
    canonical = json.dumps(
        {
            "name": name.strip(),
            "sku_ids": sorted(_normalised_sku_id(sku_id) for sku_id in sku_ids),
            "product_codes": sorted(code for code in product_codes if code),
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def product_fingerprint(source: ProductSnapshot | Mapping[str, Any]) -> str:
    """A stable id of a product among the remote ones: V1.17 has no out_product_id (§2.2), so a create whose
    answer was lost is found again by name, sku_ids and product codes.

    ``source`` is a snapshot, or a create/update body (``product_payload``). The result is the SHA-256 (hex) of
    the name, the sorted sku_ids (their pairs sorted) and the sorted non-empty product codes; it equals
    ``remote_product_fingerprint`` of the product the platform stored from that body.
    """
    if isinstance(source, ProductSnapshot):
        return _fingerprint(
            source.title, (sku.spec_key for sku in source.skus), (sku.product_code for sku in source.skus)
        )
    base = _obj(source.get("product_base"), "product_base")
    sku_list = [_obj(sku, f"sku_list[{index}]") for index, sku in enumerate(_items(source, "sku_list", "body"))]
    return _fingerprint(
        _text(base, "name", "product_base"),
        (_text(sku, "sku_id", "sku_list") for sku in sku_list),
        (_text(sku, "product_code", "sku_list") for sku in sku_list),
    )


def remote_product_fingerprint(product_info: Mapping[str, Any]) -> str:
    """``product_fingerprint`` of a remote ``product_info`` (§2.1 rows 1.4–1.5), for matching after a lost answer."""
    return parse_product_info(product_info).fingerprint()
