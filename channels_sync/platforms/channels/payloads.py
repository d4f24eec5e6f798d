"""WeChat Channels store (API reference §3): catalog snapshots to the product and stock request bodies.

The freight template body is in ``freight_payloads``, the third-party source declaration in ``source_payloads``,
the API's constants and enums in ``constants`` and the answers' readers in ``parsers``.

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
* An answer that does not have the documented shape is a :class:`ResponseShapeError` (``parsers``).
* ``PayloadError`` and ``ResponseShapeError`` are the platform-neutral classes (``platforms.errors``,
  ``platforms.responses``), so the engine catches one class whatever the platform.
"""

from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from channels_sync.platforms.errors import PayloadError
from channels_sync.platforms.skus import checked_out_sku_id, out_sku_id_for
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
    Platform,
)
from products.selectors import ProductSnapshot, SkuSnapshot

from .constants import (
    CATS_LEVELS,
    DELIVER_METHOD_ACCOUNT,
    DELIVER_METHOD_EXPRESS,
    DELIVER_METHOD_PHONE,
    DETAIL_TEXT_SEPARATOR,
    IMAGE_HOST,
    IMAGE_PATH_PREFIX,
    NO_BRAND_ID,
    PURCHASE_LIMIT_PERIOD_TYPE,
    STOCK_TYPE_SPOT,
    JsonDict,
)

__all__ = [
    "PayloadError",
    "out_sku_id_for",
    "product_payload",
    "product_update_payload",
    "stock_update_payload",
]

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
        out_sku_id = checked_out_sku_id(snapshot.id, sku, field, out_sku_ids, max_length=OUT_SKU_ID_MAX_LENGTH)
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
