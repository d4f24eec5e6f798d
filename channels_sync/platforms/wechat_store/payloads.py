"""WeChat Store V1.17 (legacy ``/merchant/`` API): catalog snapshots to the product and stock
request bodies.

Postage templates, groups and shelves are built in ``catalog_payloads``; the constants are in ``constants``, the
answers' readers (and the fingerprint of a lost create) in ``parsers``.

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
* An answer that does not have the documented shape is a :class:`ResponseShapeError` (``parsers``).
* Remote template and group ids are integers on the wire (§2.1 rows 3.1, 4.1); callers may hold them as strings.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from django.utils.translation import gettext as _

from products.models import Platform
from products.selectors import (
    ProductSnapshot,
)
from products.sku_matrix import custom_key

from ..errors import PayloadError
from .constants import (
    DELIVERY_TYPE_EXPRESS,
    DELIVERY_TYPE_TEMPLATE,
    FROZEN_AFTER_LISTING,
    JsonDict,
)

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
