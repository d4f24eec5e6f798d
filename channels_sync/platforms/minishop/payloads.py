"""The mini-shop (小商店, API reference §4, seed 001): catalog snapshots to request bodies, and answers back.

Pure functions: no database, no settings, no clock, no randomness. The same snapshot, image URLs and remote ids
always give the same body, so the engine can hash a body to skip no-ops, and the golden-file tests pin every byte.

Conventions of the whole module:

* Money is in fen. Remote ids are strings outside the wire and JSON numbers on it (seed 001 sends ``cat_id``,
  ``brand_id`` and ``template_id`` as numbers; ``product_id`` is answered as one).
* A body that cannot be built is a :class:`PayloadError` whose ``field`` is the path of the field in the body and
  whose message says what the merchant has to fix; the limits of §4 (a price of at most 1,000,000,000 fen, an
  ``out_sku_id`` of at most 32 characters, a ``sku_code`` of at most 20) are checked before anything is sent.
* An answer without the documented shape is a :class:`ResponseShapeError`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from channels_sync.platforms.errors import PayloadError
from channels_sync.platforms.responses import ResponseShapeError
from channels_sync.platforms.responses import read_items as _items
from channels_sync.platforms.responses import read_number as _number
from channels_sync.platforms.responses import read_object as _obj
from channels_sync.platforms.responses import read_text as _text
from channels_sync.platforms.skus import checked_out_sku_id, out_sku_id_for
from products.selectors import ProductSnapshot

__all__ = [
    "NO_BRAND_ID",
    "EditStatus",
    "PayloadError",
    "ProductStatus",
    "RemoteSku",
    "RemoteSpu",
    "ResponseShapeError",
    "changes_only_prices_or_stock",
    "out_sku_id_for",
    "parse_sku_list",
    "parse_spu",
    "product_payload",
    "product_update_payload",
    "stock_update_payload",
    "with_remote_stock",
]

JsonDict = dict[str, Any]

# Seed 001 brand_id: "如果是无品牌请填2100000000".
NO_BRAND_ID = 2100000000
# cats[]: levels 1 to 3 (seed 001).
CATS_LEVELS = 3
# §4 SKU limits.
PRICE_MAX = 1_000_000_000
OUT_SKU_ID_MAX_LENGTH = 32
SKU_CODE_MAX_LENGTH = 20
# Product.DeliveryType.TEMPLATE: shipping fees come from a freight template.
DELIVERY_TYPE_TEMPLATE = 1
# §4 stock/update type 2: incremental (a negative stock_num reduces).
STOCK_TYPE_DELTA = 2


class EditStatus(IntEnum):
    """``edit_status`` of the draft (§4 enums)."""

    INITIAL = 0
    EDITING = 1
    UNDER_AUDIT = 2
    AUDIT_FAILED = 3
    AUDIT_PASSED = 4


class ProductStatus(IntEnum):
    """``status`` of the product (§4 enums)."""

    INITIAL = 0
    LISTED = 5
    DELISTED_BY_MERCHANT = 11
    DELISTED_FOR_VIOLATION = 13


# --- Products ---------------------------------------------------------------------------------------------------


def _image_url(image_urls: Mapping[int, str], asset_id: int, field: str) -> str:
    url = image_urls.get(asset_id)
    if not url:
        raise PayloadError(field, f"image asset {asset_id} has no mini-shop URL (upload it first)", asset_id=asset_id)
    return url


def _remote_number(value: int | str | None, field: str, missing: str) -> int:
    if value is None or value == "":
        raise PayloadError(field, missing)
    text = str(value).strip()
    if isinstance(value, bool) or not (text.isascii() and text.isdigit()):
        raise PayloadError(field, f"{value!r} is not a numeric remote id")
    return int(text)


def product_payload(
    snapshot: ProductSnapshot, *, image_urls: Mapping[int, str], freight_template_remote_id: int | str | None
) -> JsonDict:
    """The ``product/spu/add`` body (§4, seed 001).

    * ``out_product_id`` is the merchant product code (stable: a lost add is found again by it); ``title`` and
      ``sub_title`` (the short title) are sent stripped.
    * ``head_img`` are the head images in order; ``desc_info.imgs`` the detail's image blocks (the mini-shop's
      description holds images only, seed 001).
    * ``brand_id`` is 2100000000 (no brand): the catalog's brands are the Channels store's library, which the
      mini-shop does not share.
    * ``cats`` is the mini-shop category's path from the root, ``{cat_id, level}`` for levels 1 to 3.
    * ``attrs`` are the product's properties as key/value pairs (seed 001: "属性自定义用"), in the catalog's
      order; a name given for several platforms is sent once, with its first value. ``model`` is the SPU code.
    * ``express_info.template_id`` is the remote id of the product's freight template (required: the mini-shop
      ships with templates only).
    * ``skus`` keep the snapshot's order: ``out_product_id``, ``out_sku_id`` (see :func:`out_sku_id_for`),
      ``thumb_img`` (the SKU's image, else the main image), ``sale_price`` and ``market_price`` (the original
      price) in fen, ``stock_num``, ``barcode``, ``sku_code`` (product code), ``sku_attrs`` from the spec names
      and values.

    Raises PayloadError naming the field when something the platform requires is missing or out of its limits.
    """
    category = snapshot.minishop_category
    if category is None or not category.path_remote_ids:
        raise PayloadError("cats", "no mini-shop category: choose one on the product (import the shop's categories)")
    if len(category.path_remote_ids) != CATS_LEVELS:
        raise PayloadError(
            "cats",
            f"the mini-shop category must be on level {CATS_LEVELS} (it is on level {len(category.path_remote_ids)})",
        )
    out_product_id = snapshot.out_product_id.strip()
    if not out_product_id:
        raise PayloadError("out_product_id", "the product has no merchant product code")
    title = snapshot.title.strip()
    if not title:
        raise PayloadError("title", "the product has no title")
    if not snapshot.image_asset_ids:
        raise PayloadError("head_img", "the product has no head image")
    head_img = [
        _image_url(image_urls, asset_id, f"head_img[{i}]") for i, asset_id in enumerate(snapshot.image_asset_ids)
    ]
    if snapshot.delivery_type != DELIVERY_TYPE_TEMPLATE or snapshot.freight_template_id is None:
        raise PayloadError(
            "express_info.template_id", "the mini-shop ships with freight templates only: choose a freight template"
        )
    template_text = "" if freight_template_remote_id is None else str(freight_template_remote_id).strip()
    if not (template_text.isascii() and template_text.isdigit()):
        # No remote id yet (or a preview's placeholder): the template is bound by importing the shop's ones.
        raise PayloadError(
            "express_info.template_id",
            f"freight template {snapshot.freight_template_id} is not bound to the mini-shop yet (import its templates)",
        )
    template_id = int(template_text)
    return {
        "out_product_id": out_product_id,
        "title": title,
        "sub_title": snapshot.short_title.strip(),
        "head_img": head_img,
        "desc_info": {"imgs": _detail_images(snapshot, image_urls)},
        "brand_id": NO_BRAND_ID,
        "cats": [
            {"cat_id": _remote_number(cat_id, f"cats[{level}].cat_id", "no category id"), "level": level + 1}
            for level, cat_id in enumerate(category.path_remote_ids)
        ],
        "attrs": _attrs(snapshot),
        "model": snapshot.spu_code.strip(),
        "express_info": {"template_id": template_id},
        "skus": _skus(snapshot, image_urls, out_product_id, head_img[0]),
    }


def _detail_images(snapshot: ProductSnapshot, image_urls: Mapping[int, str]) -> list[str]:
    urls: list[str] = []
    for index, block in enumerate(snapshot.detail_blocks):
        if block.kind != "image":
            continue
        if block.image_asset_id is None:
            raise PayloadError("desc_info.imgs", f"detail block {index + 1} is an image block without an image")
        urls.append(_image_url(image_urls, block.image_asset_id, f"desc_info.imgs[{len(urls)}]"))
    return urls


def _attrs(snapshot: ProductSnapshot) -> list[JsonDict]:
    attrs: list[JsonDict] = []
    seen: set[str] = set()
    for prop in snapshot.properties:
        if prop.attribute_name in seen:
            continue
        seen.add(prop.attribute_name)
        attrs.append({"attr_key": prop.attribute_name, "attr_value": prop.value_name})
    return attrs


def _price(value: int, field: str, sku_id: int) -> int:
    if value > PRICE_MAX:
        raise PayloadError(field, f"SKU {sku_id}: {value} fen is above the mini-shop's limit of {PRICE_MAX} fen")
    return value


def _skus(
    snapshot: ProductSnapshot, image_urls: Mapping[int, str], out_product_id: str, main_image_url: str
) -> list[JsonDict]:
    if not snapshot.skus:
        raise PayloadError("skus", "the product has no SKU")
    skus = []
    seen: set[str] = set()
    for index, sku in enumerate(snapshot.skus):
        field = f"skus[{index}]"
        out_sku_id = checked_out_sku_id(snapshot.id, sku, field, seen, max_length=OUT_SKU_ID_MAX_LENGTH)
        if len(sku.product_code) > SKU_CODE_MAX_LENGTH:
            raise PayloadError(f"{field}.sku_code", f"SKU {sku.id}: longer than {SKU_CODE_MAX_LENGTH} characters")
        thumb_img = (
            main_image_url
            if sku.image_asset_id is None
            else _image_url(image_urls, sku.image_asset_id, f"{field}.thumb_img")
        )
        skus.append(
            {
                "out_product_id": out_product_id,
                "out_sku_id": out_sku_id,
                "thumb_img": thumb_img,
                "sale_price": _price(sku.price, f"{field}.sale_price", sku.id),
                "market_price": _price(sku.original_price, f"{field}.market_price", sku.id),
                "stock_num": sku.stock,
                "barcode": sku.barcode,
                "sku_code": sku.product_code,
                "sku_attrs": [{"attr_key": spec["name"], "attr_value": spec["value"]} for spec in sku.spec_dicts()],
            }
        )
    return skus


def product_update_payload(
    remote_product_id: str,
    snapshot: ProductSnapshot,
    *,
    image_urls: Mapping[int, str],
    freight_template_remote_id: int | str | None,
    remote_stock_by_out_sku_id: Mapping[str, int] | None = None,
) -> JsonDict:
    """The ``product/spu/update`` body (§4): ``product_id`` (a number) plus the add body of
    :func:`product_payload`.

    ``remote_stock_by_out_sku_id``, when given, replaces the ``stock_num`` of each SKU the shop already has: stock
    moves by ``stock/update`` deltas, and an update must not overwrite sales made in the shop since the last read.
    New SKUs keep their local stock.
    """
    body = product_payload(snapshot, image_urls=image_urls, freight_template_remote_id=freight_template_remote_id)
    product_id = _remote_number(remote_product_id, "product_id", "no remote product id")
    return {"product_id": product_id, **with_remote_stock(body, remote_stock_by_out_sku_id or {})}


def with_remote_stock(body: Mapping[str, Any], remote_stock_by_out_sku_id: Mapping[str, int]) -> JsonDict:
    """``body`` (an add or update body) with the shop's ``stock_num`` for each SKU the shop already has (by
    ``out_sku_id``); new SKUs keep theirs."""
    skus = [
        {**sku, "stock_num": int(remote_stock_by_out_sku_id[sku["out_sku_id"]])}
        if sku["out_sku_id"] in remote_stock_by_out_sku_id
        else sku
        for sku in body.get("skus", [])
    ]
    return {**body, "skus": skus}


# Fields of a SKU whose change alone, on a listed product, is not counted by the add+update quota (§4).
PRICE_AND_STOCK_FIELDS = ("sale_price", "market_price", "stock_num")


def changes_only_prices_or_stock(body: Mapping[str, Any], draft: Mapping[str, Any]) -> bool:
    """Whether the update ``body`` changes nothing of ``draft`` (a ``spu/get`` answer with ``need_edit_spu`` 1)
    but SKU prices and stock (§4: such an update of a listed product does not count towards the quota).

    Every field of the body except ``product_id`` must equal the draft's, and its SKUs the draft's in the same
    order (new, removed or reordered SKUs are changes); a field the answer shapes differently counts as changed."""
    for key, value in body.items():
        if key not in ("product_id", "skus") and draft.get(key) != value:
            return False
    if "skus" not in body:
        return True
    draft_skus = draft.get("skus")
    if not isinstance(draft_skus, list) or len(draft_skus) != len(body["skus"]):
        return False
    for sku, remote in zip(body["skus"], draft_skus, strict=True):
        if not isinstance(remote, Mapping):
            return False
        if any(remote.get(key) != value for key, value in sku.items() if key not in PRICE_AND_STOCK_FIELDS):
            return False
    return True


def stock_update_payload(product_id: str, sku_id: str, delta: int) -> JsonDict:
    """The ``product/stock/update`` body of a stock delta (§4): ``type`` 2 (incremental), ``stock_num`` the delta
    (negative to reduce). Never type 1, which overwrites sales made meanwhile; a delta of 0 is a PayloadError."""
    if isinstance(delta, bool) or not isinstance(delta, int):
        raise PayloadError("stock_num", f"a stock change must be a whole number, not {delta!r}")
    if delta == 0:
        raise PayloadError("stock_num", "a stock change of 0 has nothing to send")
    return {
        "product_id": _remote_number(product_id, "product_id", "no remote product id"),
        "sku_id": _remote_number(sku_id, "sku_id", "no remote SKU id"),
        "type": STOCK_TYPE_DELTA,
        "stock_num": delta,
    }


# --- Answers ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RemoteSku:
    sku_id: str
    out_sku_id: str
    sale_price: int | None
    stock_num: int | None


@dataclass(frozen=True)
class RemoteSpu:
    """One copy of a product as ``spu/get`` (or ``get_list``) answers it."""

    product_id: str
    out_product_id: str
    title: str
    status: int | None
    edit_status: int | None
    reject_reason: str
    skus: tuple[RemoteSku, ...]

    @property
    def listed(self) -> bool:
        return self.status == ProductStatus.LISTED

    @property
    def under_audit(self) -> bool:
        return self.edit_status == EditStatus.UNDER_AUDIT

    @property
    def ever_listed(self) -> bool:
        """Whether an online copy exists: the status is no longer the initial one."""
        return self.status not in (None, ProductStatus.INITIAL)

    def sku_ids_by_out_sku_id(self) -> dict[str, str]:
        return {sku.out_sku_id: sku.sku_id for sku in self.skus if sku.out_sku_id}

    def stock_by_sku_id(self) -> dict[str, int]:
        return {sku.sku_id: sku.stock_num for sku in self.skus if sku.stock_num is not None}


def _sku(item: Any, path: str) -> RemoteSku:
    data = _obj(item, path)
    return RemoteSku(
        sku_id=_text(data, "sku_id", path, required=True),
        out_sku_id=_text(data, "out_sku_id", path),
        sale_price=_number(data, "sale_price", path),
        stock_num=_number(data, "stock_num", path),
    )


def parse_spu(spu: Mapping[str, Any], path: str = "data.spu") -> RemoteSpu:
    """Read one ``data.spu`` (or an item of ``spus[]``)."""
    spu = _obj(spu, path)
    audit_info = spu.get("audit_info")
    reason = _text(audit_info, "reject_reason", f"{path}.audit_info") if isinstance(audit_info, Mapping) else ""
    return RemoteSpu(
        product_id=_text(spu, "product_id", path, required=True),
        out_product_id=_text(spu, "out_product_id", path),
        title=_text(spu, "title", path),
        status=_number(spu, "status", path),
        edit_status=_number(spu, "edit_status", path),
        reject_reason=reason,
        skus=tuple(_sku(item, f"{path}.skus[{i}]") for i, item in enumerate(_items(spu, "skus", path))),
    )


def parse_sku_list(skus: list[Any]) -> dict[str, int]:
    """``sku/get_list``'s ``skus[]`` as sku_id -> stock_num (SKUs without a stock_num are left out)."""
    stock = {}
    for index, item in enumerate(skus):
        sku = _sku(item, f"skus[{index}]")
        if sku.stock_num is not None:
            stock[sku.sku_id] = sku.stock_num
    return stock
