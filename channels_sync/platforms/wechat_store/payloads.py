"""WeChat Store V1.17 (legacy ``/merchant/`` API): catalog snapshots to request bodies, and answers back.

Pure functions (API reference §2; "manual" below means the V1.17 manual, seed 002): no database, no settings, no
clock, no randomness. The same snapshot and the same image URLs always give the same body, so the engine can hash
a body to skip no-ops, and the golden-file tests pin every byte.

Conventions of the whole module:

* Money is in fen, as the platform wants it (§2 conventions).
* Every image is sent as the URL ``common/upload_img`` returned for it (§2.2 "Images", §2.7). The caller passes
  those URLs as ``image_urls`` (image asset id -> URL); an image without one is a :class:`PayloadError` naming the
  asset, so the engine can upload it and build the body again.
* A body that cannot be built is a :class:`PayloadError` whose ``field`` is the path of the field in the body and
  whose message says what the merchant has to fix ("no WeChat Store category").
* An answer that does not have the documented shape is a :class:`ResponseShapeError`.
* Remote template and group ids are integers on the wire (§2.1 rows 3.1, 4.1); callers may hold them as strings.
"""

import hashlib
import html
import json
from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext as _

from products.models import Platform
from products.selectors import (
    FeeRuleSnapshot,
    FreightTemplateSnapshot,
    GroupSnapshot,
    ProductSnapshot,
    ShelfModuleSnapshot,
    ShelfSnapshot,
)
from products.sku_matrix import custom_key

from ..errors import PayloadError
from ..responses import ResponseShapeError
from ..responses import read_items as _items
from ..responses import read_number as _number
from ..responses import read_object as _obj
from ..responses import read_text as _text

JsonDict = dict[str, Any]

# §2.2 delivery_info.delivery_type.
DELIVERY_TYPE_EXPRESS = 0
DELIVERY_TYPE_TEMPLATE = 1
# §2.2 update rule: after the first listing these product_base fields cannot change.
FROZEN_AFTER_LISTING: tuple[str, ...] = ("name", "category_id", "property")
# §2.4: DestCountry is required in a custom fee rule; the catalog leaves it empty for China.
DEFAULT_COUNTRY = "中国"
# §2.4 Valuation: only per item (0) is supported.
VALUATION_PER_ITEM = 0
# §2.5: (min, max) groups per control; None is "no upper limit".
SHELF_GROUP_LIMITS: dict[int, tuple[int, int | None]] = {1: (1, 1), 2: (1, 4), 3: (1, 1), 4: (1, 3), 5: (1, None)}
SHELF_CONTROL_BACKGROUND = 5


# --- Small helpers ----------------------------------------------------------------------------------------------


def _image_url(image_urls: Mapping[int, str], asset_id: int, field: str) -> str:
    url = image_urls.get(asset_id)
    if not url:
        raise PayloadError(
            field, f"image asset {asset_id} has no WeChat Store URL (upload it first)", asset_id=asset_id
        )
    return url


def _remote_int(value: int | str, field: str) -> int:
    """A remote template or group id as the integer the platform expects."""
    if isinstance(value, bool):
        raise PayloadError(field, f"{value!r} is not a remote id")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.isdigit():
        raise PayloadError(field, f"{value!r} is not a numeric remote id")
    return int(text)


def _normalised_sku_id(sku_id: str) -> str:
    """``"b:2;a:1"`` -> ``"a:1;b:2"``: the pairs of a sku_id carry no order (§2.2)."""
    return ";".join(sorted(sku_id.split(";"))) if sku_id else ""


# --- Products (§2.2) ---------------------------------------------------------------------------------------------


def product_payload(
    snapshot: ProductSnapshot,
    *,
    image_urls: Mapping[int, str],
    freight_template_remote_id: int | str | None,
) -> JsonDict:
    """The ``create`` body (§2.1 row 1.1, §2.2): ``product_base``, ``sku_list``, ``attrext``, ``delivery_info``.

    * ``product_base.category_id`` is the one WeChat Store category; ``property`` takes only the properties of
      WeChat Store categories (a custom value is sent as ``"$value"``); ``sku_info`` lists the specs in order,
      each with only the values some SKU uses, in the spec's value order.
    * ``sku_list`` keeps the snapshot's SKU order (position); ``sku_id`` is the spec key, ``""`` for a uniform
      spec; ``icon_url`` is ``""`` for a SKU without an image.
    * ``delivery_info`` is left out of a post-free product (§2.2 attrext: "isPostFree = 1, delivery_info may be
      omitted"). Otherwise delivery type 0 sends the express list (with ``template_id`` 0, as the manual's
      example does) and type 1 the remote id of the freight template, ``freight_template_remote_id``.

    Raises PayloadError naming the field when something the platform requires is missing.
    """
    body: JsonDict = {
        "product_base": _product_base(snapshot, image_urls),
        "sku_list": _sku_list(snapshot, image_urls),
        "attrext": _attrext(snapshot),
    }
    delivery_info = _delivery_info(snapshot, freight_template_remote_id)
    if delivery_info is not None:
        body["delivery_info"] = delivery_info
    return body


def _product_base(snapshot: ProductSnapshot, image_urls: Mapping[int, str]) -> JsonDict:
    name = snapshot.title.strip()
    if not name:
        raise PayloadError("product_base.name", _("The product has no title."))
    category = snapshot.wechat_store_category
    if category is None or not category.remote_id:
        raise PayloadError("product_base.category_id", _("Choose a WeChat Store category for the product."))
    if not snapshot.image_asset_ids:
        raise PayloadError("product_base.main_img", _("The product has no head image."))
    main_img = _image_url(image_urls, snapshot.image_asset_ids[0], "product_base.main_img")
    img = [
        _image_url(image_urls, asset_id, f"product_base.img[{index}]")
        for index, asset_id in enumerate(snapshot.image_asset_ids)
    ]
    return {
        "name": name,
        "category_id": [category.remote_id],
        "property": _properties(snapshot),
        "sku_info": _sku_info(snapshot),
        "main_img": main_img,
        "img": img,
        "detail": _detail(snapshot, image_urls),
        "buy_limit": snapshot.buy_limit,
    }


def _properties(snapshot: ProductSnapshot) -> list[JsonDict]:
    properties = []
    for prop in snapshot.properties:
        if prop.platform != Platform.WECHAT_STORE:
            continue
        if prop.attribute_remote_id:
            property_id = prop.attribute_remote_id
            vid = prop.value_remote_id or custom_key(prop.value_name)
        else:
            # A property known only by name is custom on both sides: "$name": "$value" (§2.2 custom SKU rule).
            property_id = custom_key(prop.attribute_name)
            vid = custom_key(prop.value_name)
        properties.append({"id": property_id, "vid": vid})
    return properties


def _sku_info(snapshot: ProductSnapshot) -> list[JsonDict]:
    used: dict[str, set[str]] = {}
    for sku in snapshot.skus:
        for spec in sku.spec_dicts():
            used.setdefault(spec["id"], set()).add(spec["vid"])
    return [
        {"id": definition.key, "vid": [v.vid for v in definition.values if v.vid in used.get(definition.key, set())]}
        for definition in snapshot.spec_definitions
    ]


def _detail(snapshot: ProductSnapshot, image_urls: Mapping[int, str]) -> list[JsonDict]:
    detail: list[JsonDict] = []
    for index, block in enumerate(snapshot.detail_blocks):
        field = f"product_base.detail[{index}]"
        if block.kind == "text":
            detail.append({"text": block.text})
        elif block.kind == "image":
            if block.image_asset_id is None:
                raise PayloadError(f"{field}.img", "an image block has no image")
            detail.append({"img": _image_url(image_urls, block.image_asset_id, f"{field}.img")})
        else:
            raise PayloadError(field, f"unknown detail block kind {block.kind!r}")
    return detail


def _sku_list(snapshot: ProductSnapshot, image_urls: Mapping[int, str]) -> list[JsonDict]:
    if not snapshot.skus:
        raise PayloadError("sku_list", _("The product has no SKU."))
    spec_keys = [definition.key for definition in snapshot.spec_definitions]
    chosen = {definition.key: {v.vid for v in definition.values} for definition in snapshot.spec_definitions}
    seen: set[str] = set()
    sku_list = []
    for index, sku in enumerate(snapshot.skus):
        field = f"sku_list[{index}]"
        specs = sku.spec_dicts()
        if [spec["id"] for spec in specs] != spec_keys:
            raise PayloadError(
                f"{field}.sku_id",
                f"SKU {sku.id} must hold one value of each spec, in order ({';'.join(spec_keys) or 'none'})",
            )
        for spec in specs:
            if spec["vid"] not in chosen[spec["id"]]:
                raise PayloadError(
                    f"{field}.sku_id", f"SKU {sku.id} uses {spec['id']}:{spec['vid']}, not a chosen value of its spec"
                )
        if sku.spec_key in seen:
            raise PayloadError(f"{field}.sku_id", f"two SKUs have the combination {sku.spec_key or '(uniform)'}")
        seen.add(sku.spec_key)
        if sku.price <= 0 or sku.price >= sku.original_price:
            # §2.2: "price must be lower than ori_price, otherwise create fails".
            raise PayloadError(
                f"{field}.price", f"SKU {sku.id}: the price must be above 0 and below the original price"
            )
        icon_url = "" if sku.image_asset_id is None else _image_url(image_urls, sku.image_asset_id, f"{field}.icon_url")
        sku_list.append(
            {
                "sku_id": sku.spec_key,
                "price": sku.price,
                "ori_price": sku.original_price,
                "quantity": sku.stock,
                "icon_url": icon_url,
                "product_code": sku.product_code,
            }
        )
    return sku_list


def _attrext(snapshot: ProductSnapshot) -> JsonDict:
    return {
        "isPostFree": int(snapshot.is_post_free),
        "isHasReceipt": int(snapshot.has_receipt),
        "isUnderGuaranty": int(snapshot.is_under_guaranty),
        "isSupportReplace": int(snapshot.is_support_replace),
        "location": {
            "country": snapshot.location_country,
            "province": snapshot.location_province,
            "city": snapshot.location_city,
            "address": snapshot.location_address,
        },
    }


def _delivery_info(snapshot: ProductSnapshot, freight_template_remote_id: int | str | None) -> JsonDict | None:
    if snapshot.is_post_free:
        return None
    if snapshot.delivery_type == DELIVERY_TYPE_EXPRESS:
        if not snapshot.express_fees:
            raise PayloadError("delivery_info.express", _("No express fee: add one, or use a freight template."))
        express = [{"id": express_type, "price": price} for express_type, price in sorted(snapshot.express_fees)]
        return {"delivery_type": DELIVERY_TYPE_EXPRESS, "template_id": 0, "express": express}
    if snapshot.delivery_type == DELIVERY_TYPE_TEMPLATE:
        if snapshot.freight_template_id is None:
            raise PayloadError("delivery_info.template_id", _("Choose a freight template."))
        if freight_template_remote_id is None:
            raise PayloadError(
                "delivery_info.template_id",
                f"freight template {snapshot.freight_template_id} is not on WeChat Store yet",
            )
        template_id = _remote_int(freight_template_remote_id, "delivery_info.template_id")
        return {"delivery_type": DELIVERY_TYPE_TEMPLATE, "template_id": template_id}
    raise PayloadError("delivery_info.delivery_type", f"unknown delivery type {snapshot.delivery_type}")


@dataclass(frozen=True)
class UpdatePayload:
    """An ``update`` body and the frozen fields (§2.2 update rule) whose local value the remote copy overrode.

    ``frozen_fields_differing`` holds names from ``FROZEN_AFTER_LISTING`` ("name", "category_id", "property"), in
    that order: the merchant changed them locally, but a listed product keeps its remote values.
    """

    body: JsonDict
    frozen_fields_differing: tuple[str, ...] = ()


def product_update_payload(
    remote_product_id: str,
    snapshot: ProductSnapshot,
    *,
    image_urls: Mapping[int, str],
    freight_template_remote_id: int | str | None,
    listed_once: bool,
    remote_frozen: Mapping[str, Any] | None,
    remote_quantities: Mapping[str, int] | None = None,
) -> UpdatePayload:
    """The ``update`` body (§2.1 row 1.3): ``product_id`` plus the create body (§2.2).

    After a product has been listed once, the manual forbids changing ``name``, ``category`` and ``property``
    (§2.2 update rule). When ``listed_once`` and ``remote_frozen`` (the remote's current ``{name, category_id,
    property}``, e.g. ``RemoteProduct.frozen_fields()``) are given, those fields are sent as the remote has them,
    so the update cannot fail on them; the ones whose local value differs are reported. A key missing from
    ``remote_frozen`` keeps the local value. A never-listed product is sent as it is locally.

    ``remote_quantities`` (remote sku_id -> quantity), when given, replaces the quantity of each SKU the remote
    already has: stock moves by ``stock/add``/``stock/reduce`` deltas (§2.3), and an update must not overwrite
    sales made on the platform since the last read. New SKUs keep their local stock.
    """
    body = product_payload(snapshot, image_urls=image_urls, freight_template_remote_id=freight_template_remote_id)
    differing: list[str] = []
    if listed_once and remote_frozen is not None:
        base = body["product_base"]
        for key in FROZEN_AFTER_LISTING:
            if remote_frozen.get(key) is None:
                continue
            remote_value = _frozen_value(key, remote_frozen[key])
            if _comparable(key, base[key]) != _comparable(key, remote_value):
                differing.append(key)
            base[key] = remote_value
    if remote_quantities is not None:
        by_key = {_normalised_sku_id(sku_id): quantity for sku_id, quantity in remote_quantities.items()}
        for sku in body["sku_list"]:
            quantity = by_key.get(_normalised_sku_id(sku["sku_id"]))
            if quantity is not None:
                sku["quantity"] = int(quantity)
    return UpdatePayload(body={"product_id": remote_product_id, **body}, frozen_fields_differing=tuple(differing))


def _frozen_value(key: str, value: Any) -> Any:
    if key == "name":
        return str(value)
    if key == "category_id":
        return [str(item) for item in value]
    return [{"id": str(item["id"]), "vid": str(item["vid"])} for item in value]


def _comparable(key: str, value: Any) -> Any:
    if key == "property":
        return sorted((item["id"], item["vid"]) for item in value)
    if key == "category_id":
        return list(value)
    return value


# --- Stock (§2.3) ------------------------------------------------------------------------------------------------


def stock_change_payload(remote_product_id: str, sku_key: str, delta: int) -> tuple[Literal["add", "reduce"], JsonDict]:
    """The endpoint (``stock/add`` or ``stock/reduce``, §2.1 rows 2.1–2.2) and body of a stock delta (§2.3).

    ``sku_key`` is the sku_id, ``""`` for a uniform spec; ``quantity`` is always positive, the sign picks the
    endpoint. A delta of 0 is a PayloadError: there is nothing to send.
    """
    if isinstance(delta, bool) or not isinstance(delta, int):
        raise PayloadError("quantity", f"a stock change must be a whole number, not {delta!r}")
    if delta == 0:
        raise PayloadError("quantity", "a stock change of 0 has nothing to send")
    action: Literal["add", "reduce"] = "add" if delta > 0 else "reduce"
    return action, {"product_id": remote_product_id, "sku_info": sku_key, "quantity": abs(delta)}


# --- Postage templates (§2.4) ------------------------------------------------------------------------------------


def freight_template_payload(snapshot: FreightTemplateSnapshot) -> JsonDict:
    """The ``express/add`` body (§2.1 row 3.1, §2.4): ``{"delivery_template": {Name, Assumer, Valuation, TopFee}}``.

    One ``TopFee`` entry per express type, sorted by ``Type``: its normal rule (the one without a destination)
    as ``Normal`` and its regional rules as ``Custom``, sorted by province, then city. An express type without a
    normal rule is skipped with its regional rules (the manual requires ``Normal``). An empty ``DestCountry`` is
    sent as 中国. For ``express/update`` the caller adds ``template_id``.
    """
    if snapshot.valuation != VALUATION_PER_ITEM:
        raise PayloadError("delivery_template.Valuation", "WeChat Store only supports per-item valuation")
    by_type: dict[int, list[FeeRuleSnapshot]] = {}
    for rule in snapshot.fee_rules:
        by_type.setdefault(rule.express_type, []).append(rule)
    top_fee = []
    for express_type in sorted(by_type):
        rules = by_type[express_type]
        normal = sorted((r for r in rules if not (r.dest_province or r.dest_city)), key=lambda r: r.dest_country)
        if not normal:
            continue
        custom = sorted(
            (r for r in rules if r.dest_province or r.dest_city),
            key=lambda r: (r.dest_province, r.dest_city, r.dest_country),
        )
        top_fee.append(
            {
                "Type": express_type,
                "Normal": _fees(normal[0]),
                "Custom": [
                    {
                        **_fees(rule),
                        "DestCountry": rule.dest_country or DEFAULT_COUNTRY,
                        "DestProvince": rule.dest_province,
                        "DestCity": rule.dest_city,
                    }
                    for rule in custom
                ],
            }
        )
    if not top_fee:
        raise PayloadError("delivery_template.TopFee", "no express type has a default fee rule")
    return {
        "delivery_template": {
            "Name": snapshot.name,
            "Assumer": snapshot.assumer,
            "Valuation": snapshot.valuation,
            "TopFee": top_fee,
        }
    }


def _fees(rule: FeeRuleSnapshot) -> JsonDict:
    return {
        "StartStandards": rule.start_standards,
        "StartFees": rule.start_fees,
        "AddStandards": rule.add_standards,
        "AddFees": rule.add_fees,
    }


# --- Groups (§2.1 rows 4.1–4.6) -----------------------------------------------------------------------------------


def group_payload(snapshot: GroupSnapshot, product_remote_ids: Mapping[int, str]) -> JsonDict:
    """The ``group/add`` body (§2.1 row 4.1): ``{"group_detail": {"group_name", "product_list"}}``.

    ``product_list`` holds the remote ids of the group's products that are on WeChat Store
    (``product_remote_ids``: local product id -> remote product id), sorted; the others are left out.
    """
    name = snapshot.name.strip()
    if not name:
        raise PayloadError("group_detail.group_name", "the group has no name")
    product_list = sorted({product_remote_ids[pid] for pid in snapshot.product_ids if product_remote_ids.get(pid)})
    return {"group_detail": {"group_name": name, "product_list": product_list}}


def group_product_changes(remote_product_ids_now: Set[str], wanted: Set[str]) -> list[JsonDict]:
    """The ``product`` list of ``group/productmod`` (§2.1 row 4.4) turning the remote group into ``wanted``.

    ``mod_action`` 0 removes, 1 adds; sorted by product id. Empty when nothing changes.
    """
    changes = [{"product_id": pid, "mod_action": 0} for pid in remote_product_ids_now - wanted]
    changes += [{"product_id": pid, "mod_action": 1} for pid in wanted - remote_product_ids_now]
    return sorted(changes, key=lambda change: (change["product_id"], change["mod_action"]))


def group_productmod_payload(remote_group_id: int | str, changes: Sequence[Mapping[str, Any]]) -> JsonDict:
    """The ``group/productmod`` body (§2.1 row 4.4): ``{"group_id", "product": [{product_id, mod_action}]}``."""
    return {
        "group_id": _remote_int(remote_group_id, "group_id"),
        "product": [{"product_id": c["product_id"], "mod_action": c["mod_action"]} for c in changes],
    }


# --- Shelves (§2.5) ------------------------------------------------------------------------------------------------


def shelf_payload(
    snapshot: ShelfSnapshot, group_remote_ids: Mapping[int, int | str], image_urls: Mapping[int, str]
) -> JsonDict:
    """The ``shelf/add`` body (§2.1 row 5.1, §2.5): ``shelf_data.module_infos``, ``shelf_banner``, ``shelf_name``.

    Modules keep the shelf's order, each shaped as the §2.5 table says for its control (eid 1–5), groups in
    their order. ``shelf_banner`` is left out when the shelf has no banner: the manual asks for an upload_img
    URL "or the call fails", so an empty string is not a safe way to say "none", and a control 5 shelf has no
    banner at all ("仅控件1-4有banner，控件5没有banner"). A control 5 shelf with a banner, or with other modules,
    is a PayloadError. For ``shelf/mod`` the caller adds ``shelf_id``.
    """
    name = snapshot.name.strip()
    if not name:
        raise PayloadError("shelf_name", "the shelf has no name")
    if not snapshot.modules:
        raise PayloadError("shelf_data.module_infos", "the shelf has no module")
    has_background = any(module.control == SHELF_CONTROL_BACKGROUND for module in snapshot.modules)
    if has_background and len(snapshot.modules) > 1:
        raise PayloadError("shelf_data.module_infos", "control 5 cannot be combined with other modules")
    module_infos = [
        _shelf_module(module, f"shelf_data.module_infos[{index}]", group_remote_ids, image_urls)
        for index, module in enumerate(snapshot.modules)
    ]
    body: JsonDict = {"shelf_data": {"module_infos": module_infos}, "shelf_name": name}
    if snapshot.banner_asset_id is not None:
        if has_background:
            raise PayloadError("shelf_banner", "a shelf with control 5 has no banner")
        body["shelf_banner"] = _image_url(image_urls, snapshot.banner_asset_id, "shelf_banner")
    return body


def _shelf_module(
    module: ShelfModuleSnapshot, path: str, group_remote_ids: Mapping[int, int | str], image_urls: Mapping[int, str]
) -> JsonDict:
    control = module.control
    if control not in SHELF_GROUP_LIMITS:
        raise PayloadError(f"{path}.eid", f"unknown shelf control {control}")
    low, high = SHELF_GROUP_LIMITS[control]
    single = control in (1, 3)
    groups_path = f"{path}.group_info" if single else f"{path}.group_infos.groups"
    count = len(module.groups)
    if count < low or (high is not None and count > high):
        limit = f"{low}" if low == high else f"{low} to {high}" if high is not None else f"at least {low}"
        raise PayloadError(groups_path, f"control {control} takes {limit} group(s), not {count}")

    def group(index: int, group_id: int, image_asset_id: int | None) -> JsonDict:
        field = groups_path if single else f"{groups_path}[{index}]"
        remote_id = group_remote_ids.get(group_id)
        if remote_id is None or remote_id == "":
            raise PayloadError(f"{field}.group_id", f"group {group_id} is not on WeChat Store yet")
        entry: JsonDict = {"group_id": _remote_int(remote_id, f"{field}.group_id")}
        if control in (3, 4):
            if image_asset_id is None:
                raise PayloadError(f"{field}.img", f"control {control} needs an image for each group")
            entry["img"] = _image_url(image_urls, image_asset_id, f"{field}.img")
        return entry

    groups = [group(index, group_id, image) for index, (group_id, image) in enumerate(module.groups)]
    if control == 1:
        if not module.product_count:
            raise PayloadError(f"{path}.group_info.filter.count", "control 1 needs the number of products to show")
        return {"eid": 1, "group_info": {**groups[0], "filter": {"count": module.product_count}}}
    if control == 3:
        return {"eid": 3, "group_info": groups[0]}
    if control == SHELF_CONTROL_BACKGROUND:
        if module.background_asset_id is None:
            raise PayloadError(f"{path}.group_infos.img_background", "control 5 needs a background image")
        background = _image_url(image_urls, module.background_asset_id, f"{path}.group_infos.img_background")
        return {"eid": 5, "group_infos": {"groups": groups, "img_background": background}}
    return {"eid": control, "group_infos": {"groups": groups}}


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
