"""Form fields of the open platform's publishProduct (API reference §6, seed 004), built from catalog snapshots.

publishProduct is ``application/x-www-form-urlencoded``: every value is text, and the four list fields
(``salesChannelList``, ``mediaList``, ``attributeList``, ``skuList``) are JSON strings inside the form. The builders
here are pure: a snapshot, the platform URL of each image and the merged options in, an ordered ``{field: text}``
dict out (the access token is added by the client, never here, so a payload shown in the admin has none).

Where each field comes from (option = the product's override, else the shop's default, see :func:`merged_options`):

* ``supplierSpu`` the product's out_product_id (the key the platform knows the product by); ``spuName`` the title;
  ``spuImage`` the main image; ``categoryId``, ``salesWay``, ``settlementWay``, ``deliveryWay``,
  ``deliveryTimeliness``, ``timePeriodType`` (default DAY) and ``salesChannelList`` options only;
  ``brandName`` the option, else the product's brand; ``keyword`` the option, else the title.
* ``description`` the text detail blocks (one per line), else the short title, else the title;
  ``pcIntroduction``/``appIntroduction`` the detail blocks as HTML (``<p>`` text, ``<img>`` images).
* ``mediaList`` the head images: the first as ``main_media_type`` (MAIN_PICTURE) with sorting 1, the others as
  ``extra_media_type`` (CAROUSEL_PICTURE) from 2; ``mediaName`` is the image's file name.
* ``attributeList`` the product's properties (every platform's, the first value of a name wins).
* ``skuList`` one item per SKU: ``supplierSku`` its out_sku_id, else its product code, else
  ``<out_product_id>-<SKU id>``; ``skuName`` the title and the spec values; ``agreementPrice`` = sale price ×
  ``agreement_price_percent`` and ``referencePrice`` = original price (the sale price when there is none) ×
  ``reference_price_percent``, in yuan with 2 decimals (Decimal, rounded half up; 100 % when unset);
  ``quantity`` the stock; ``weight`` the product weight in kg; ``upc`` the barcode; ``skuSpecs`` the spec
  combination (``specsCode`` "<spec id>:<value id>" without the ``$`` of custom specs); a uniform SKU sends one
  spec "规格: 默认" because ``skuSpecs`` is required; ``checkPriceMsgList`` for joint-operation (联营) merchants only.

:func:`validate_form` checks every required field, enum and JSON sub-field of §6 before anything is sent; it
raises :class:`PayloadError` whose message (translated) names the field, e.g. ``skuList[0].saleUnit``.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from json.encoder import encode_basestring
from typing import Any

from django.utils.translation import gettext as _

from channels_sync.platforms.errors import PayloadError
from products.selectors import ProductSnapshot, SkuSnapshot

SALES_WAYS = ("DIRECT_SELLING", "CONSIGNMENT", "DIRECT_SELLING_OR_CONSIGNMENT")
SETTLEMENT_WAYS = ("PROPORTIONAL", "SETTLEMENT_PRICE")
DELIVERY_WAYS = ("FACTORY_DELIVERY", "JD_DELIVERY", "THIRD_PART_DELIVERY")
TIME_PERIOD_TYPES = ("HOUR", "DAY")
MEDIA_TYPES = ("MAIN_PICTURE", "CAROUSEL_PICTURE", "VIDEO_PICTURE", "VIDEO")
DEFAULT_TIME_PERIOD_TYPE = "DAY"
MAIN_MEDIA_TYPE = "MAIN_PICTURE"
EXTRA_MEDIA_TYPE = "CAROUSEL_PICTURE"
# §6 writes "yyyy-MM-dd hh:mm:ss" but its example has 23:59:59: a 24-hour clock.
DISPLAY_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_DISPLAY_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", re.ASCII)
# The emulator's syntax of the form's numbers: ASCII digits only (str.isdigit() also takes "²", which int() refuses),
# no sign, exponent or blank; categoryId is a Java Long (seed 004), 1 to 2^63 - 1.
_WHOLE_TEXT = re.compile(r"^\d+$", re.ASCII)
_NUMBER_TEXT = re.compile(r"^\d+(\.\d+)?$", re.ASCII)
LONG_MAX = 2**63 - 1
# skuSpecs is required; a SKU of a uniform-spec product has no combination, so it sends this one spec.
UNIFORM_SPEC = {"specsCode": "default", "specsName": "规格", "specsValue": "默认"}
FULL_PERCENT = Decimal(100)
CENT = Decimal("0.01")
GRAM = Decimal("0.001")

# The form fields in the order of §6's parameter table (the token first, added by the client). Required as seed 004's
# table says: salesWay, settlementWay, deliveryWay and deliveryTimeliness are "yes" there, whatever §6's prose says.
REQUIRED_TEXT_FIELDS = (
    "supplierSpu",
    "spuName",
    "spuImage",
    "categoryId",
    "brandName",
    "keyword",
    "description",
    "pcIntroduction",
    "salesWay",
    "settlementWay",
    "deliveryWay",
    "deliveryTimeliness",
    "salesChannelList",
    "mediaList",
    "attributeList",
    "skuList",
)
JSON_FIELDS = ("salesChannelList", "mediaList", "attributeList", "skuList")
# Form fields that only the options fill: a missing one is fixed in the shop's defaults (or the product's options).
OPTION_ONLY_FIELDS = frozenset(
    {"categoryId", "brandName", "salesWay", "settlementWay", "deliveryWay", "deliveryTimeliness", "salesChannelList"}
)


# --- options -------------------------------------------------------------------------------------------------------


def merged_options(shop_options: Mapping[str, Any], product_options: Mapping[str, Any] | None) -> dict[str, Any]:
    """The product's overrides over the shop's defaults; a blank override (absent from ``as_options()``) keeps the
    default. ``is_joint_operation`` belongs to the shop and cannot be overridden."""
    merged = dict(shop_options)
    for name, value in (product_options or {}).items():
        if name != "is_joint_operation" and value not in (None, "", []):
            merged[name] = value
    return merged


# --- JSON inside the form --------------------------------------------------------------------------------------------


def compact_json(value: Any) -> str:
    """Compact, deterministic JSON with Chinese text as is; a Decimal is written as its exact digits (``59.90``),
    never through a float."""
    # The leaves are written directly (as json.dumps would, ensure_ascii=False): a SKU list has thousands of them,
    # and one json.dumps call per leaf costs most of the build (bench/payloads.py).
    if isinstance(value, str):
        return encode_basestring(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{encode_basestring(str(k))}:{compact_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(compact_json(item) for item in value) + "]"
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def yuan(fen: int, percent: Decimal = FULL_PERCENT) -> Decimal:
    """``fen`` × ``percent`` % in yuan, 2 decimals, rounded half up."""
    return (Decimal(fen) * percent / Decimal(10000)).quantize(CENT, rounding=ROUND_HALF_UP)


def _percent(options: Mapping[str, Any], name: str) -> Decimal:
    value = options.get(name)
    if value in (None, ""):
        return FULL_PERCENT
    try:
        percent = Decimal(str(value))
    except InvalidOperation:
        raise _fail(name, _("is not a number.")) from None
    if not 0 < percent <= FULL_PERCENT:
        raise _fail(name, _("must be above 0 and at most 100."))
    return percent


# --- the product form ------------------------------------------------------------------------------------------------


def product_form(
    snapshot: ProductSnapshot, *, image_urls: Mapping[int, str], options: Mapping[str, Any]
) -> dict[str, str]:
    """The publishProduct form fields (without ``token``) of one product, checked by :func:`validate_form`.

    ``options`` are the merged options (:func:`merged_options`) plus ``is_joint_operation``.
    """
    if not snapshot.image_asset_ids:
        raise PayloadError("spuImage", _("spuImage: the product needs at least one image."))
    main_image = _image_url(image_urls, snapshot.image_asset_ids[0], "spuImage")
    joint = bool(options.get("is_joint_operation"))
    description = "\n".join(b.text.strip() for b in snapshot.detail_blocks if b.kind == "text" and b.text.strip())
    introduction = _introduction_html(snapshot, image_urls)
    form: dict[str, str] = {
        "supplierSpu": snapshot.out_product_id,
        "spuName": snapshot.title,
        "spuImage": main_image,
        "categoryId": _text(options.get("category_id")),
        "brandName": _text(options.get("brand_name")) or snapshot.brand_name,
        "keyword": _text(options.get("keyword")) or snapshot.title,
        "description": description or snapshot.short_title or snapshot.title,
        "pcIntroduction": introduction,
        "appIntroduction": introduction,
        "salesWay": _text(options.get("sales_way")),
        "settlementWay": _text(options.get("settlement_way")),
        "deliveryWay": _text(options.get("delivery_way")),
        "deliveryTimeliness": _text(options.get("delivery_timeliness")),
        "timePeriodType": _text(options.get("time_period_type")) or DEFAULT_TIME_PERIOD_TYPE,
        "salesChannelList": compact_json(_sales_channels(options.get("sales_channels"))),
        "mediaList": compact_json(_media_list(snapshot, image_urls, options)),
        "attributeList": compact_json(_attributes(snapshot)),
        "skuList": compact_json(_skus(snapshot, image_urls, options, main_image, joint)),
    }
    validate_form(form, joint_operation=joint)
    return form


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _image_url(image_urls: Mapping[int, str], asset_id: int, field: str) -> str:
    url = image_urls.get(asset_id)
    if not url:
        raise PayloadError(
            field,
            _("%(field)s: image #%(asset)d has no URL yet.") % {"field": field, "asset": asset_id},
            asset_id=asset_id,
        )
    return url


def _introduction_html(snapshot: ProductSnapshot, image_urls: Mapping[int, str]) -> str:
    parts = []
    for index, block in enumerate(snapshot.detail_blocks):
        if block.kind == "image" and block.image_asset_id is not None:
            src = html.escape(_image_url(image_urls, block.image_asset_id, f"pcIntroduction[{index}]"), quote=True)
            parts.append(f'<img src="{src}"/>')
        elif block.text.strip():
            parts.append(f"<p>{html.escape(block.text.strip(), quote=False)}</p>")
    return "".join(parts) or f"<p>{html.escape(snapshot.title, quote=False)}</p>"


def _sales_channels(value: Any) -> list[dict[str, Any]]:
    """The option's channels with §6's keys in §6's order, whatever order the database kept them in."""
    if not isinstance(value, list) or not value:
        raise PayloadError("salesChannelList", _("salesChannelList: set the sales channels and regions."))
    channels = []
    for index, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise PayloadError(
                f"salesChannelList[{index}]", _("salesChannelList[%(index)d] must be an object.") % {"index": index}
            )
        channels.append(
            {
                "salesChannel": item.get("salesChannel"),
                "displayTimeStart": item.get("displayTimeStart"),
                "displayTimeEnd": item.get("displayTimeEnd"),
                "sevenDaysForReturn": item.get("sevenDaysForReturn"),
                "salesRegionList": item.get("salesRegionList"),
            }
        )
    return channels


def _file_name(url: str) -> str:
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or url


def _media_list(snapshot: ProductSnapshot, image_urls: Mapping[int, str], options: Mapping[str, Any]) -> list[dict]:
    main_type = _text(options.get("main_media_type")) or MAIN_MEDIA_TYPE
    extra_type = _text(options.get("extra_media_type")) or EXTRA_MEDIA_TYPE
    media = []
    for position, asset_id in enumerate(snapshot.image_asset_ids, start=1):
        url = _image_url(image_urls, asset_id, f"mediaList[{position - 1}]")
        media.append(
            {
                "mediaType": main_type if position == 1 else extra_type,
                "mediaUrl": url,
                "mediaName": _file_name(url),
                "sorting": position,
            }
        )
    return media


def _attributes(snapshot: ProductSnapshot) -> list[dict]:
    attributes: dict[str, str] = {}
    for prop in snapshot.properties:
        name, value = prop.attribute_name.strip(), prop.value_name.strip()
        if name and value and name not in attributes:
            attributes[name] = value
    return [
        {"attributeName": name, "attributeValue": value, "sorting": position}
        for position, (name, value) in enumerate(attributes.items(), start=1)
    ]


def supplier_sku_for(snapshot: ProductSnapshot, sku: SkuSnapshot) -> str:
    """The SKU's key at the platform: stable across publishes, so a republish updates the same SKU."""
    return sku.out_sku_id or sku.product_code or f"{snapshot.out_product_id}-{sku.id}"


def _sku_specs(sku: SkuSnapshot) -> list[dict]:
    specs = []
    for position, spec in enumerate(sku.spec_dicts(), start=1):
        code = f"{spec.get('id', '').lstrip('$')}:{spec.get('vid', '').lstrip('$')}"
        specs.append(
            {
                "specsCode": code,
                "specsName": spec.get("name", ""),
                "specsValue": spec.get("value", ""),
                "sorting": position,
            }
        )
    return specs or [dict(UNIFORM_SPEC)]


def _skus(
    snapshot: ProductSnapshot, image_urls: Mapping[int, str], options: Mapping[str, Any], main_image: str, joint: bool
) -> list[dict]:
    if not snapshot.skus:
        raise PayloadError("skuList", _("skuList: the product has no SKU."))
    agreement_percent = _percent(options, "agreement_price_percent")
    reference_percent = _percent(options, "reference_price_percent")
    sale_unit = _text(options.get("sale_unit"))
    min_quantity = options.get("min_delivery_quantity")
    if not sale_unit:
        raise _option_missing("skuList[0].saleUnit")
    if min_quantity in (None, ""):
        raise _option_missing("skuList[0].minDeliveryQuantity")
    weight = (Decimal(snapshot.weight_g) * GRAM).quantize(GRAM) if snapshot.weight_g else None
    skus = []
    for index, sku in enumerate(snapshot.skus):
        values = [spec.get("value", "") for spec in sku.spec_dicts() if spec.get("value")]
        agreement_price = yuan(sku.price, agreement_percent)
        item: dict[str, Any] = {
            "supplierSku": supplier_sku_for(snapshot, sku),
            "skuName": " ".join([snapshot.title, *values]),
            "skuImage": (
                _image_url(image_urls, sku.image_asset_id, f"skuList[{index}].skuImage")
                if sku.image_asset_id is not None
                else main_image
            ),
            "saleUnit": sale_unit,
            "agreementPrice": agreement_price,
            "referencePrice": yuan(sku.original_price or sku.price, reference_percent),
            "minDeliveryQuantity": min_quantity,
            "quantity": sku.stock,
        }
        if weight is not None:
            item["weight"] = weight
        if sku.barcode:
            item["upc"] = sku.barcode
        item["skuSpecs"] = _sku_specs(sku)
        if joint:
            item["checkPriceMsgList"] = [
                {
                    "outCheckPrice": agreement_price,
                    "attachment": _text(options.get("check_price_attachment")),
                    "outCheckPriceUrl": _text(options.get("check_price_url")),
                }
            ]
        skus.append(item)
    return skus


# --- validation (§6) -------------------------------------------------------------------------------------------------


def _fail(field: str, message: str) -> PayloadError:
    return PayloadError(field, f"{field}: {message}")


def _option_missing(field: str) -> PayloadError:
    return _fail(field, _("required: set it in the shop's open platform defaults or the product's options."))


def validate_form(form: Mapping[str, str], *, joint_operation: bool = False) -> None:
    """Check a publishProduct form (without ``token``) by §6: required fields, enums, numbers, the JSON fields and
    their required sub-fields. Raises :class:`PayloadError` naming the first offending field."""
    for name in REQUIRED_TEXT_FIELDS:
        if not isinstance(form.get(name), str) or not form[name].strip():
            if name in OPTION_ONLY_FIELDS:
                raise _option_missing(name)
            raise _fail(name, _("required, and empty."))
    _check_choice(form, "salesWay", SALES_WAYS)
    _check_choice(form, "settlementWay", SETTLEMENT_WAYS)
    _check_choice(form, "deliveryWay", DELIVERY_WAYS)
    if form.get("timePeriodType"):
        _check_choice(form, "timePeriodType", TIME_PERIOD_TYPES)
    if not _WHOLE_TEXT.fullmatch(form["categoryId"]) or not 0 < int(form["categoryId"]) <= LONG_MAX:
        raise _fail("categoryId", _("must be a positive whole number."))
    if _number_text(form["deliveryTimeliness"]) is None or _number_text(form["deliveryTimeliness"]) <= 0:
        raise _fail("deliveryTimeliness", _("must be a positive number."))
    decoded = {name: _decode_list(form, name) for name in JSON_FIELDS}
    for index, channel in enumerate(decoded["salesChannelList"]):
        _check_sales_channel(channel, f"salesChannelList[{index}]")
    if not decoded["salesChannelList"]:
        raise _fail("salesChannelList", _("must not be empty."))
    if not decoded["mediaList"]:
        raise _fail("mediaList", _("must not be empty."))
    for index, media in enumerate(decoded["mediaList"]):
        _check_media(media, f"mediaList[{index}]")
    for index, attribute in enumerate(decoded["attributeList"]):
        path = f"attributeList[{index}]"
        obj = _object(attribute, path)
        _require_text(obj, "attributeName", path)
        _require_text(obj, "attributeValue", path)
        _optional_int(obj, "sorting", path)
    if not decoded["skuList"]:
        raise _fail("skuList", _("must not be empty."))
    seen: set[str] = set()
    for index, sku in enumerate(decoded["skuList"]):
        path = f"skuList[{index}]"
        code = _check_sku(sku, path, joint_operation)
        if code in seen:
            raise _fail(f"{path}.supplierSku", _("“%(code)s” is used by two SKUs.") % {"code": code})
        seen.add(code)


def _check_choice(form: Mapping[str, str], name: str, choices: Sequence[str]) -> None:
    if form.get(name) not in choices:
        raise _fail(name, _("must be one of %(choices)s.") % {"choices": ", ".join(choices)})


def _number_text(text: str) -> Decimal | None:
    """A plain decimal number (``24``, ``0.5``), or None: no sign, exponent, blank or non-ASCII digit."""
    if not isinstance(text, str) or not _NUMBER_TEXT.fullmatch(text):
        return None
    return Decimal(text)


def _decode_list(form: Mapping[str, str], name: str) -> list[Any]:
    try:
        value = json.loads(form[name], parse_float=Decimal)
    except ValueError:
        raise _fail(name, _("is not valid JSON.")) from None
    if not isinstance(value, list):
        raise _fail(name, _("must be a JSON array."))
    return value


def _object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(path, _("must be an object."))
    return value


def _require_text(obj: Mapping[str, Any], key: str, path: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(f"{path}.{key}", _("required, and empty."))
    return value


def _optional_text(obj: Mapping[str, Any], key: str, path: str) -> None:
    if obj.get(key) is not None and not isinstance(obj[key], str):
        raise _fail(f"{path}.{key}", _("must be text."))


def _is_number(value: Any) -> bool:
    """A JSON number: an int or a finite Decimal (json.loads gives NaN and Infinity as floats)."""
    if isinstance(value, Decimal):
        return value.is_finite()
    return isinstance(value, int) and not isinstance(value, bool)


def _require_positive(obj: Mapping[str, Any], key: str, path: str, *, whole: bool = False) -> None:
    value = obj.get(key)
    if not _is_number(value) or value <= 0 or (whole and value != int(value)):
        message = _("must be a positive whole number.") if whole else _("must be a positive number.")
        raise _fail(f"{path}.{key}", message)


def _optional_non_negative(obj: Mapping[str, Any], key: str, path: str, *, whole: bool = False) -> None:
    value = obj.get(key)
    if value is not None and (not _is_number(value) or value < 0):
        raise _fail(f"{path}.{key}", _("must be a number of at least 0."))
    if value is not None and whole and value != int(value):
        raise _fail(f"{path}.{key}", _("must be a whole number."))


def _optional_int(obj: Mapping[str, Any], key: str, path: str) -> None:
    value = obj.get(key)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
        raise _fail(f"{path}.{key}", _("must be a whole number."))


def _list(obj: Mapping[str, Any], key: str, path: str, *, required: bool) -> list[Any]:
    value = obj.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        raise _fail(f"{path}.{key}", _("must be a non-empty list."))
    return value


def check_display_time(value: Any) -> datetime | None:
    """A ``yyyy-MM-dd HH:mm:ss`` time, or None when ``value`` is not one."""
    if not isinstance(value, str) or not _DISPLAY_TIME.match(value):
        return None
    try:
        return datetime.strptime(value, DISPLAY_TIME_FORMAT)  # noqa: DTZ007 - the platform's local wall time
    except ValueError:
        return None


def _check_sales_channel(value: Any, path: str) -> None:
    channel = _object(value, path)
    _require_text(channel, "salesChannel", path)
    times = []
    for key in ("displayTimeStart", "displayTimeEnd"):
        moment = check_display_time(channel.get(key))
        if moment is None:
            raise _fail(f"{path}.{key}", _("must be a time written yyyy-MM-dd HH:mm:ss."))
        times.append(moment)
    if times[0] > times[1]:
        raise _fail(f"{path}.displayTimeEnd", _("must not be before displayTimeStart."))
    seven_days = channel.get("sevenDaysForReturn")
    if isinstance(seven_days, bool) or seven_days not in (0, 1):
        raise _fail(f"{path}.sevenDaysForReturn", _("must be 0 or 1."))
    regions = _list(channel, "salesRegionList", path, required=True)
    if not all(isinstance(region, str) and region.strip() for region in regions):
        raise _fail(f"{path}.salesRegionList", _("must be a list of region names."))


def _check_media(value: Any, path: str) -> None:
    media = _object(value, path)
    if media.get("mediaType") not in MEDIA_TYPES:
        raise _fail(f"{path}.mediaType", _("must be one of %(choices)s.") % {"choices": ", ".join(MEDIA_TYPES)})
    _require_text(media, "mediaUrl", path)
    _require_text(media, "mediaName", path)
    _optional_int(media, "sorting", path)


def _check_sku(value: Any, path: str, joint_operation: bool) -> str:
    sku = _object(value, path)
    code = _require_text(sku, "supplierSku", path)
    for key in ("skuName", "skuImage", "saleUnit"):
        _require_text(sku, key, path)
    _require_positive(sku, "agreementPrice", path)
    _require_positive(sku, "referencePrice", path)
    _require_positive(sku, "minDeliveryQuantity", path, whole=True)
    # A stock is a whole number of items, as the emulator reads it.
    _optional_non_negative(sku, "quantity", path, whole=True)
    _optional_non_negative(sku, "weight", path)
    for key in (
        "upc",
        "productArea",
        "keyword",
        "description",
        "materialCode",
        "pcIntroduction",
        "appIntroduction",
    ):
        _optional_text(sku, key, path)
    for index, spec in enumerate(_list(sku, "skuSpecs", path, required=True)):
        spec_path = f"{path}.skuSpecs[{index}]"
        obj = _object(spec, spec_path)
        for key in ("specsCode", "specsName", "specsValue"):
            _require_text(obj, key, spec_path)
        _optional_text(obj, "specsImage", spec_path)
        _optional_int(obj, "sorting", spec_path)
    for index, media in enumerate(_list(sku, "skuMediaList", path, required=False)):
        _check_media(media, f"{path}.skuMediaList[{index}]")
    for index, attribute in enumerate(_list(sku, "skuAttributeList", path, required=False)):
        attribute_path = f"{path}.skuAttributeList[{index}]"
        obj = _object(attribute, attribute_path)
        _require_text(obj, "attributeName", attribute_path)
        _require_text(obj, "attributeValue", attribute_path)
        _optional_int(obj, "sorting", attribute_path)
    checks = _list(sku, "checkPriceMsgList", path, required=joint_operation)
    for index, check in enumerate(checks):
        check_path = f"{path}.checkPriceMsgList[{index}]"
        obj = _object(check, check_path)
        _require_positive(obj, "outCheckPrice", check_path)
        _require_text(obj, "attachment", check_path)
        _require_text(obj, "outCheckPriceUrl", check_path)
    return code
