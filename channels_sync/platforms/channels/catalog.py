"""Reading a Channels shop's existing products as remote catalog products (API reference §3.1, §3.2, §3.3).

``product/list/get`` pages the shop's product ids with ``next_key`` (at most 30 a page); ``product/get`` with
data_type 3 then gives each product's draft and online copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from products.models import Platform

from ..remote_catalog import (
    RemoteCatalogPage,
    RemoteCatalogProduct,
)
from ..responses import ResponseShapeError
from ..responses import read_items as _items
from ..responses import read_number as _number
from ..responses import read_object as _obj
from ..responses import read_text as _text
from ..wechat_catalog import SpuSpelling, read_spu
from .client import PRODUCT_LIST_MAX_PAGE_SIZE, ChannelsClient, ProductDataType
from .constants import NO_BRAND_ID, ProductStatus

# The cursor of the second run of the listing, over the drafts never listed (see read_catalog_page).
DRAFTS_CURSOR = "drafts:"


SPELLING = SpuSpelling(product_code="spu_code", head_images="head_imgs", barcode="bar_code", no_brand_id=NO_BRAND_ID)


def read_catalog_page(
    client: ChannelsClient, cursor: str = "", *, page_size: int = PRODUCT_LIST_MAX_PAGE_SIZE
) -> RemoteCatalogPage:
    """One page of the shop's products: ``list/get`` from ``cursor``, then ``product/get`` (both copies) per id.

    Without ``status``, ``list/get`` leaves out never-listed drafts and the recycle bin (§3.2), so the listing
    runs twice: every product it shows, then the drafts (``status`` 0). ``cursor`` is the ``next_key`` of the
    first run (``""`` to start), or :data:`DRAFTS_CURSOR` followed by that of the second. A run ends with an
    empty page, or when the shop gives no new ``next_key`` (the emulator echoes the key it was given on the
    empty page); ``next_cursor`` is ``None`` after the second. A product seen in both runs shows twice.
    """
    drafts = cursor.startswith(DRAFTS_CURSOR)
    next_key = cursor.removeprefix(DRAFTS_CURSOR) if drafts else cursor
    status = ProductStatus.INITIAL if drafts else None
    product_ids, answered_key, total = client.product_list(page_size=page_size, next_key=next_key, status=status)
    products = tuple(
        parse_catalog_product(client.product_get(product_id, ProductDataType.BOTH)) for product_id in product_ids
    )
    more = bool(product_ids) and bool(answered_key) and answered_key != next_key
    prefix = DRAFTS_CURSOR if drafts else ""
    if more:
        next_cursor: str | None = prefix + answered_key
    else:
        next_cursor = None if drafts else DRAFTS_CURSOR
    return RemoteCatalogPage(products=products, next_cursor=next_cursor, total=total)


def parse_catalog_product(get_answer: Mapping[str, Any]) -> RemoteCatalogProduct:
    """A ``product/get`` answer (``ChannelsClient.product_get``) as a remote catalog product.

    The draft (``edit_product``) is read when present: it holds the merchant's latest edit, the one a later
    update would be compared with; the online copy otherwise. The status is the online one (§3.1): listed (5),
    never listed (0), or delisted (every other figure: by the merchant, sold out, risk control…).
    """
    answer = _obj(get_answer, "answer")
    online = answer.get("product")
    draft = answer.get("edit_product")
    if draft is not None:
        copy, path = _obj(draft, "edit_product"), "edit_product"
    elif online is not None:
        copy, path = _obj(online, "product"), "product"
    else:
        raise ResponseShapeError("product", "the answer has neither product nor edit_product")
    status = _number(_obj(online, "product"), "status", "product") if online is not None else None
    if status is None:
        status = _number(copy, "status", path)
    return read_spu(
        copy,
        path,
        platform=Platform.CHANNELS,
        spelling=SPELLING,
        status=status,
        category_ids=_category_ids(copy, path),
        product_fields=lambda copy, express: _product_fields(copy, path, express),
    )


def _product_fields(copy: Mapping[str, Any], path: str, express: Mapping[str, Any]) -> dict[str, Any]:
    """The §3.3 settings as the local product's fields: short title, delivery, after-sale services, purchase
    limit and weight."""
    service_path = f"{path}.extra_service"
    service = _obj(copy["extra_service"], service_path) if copy.get("extra_service") is not None else {}
    limit_path = f"{path}.limited_info"
    limit = _obj(copy["limited_info"], limit_path) if copy.get("limited_info") is not None else {}
    fields: dict[str, Any] = {
        "short_title": _text(copy, "short_title", path),
        "aftersale_desc": _text(copy, "aftersale_desc", path),
        "deliver_method": _number(copy, "deliver_method", path) or 0,
        "buy_limit": _number(limit, "limited_buy_num", limit_path) or 0,
        "seven_day_return": _number(service, "seven_day_return", service_path) or 0,
    }
    for flag in ("pay_after_use", "freight_insurance", "fake_one_pay_three", "damage_guarantee"):
        fields[flag] = bool(_number(service, flag, service_path))
    weight = _number(express, "weight", f"{path}.express_info")
    if weight is not None:
        fields["weight_g"] = weight
    return fields


def _category_ids(copy: Mapping[str, Any], path: str) -> tuple[str, ...]:
    """``cats_v2`` (the multi-level tree) when given, else the three-level ``cats`` (§3.3), root first."""
    key = "cats_v2" if _items(copy, "cats_v2", path) else "cats"
    ids = []
    for index, item in enumerate(_items(copy, key, path)):
        item = _obj(item, f"{path}.{key}[{index}]")
        ids.append(_text(item, "cat_id", f"{path}.{key}[{index}]", required=True))
    return tuple(ids)
