"""Pure mapping of catalog snapshots onto Tencent Ads sales information (API reference §5, seed 003).

One sales-info item per SKU (``sku_sales_infos[]`` of ``product_salesinfos/add``):

* ``external_store_id``, ``store_type`` and ``sale_channel_name`` come from the shop's settings;
* ``external_sku_id`` is the SKU's merchant code, or ``"{product id}-{SKU id}"`` when it has none: the same id the
  Channels store uses for ``out_sku_id``, built from primary keys so it never changes for the SKU;
* ``price`` is required (seed 003 marks the struct without 必填, but its ``current_price`` and
  ``sku_price`` are 必填, so no item is valid without it; the emulator refuses it the same way) and holds the
  catalog's fen as yuan: ``current_price`` and ``daily_price`` are the sale price,
  ``sku_price`` the original price (the sale price when there is none), each exact to the cent. The catalog has
  no promotions, so ``sku_promotions`` is never sent;
* ``stock.sku_stock_status`` is ON_SALE when the product is listed in the shop and the SKU has stock, else
  OFF_SALE: the platform takes only whether a SKU sells, never a quantity;
* ``sku_status`` is NEW within ``new_sku_days`` of the product's first publish in the shop, else NORMAL, and
  STOP once the product is deleted;
* ``target_url_props`` is the shop's landing-page template with ``{out_product_id}`` and ``{sku_code}`` filled in
  (URL-quoted), and the shop's mini-program app id.

A body is JSON-ready: prices are JSON numbers (floats holding whole cents), so the body can be hashed and stored
as the last pushed payload. :func:`encode_request` renders the wire bytes with exactly two decimals
(``78.00``), as the reference asks, from :class:`~decimal.Decimal` values. :func:`validate_body` checks every rule
of §5 before anything is sent, so a bad setting fails the job with a message naming the field instead of a
rejection per batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from django.utils.translation import gettext as _

from channels_sync.platforms.errors import PayloadError
from channels_sync.platforms.skus import out_sku_id_for
from products.selectors import ProductSnapshot, SkuSnapshot

JsonDict = dict[str, Any]

# §5 enums.
SALE_CHANNELS = ("WECHAT_MINIPROGRAM", "WECHAT_H5", "PC", "APP", "H5", "JD", "VIPSHOP", "PDD", "OTHER")
STORE_TYPES = ("SHOP", "WAREHOUSE", "EC_WAREHOUSE")
SKU_STATUSES = ("NEW", "NORMAL", "STOP")
STOCK_STATUSES = ("ON_SALE", "OFF_SALE")
NEW, NORMAL, STOP = SKU_STATUSES
ON_SALE, OFF_SALE = STOCK_STATUSES

# §5 limits, in UTF-8 bytes where the reference says "字节".
MAX_ITEMS_PER_CALL = 50
MAX_PROMOTIONS = 50
STORE_ID_BYTES = (1, 32)
SKU_ID_BYTES = (1, 128)
TARGET_URL_BYTES = (1, 2048)
APPID_BYTES = (1, 1024)
LABEL_NAME_BYTES = (1, 64)
LABEL_TIME_BYTES = (18, 20)
# The binding's remote id ("{external_store_id}:{out_product_id}") must fit RemoteBinding.remote_id.
REMOTE_ID_MAX_LENGTH = 128

PRICE_KEYS = frozenset({"daily_price", "current_price", "sku_price", "promotion_price"})
CENT = Decimal("0.01")


@dataclass(frozen=True)
class SalesInfoSettings:
    """The shop's Tencent Ads settings (``ShopConfig.options``) as the builder needs them."""

    account_id: int
    data_warehouse_id: int
    external_store_id: str
    store_type: str
    sale_channel_name: str
    miniprogram_appid: str
    landing_page_template: str
    new_sku_days: int = 0


def settings_from_options(options: Mapping[str, Any]) -> SalesInfoSettings:
    """The settings of ``options``; a missing value is a :class:`PayloadError` naming it."""
    if not options:
        raise PayloadError("tencent_ads", _("The shop has no Tencent Ads settings yet: fill them in on the shop."))
    values: dict[str, Any] = {}
    for name in ("account_id", "data_warehouse_id"):
        value = options.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise PayloadError(name, _("%(field)s must be a positive integer.") % {"field": name})
        values[name] = value
    for name in (
        "external_store_id",
        "store_type",
        "sale_channel_name",
        "miniprogram_appid",
        "landing_page_template",
    ):
        value = options.get(name)
        if not isinstance(value, str) or not value.strip():
            raise PayloadError(name, _("%(field)s is not set in the shop's Tencent Ads settings.") % {"field": name})
        values[name] = value.strip()
    new_days = options.get("new_sku_days") or 0
    values["new_sku_days"] = new_days if isinstance(new_days, int) and not isinstance(new_days, bool) else 0
    return SalesInfoSettings(**values)


# --- money ---------------------------------------------------------------------------------------------------


def yuan(fen: int) -> Decimal:
    """Fen as yuan with exactly two decimals (``7800`` -> ``Decimal("78.00")``); exact, never rounded."""
    return (Decimal(fen) / 100).quantize(CENT)


def as_number(value: Decimal) -> float:
    """A two-decimal amount as a JSON number for the body (the wire keeps both decimals, see encode_request)."""
    return float(value)


def as_decimal(value: Any) -> Decimal:
    """A body amount back as a :class:`Decimal` (a float's shortest text is exact for whole cents)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"not an amount: {value!r}")
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


# --- ids and links -------------------------------------------------------------------------------------------


def external_sku_id_for(product_id: int, sku: SkuSnapshot) -> str:
    """The SKU's merchant code, or ``"{product id}-{SKU id}"`` (the id the Channels store's out_sku_id uses)."""
    return out_sku_id_for(product_id, sku)


def remote_id_for(external_store_id: str, out_product_id: str) -> str:
    """What the binding keeps as the product's remote id: the platform has no product, only SKUs per store."""
    return f"{external_store_id}:{out_product_id}"


def landing_page(template: str, *, out_product_id: str, sku_code: str) -> str:
    """The template with its placeholders replaced by the URL-quoted codes."""
    return template.replace("{out_product_id}", quote(out_product_id, safe="")).replace(
        "{sku_code}", quote(sku_code, safe="")
    )


def is_new(*, new_sku_days: int, first_published_at: datetime | None, now: datetime) -> bool:
    """Whether the product still counts as new: within ``new_sku_days`` of its first publish (or being published
    for the first time now)."""
    if new_sku_days <= 0:
        return False
    start = first_published_at or now
    return now - start < timedelta(days=new_sku_days)


# --- the body ------------------------------------------------------------------------------------------------


def sales_info_payload(
    snapshot: ProductSnapshot, settings: SalesInfoSettings, *, listed: bool, sku_status: str = NORMAL
) -> JsonDict:
    """The ``product_salesinfos/add`` body of every SKU of the product, in the snapshot's SKU order.

    The body holds all SKUs; the client sends it in batches of at most 50 (§5).
    """
    if not snapshot.skus:
        raise PayloadError("sku_sales_infos", _("The product has no SKUs."))
    items = [_item(snapshot, sku, settings, listed=listed, sku_status=sku_status) for sku in snapshot.skus]
    body: JsonDict = {
        "account_id": settings.account_id,
        "data_warehouse_id": settings.data_warehouse_id,
        "sku_sales_infos": items,
    }
    remote_id = remote_id_for(settings.external_store_id, snapshot.out_product_id)
    if len(remote_id) > REMOTE_ID_MAX_LENGTH:
        raise PayloadError(
            "external_store_id",
            _("The store id and the product code together must not exceed %(limit)d characters.")
            % {"limit": REMOTE_ID_MAX_LENGTH},
        )
    validate_body(body)
    return body


def _item(snapshot: ProductSnapshot, sku: SkuSnapshot, settings: SalesInfoSettings, *, listed: bool, sku_status: str):
    sku_id = external_sku_id_for(snapshot.id, sku)
    current = yuan(sku.price)
    # The catalog's original price is above the sale price (a model constraint); a zero one means "none".
    original = yuan(sku.original_price) if sku.original_price else current
    return {
        "external_store_id": settings.external_store_id,
        "external_sku_id": sku_id,
        "sale_channel_name": settings.sale_channel_name,
        "store_type": settings.store_type,
        "sku_status": sku_status,
        "price": {
            "daily_price": as_number(current),
            "current_price": as_number(current),
            "sku_price": as_number(original),
        },
        "stock": {"sku_stock_status": ON_SALE if listed and sku.stock > 0 else OFF_SALE},
        "target_url_props": {
            "target_url_miniprogram": landing_page(
                settings.landing_page_template, out_product_id=snapshot.out_product_id, sku_code=sku_id
            ),
            "miniprogram_appid": settings.miniprogram_appid,
        },
    }


def with_statuses(body: Mapping[str, Any], *, sku_status: str | None = None, stock_status: str | None = None):
    """A copy of a pushed body with every item's ``sku_status`` and/or ``stock.sku_stock_status`` replaced.

    Deleting a product sends its last pushed items again as STOP and OFF_SALE: the platform has no delete.
    """
    items = []
    for item in body.get("sku_sales_infos") or ():
        item = {**item, "stock": dict(item.get("stock") or {})}
        if sku_status is not None:
            item["sku_status"] = sku_status
        if stock_status is not None:
            item["stock"]["sku_stock_status"] = stock_status
        items.append(item)
    return {**body, "sku_sales_infos": items}


def batches(body: Mapping[str, Any], size: int = MAX_ITEMS_PER_CALL) -> Iterator[JsonDict]:
    """The body split into calls of at most ``size`` items, each with the account and warehouse ids."""
    items = list(body.get("sku_sales_infos") or ())
    for start in range(0, len(items), size):
        yield {**body, "sku_sales_infos": items[start : start + size]}


# --- validation (§5) -------------------------------------------------------------------------------------------


def _byte_length(value: str) -> int:
    return len(value.encode("utf-8"))


def _check_bytes(value: Any, field: str, limits: tuple[int, int]) -> None:
    low, high = limits
    if not isinstance(value, str):
        raise PayloadError(field, _("%(field)s must be text.") % {"field": field})
    if not low <= _byte_length(value) <= high:
        raise PayloadError(
            field,
            _("%(field)s must be %(low)d to %(high)d bytes long (UTF-8), not %(length)d.")
            % {"field": field, "low": low, "high": high, "length": _byte_length(value)},
        )


def _check_enum(value: Any, field: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise PayloadError(
            field,
            _("%(field)s must be one of %(choices)s, not %(value)s.")
            % {"field": field, "choices": ", ".join(choices), "value": value},
        )


def _check_amount(value: Any, field: str, *, required: bool) -> Decimal | None:
    if value is None:
        if required:
            raise PayloadError(field, _("%(field)s is required.") % {"field": field})
        return None
    try:
        amount = as_decimal(value)
    except (TypeError, InvalidOperation):
        raise PayloadError(field, _("%(field)s must be a number of yuan.") % {"field": field}) from None
    if amount < 0:
        raise PayloadError(field, _("%(field)s must not be negative.") % {"field": field})
    if amount != amount.quantize(CENT):
        raise PayloadError(field, _("%(field)s must have at most two decimals.") % {"field": field})
    return amount


def validate_body(body: Mapping[str, Any]) -> None:
    """Every field rule of §5; the first broken one is a :class:`PayloadError` naming its path."""
    for name in ("account_id", "data_warehouse_id"):
        value = body.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise PayloadError(name, _("%(field)s must be a positive integer.") % {"field": name})
    items = body.get("sku_sales_infos")
    if not isinstance(items, list) or not items:
        raise PayloadError("sku_sales_infos", _("sku_sales_infos must list at least one SKU."))
    seen: set[tuple[str, str]] = set()
    for index, item in enumerate(items):
        path = f"sku_sales_infos[{index}]"
        _check_bytes(item.get("external_store_id"), f"{path}.external_store_id", STORE_ID_BYTES)
        _check_bytes(item.get("external_sku_id"), f"{path}.external_sku_id", SKU_ID_BYTES)
        key = (item["external_store_id"], item["external_sku_id"])
        if key in seen:
            raise PayloadError(
                f"{path}.external_sku_id",
                _("%(field)s %(value)s appears twice.") % {"field": f"{path}.external_sku_id", "value": key[1]},
            )
        seen.add(key)
        _check_enum(item.get("sale_channel_name"), f"{path}.sale_channel_name", SALE_CHANNELS)
        _check_enum(item.get("store_type"), f"{path}.store_type", STORE_TYPES)
        _check_enum(item.get("sku_status"), f"{path}.sku_status", SKU_STATUSES)
        price = item.get("price")
        if not isinstance(price, Mapping):
            # Required although seed 003 marks ``price`` without 必填: its current_price and sku_price are 必填.
            raise PayloadError(f"{path}.price", _("%(field)s is required.") % {"field": f"{path}.price"})
        _check_amount(price.get("daily_price"), f"{path}.price.daily_price", required=False)
        current = _check_amount(price.get("current_price"), f"{path}.price.current_price", required=True)
        original = _check_amount(price.get("sku_price"), f"{path}.price.sku_price", required=True)
        if current is not None and original is not None and current > original:
            raise PayloadError(
                f"{path}.price.current_price",
                _("%(field)s (%(current)s) must not be above sku_price (%(original)s).")
                % {"field": f"{path}.price.current_price", "current": current, "original": original},
            )
        promotions = price.get("sku_promotions") or []
        if len(promotions) > MAX_PROMOTIONS:
            raise PayloadError(
                f"{path}.price.sku_promotions",
                _("At most %(limit)d promotions per SKU.") % {"limit": MAX_PROMOTIONS},
            )
        for number, promotion in enumerate(promotions):
            _check_amount(
                promotion.get("promotion_price"),
                f"{path}.price.sku_promotions[{number}].promotion_price",
                required=False,
            )
        _check_enum((item.get("stock") or {}).get("sku_stock_status"), f"{path}.stock.sku_stock_status", STOCK_STATUSES)
        target = item.get("target_url_props") or {}
        _check_bytes(
            target.get("target_url_miniprogram"), f"{path}.target_url_props.target_url_miniprogram", TARGET_URL_BYTES
        )
        _check_bytes(target.get("miniprogram_appid"), f"{path}.target_url_props.miniprogram_appid", APPID_BYTES)
        for number, label in enumerate(item.get("labels") or []):
            label_path = f"{path}.labels[{number}]"
            for name, limits in (
                ("name", LABEL_NAME_BYTES),
                ("start_time", LABEL_TIME_BYTES),
                ("end_time", LABEL_TIME_BYTES),
            ):
                if label.get(name) is not None:
                    _check_bytes(label[name], f"{label_path}.{name}", limits)


# --- the wire ---------------------------------------------------------------------------------------------------


def encode_request(body: Any, *, indent: int | None = None, sort_keys: bool = False) -> str:
    """``body`` as JSON text in which every price key holds a number with exactly two decimals (``78.00``).

    ``json`` writes floats with the fewest digits (``78.0``), so amounts are written here from their
    :class:`Decimal`. ``indent``/``sort_keys`` as in :func:`json.dumps` (for golden files); the wire is compact.
    """
    return _encode(body, None, indent, sort_keys, 0)


def _encode(value: Any, key: str | None, indent: int | None, sort_keys: bool, depth: int) -> str:
    if key in PRICE_KEYS and not isinstance(value, bool) and isinstance(value, int | float | Decimal):
        return format(as_decimal(value).quantize(CENT), "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        pairs = sorted(value.items()) if sort_keys else list(value.items())
        parts = [
            f"{json.dumps(str(k), ensure_ascii=False)}:{' ' if indent is not None else ''}"
            f"{_encode(v, str(k), indent, sort_keys, depth + 1)}"
            for k, v in pairs
        ]
        return _wrap("{", "}", parts, indent, depth)
    if isinstance(value, list | tuple):
        return _wrap("[", "]", [_encode(v, None, indent, sort_keys, depth + 1) for v in value], indent, depth)
    return json.dumps(value, ensure_ascii=False)


def _wrap(opening: str, closing: str, parts: list[str], indent: int | None, depth: int) -> str:
    if not parts:
        return opening + closing
    if indent is None:
        return opening + ",".join(parts) + closing
    inner = "\n" + " " * (indent * (depth + 1))
    return opening + inner + ("," + inner).join(parts) + "\n" + " " * (indent * depth) + closing
